import { describe, expect, it } from 'vitest';
import { SingleFlight } from './single-flight.ts';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('SingleFlight', () => {
  it('runs the work once for identical keys in flight and gives every caller its result', async () => {
    const flights = new SingleFlight<string>();
    const gate = deferred<string>();
    let runs = 0;
    const work = () => {
      runs++;
      return gate.promise;
    };
    const callers = [flights.run('greeting:elder', work), flights.run('greeting:elder', work)];
    expect(flights.inFlight).toBe(1);
    gate.resolve('Welcome, traveller.');
    expect(await Promise.all(callers)).toEqual(['Welcome, traveller.', 'Welcome, traveller.']);
    expect(runs).toBe(1);
  });

  it('forgets a key once it has settled, so the next call runs the work again', async () => {
    const flights = new SingleFlight<number>();
    let runs = 0;
    const work = async () => ++runs;
    expect(await flights.run('k', work)).toBe(1);
    expect(flights.inFlight).toBe(0);
    expect(await flights.run('k', work)).toBe(2);
  });

  it('delivers a failure to every waiter and then forgets it', async () => {
    const flights = new SingleFlight<string>();
    const gate = deferred<string>();
    const callers = [flights.run('k', () => gate.promise), flights.run('k', () => gate.promise)];
    gate.reject(new Error('lane timed out'));
    for (const caller of callers) await expect(caller).rejects.toThrow('lane timed out');
    expect(flights.inFlight).toBe(0);
    await expect(flights.run('k', async () => 'recovered')).resolves.toBe('recovered');
  });

  it('settles work that throws synchronously as a rejection', async () => {
    const flights = new SingleFlight<string>();
    const work = (): Promise<string> => {
      throw new Error('bad prompt');
    };
    await expect(flights.run('k', work)).rejects.toThrow('bad prompt');
    expect(flights.inFlight).toBe(0);
  });

  it('runs different keys independently', async () => {
    const flights = new SingleFlight<string>();
    const first = deferred<string>();
    const a = flights.run('a', () => first.promise);
    const b = flights.run('b', async () => 'b done');
    expect(flights.inFlight).toBe(2);
    expect(await b).toBe('b done');
    expect(flights.inFlight).toBe(1);
    first.resolve('a done');
    expect(await a).toBe('a done');
    expect(flights.inFlight).toBe(0);
  });
});
