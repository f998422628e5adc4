import { createHash } from 'node:crypto';

/** Points per node: enough that each node's share of the ring stays within a few percent of 1/n. */
export const DEFAULT_VIRTUAL_NODES = 64;

interface Point {
  position: number;
  node: string;
}

/** The first 32 bits of MD5 (as Ketama does): well spread even for keys that differ in one digit. */
function ringPosition(text: string): number {
  return createHash('md5').update(text).digest().readUInt32BE(0);
}

/**
 * Consistent hashing (Karger et al. 1997) with virtual nodes: a key belongs to the first node point
 * at or after the key's position, going round. Adding a node takes over only the keys that now map to
 * it; removing one hands only its keys to the nodes after it. Written here rather than taken from npm
 * because the scheduler needs the ring order after a key's home (to skip failing or full instances)
 * and the packages there (hashring, consistent-hash…) only answer "which node", or are unmaintained.
 */
export class HashRing {
  private points: Point[] = [];
  private readonly members = new Set<string>();

  constructor(private readonly virtualNodes = DEFAULT_VIRTUAL_NODES) {
    if (!Number.isInteger(virtualNodes) || virtualNodes < 1)
      throw new RangeError(`virtual nodes must be a positive integer, got ${virtualNodes}`);
  }

  get nodes(): ReadonlySet<string> {
    return this.members;
  }

  add(node: string): void {
    if (this.members.has(node)) return;
    this.members.add(node);
    for (let v = 0; v < this.virtualNodes; v++)
      this.points.push({ position: ringPosition(`${node}#${v}`), node });
    // Ties (vanishingly rare) are broken by name so every process builds the same ring.
    this.points.sort((a, b) => a.position - b.position || (a.node < b.node ? -1 : a.node > b.node ? 1 : 0));
  }

  remove(node: string): void {
    if (!this.members.delete(node)) return;
    this.points = this.points.filter((point) => point.node !== node);
  }

  /** The node a key maps to among those `accept`s (all by default), or undefined if none does. */
  lookup(key: string, accept: (node: string) => boolean = () => true): string | undefined {
    for (const node of this.walk(key)) if (accept(node)) return node;
    return undefined;
  }

  /** Every node once, in ring order from the key's position: its home first, then where it would move. */
  *walk(key: string): Generator<string> {
    const count = this.points.length;
    if (count === 0) return;
    const start = this.firstPointAtOrAfter(ringPosition(key));
    const seen = new Set<string>();
    for (let k = 0; k < count && seen.size < this.members.size; k++) {
      const node = this.points[(start + k) % count]!.node;
      if (seen.has(node)) continue;
      seen.add(node);
      yield node;
    }
  }

  /** The fraction of key space each accepted node owns (those not accepted hand theirs on). */
  shares(accept: (node: string) => boolean = () => true): Map<string, number> {
    const owned = this.points.filter((point) => accept(point.node));
    const shares = new Map<string, number>();
    if (owned.length === 0) return shares;
    const full = 2 ** 32;
    for (let k = 0; k < owned.length; k++) {
      const point = owned[k]!;
      const previous = k === 0 ? owned[owned.length - 1]!.position - full : owned[k - 1]!.position;
      shares.set(point.node, (shares.get(point.node) ?? 0) + (point.position - previous) / full);
    }
    return shares;
  }

  private firstPointAtOrAfter(position: number): number {
    let low = 0;
    let high = this.points.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.points[middle]!.position < position) low = middle + 1;
      else high = middle;
    }
    return low === this.points.length ? 0 : low;
  }
}
