/** What the system runs when it stops (or fails to start), last opened first. */
export type Closers = (() => Promise<unknown>)[];
