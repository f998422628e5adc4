/**
 * A Map that can undo what was done to it since `begin`: each key's value from before its first
 * change is kept, so a rollback costs as much as the changes made, not the size of the map.
 */
export class JournaledMap<K, V> extends Map<K, V> {
  private journal: Map<K, { had: boolean; value: V | undefined }> | undefined;

  /** Starts a new journal (the previous one is forgotten). */
  begin(): void {
    this.journal = new Map();
  }

  /** Puts back every key changed since `begin` as it was, and starts again from there. */
  rollback(): void {
    const journal = this.journal;
    if (!journal) return;
    this.journal = undefined;
    for (const [key, before] of journal) {
      if (before.had) super.set(key, before.value as V);
      else super.delete(key);
    }
    this.journal = new Map();
  }

  override set(key: K, value: V): this {
    this.remember(key);
    return super.set(key, value);
  }

  override delete(key: K): boolean {
    this.remember(key);
    return super.delete(key);
  }

  override clear(): void {
    for (const key of this.keys()) this.remember(key);
    super.clear();
  }

  private remember(key: K): void {
    // Undefined while Map's own constructor runs (before this class's fields exist).
    if (!this.journal || this.journal.has(key)) return;
    this.journal.set(key, { had: super.has(key), value: super.get(key) });
  }
}
