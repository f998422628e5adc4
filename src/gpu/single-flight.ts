/**
 * Coalesces concurrent identical work: while a key is in flight, callers with that key share its
 * promise, so the work runs once. The entry is dropped when it settles, so a later call runs afresh
 * (caching results is the Cache's job) and a failure is not remembered.
 */
export class SingleFlight<T> {
  private readonly flights = new Map<string, Promise<T>>();

  /** Keys whose work is running now (for metrics). */
  get inFlight(): number {
    return this.flights.size;
  }

  run(key: string, work: () => Promise<T>): Promise<T> {
    const current = this.flights.get(key);
    if (current) return current;
    // Started through a resolved promise, so work that throws synchronously still settles the entry.
    const flight = Promise.resolve()
      .then(work)
      .finally(() => {
        if (this.flights.get(key) === flight) this.flights.delete(key);
      });
    this.flights.set(key, flight);
    return flight;
  }
}
