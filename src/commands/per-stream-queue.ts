/** Runs tasks one after another per stream and concurrently across streams. */
export class PerStreamQueue {
  private readonly tails = new Map<string, Promise<void>>();

  run<T>(streamId: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(streamId);
    const next = previous ? previous.then(task) : task();
    const tail = next.then(
      () => {},
      () => {},
    );
    this.tails.set(streamId, tail);
    void tail.then(() => {
      if (this.tails.get(streamId) === tail) this.tails.delete(streamId);
    });
    return next;
  }
}
