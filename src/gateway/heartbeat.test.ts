import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { Heartbeat } from './heartbeat.ts';

class FakeSocket extends EventEmitter {
  pings = 0;
  terminated = false;
  ping() {
    this.pings += 1;
  }
  terminate() {
    this.terminated = true;
    this.emit('close');
  }
}

describe('the heartbeat', () => {
  it('pings every socket each round and cuts one that answered nothing since the last', () => {
    const heartbeat = new Heartbeat(60_000);
    const answering = new FakeSocket();
    const talking = new FakeSocket();
    const silent = new FakeSocket();
    for (const socket of [answering, talking, silent]) heartbeat.watch(socket);

    heartbeat.beat();
    expect([answering.pings, talking.pings, silent.pings]).toEqual([1, 1, 1]);
    answering.emit('pong');
    talking.emit('message');
    heartbeat.beat();
    expect([answering.terminated, talking.terminated, silent.terminated]).toEqual([false, false, true]);
    expect([answering.pings, talking.pings, silent.pings]).toEqual([2, 2, 1]);
    heartbeat.close();
  });

  it('forgets a socket once it closed', () => {
    const heartbeat = new Heartbeat(60_000);
    const gone = new FakeSocket();
    heartbeat.watch(gone);
    gone.emit('close');
    heartbeat.beat();
    heartbeat.beat();
    expect(gone.pings).toBe(0);
    expect(gone.terminated).toBe(false);
    heartbeat.close();
  });
});
