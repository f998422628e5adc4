/**
 * The connections each player holds in this process, oldest first, at most `maxPerPlayer`: adding
 * one more hands back the oldest ones for the caller to close.
 */
export class PlayerConnections<Connection> {
  private readonly byPlayer = new Map<string, Connection[]>();

  constructor(private readonly maxPerPlayer: number) {}

  /** Adds a connection; returns the connections it displaces (oldest first), already forgotten. */
  add(playerId: string, connection: Connection): Connection[] {
    const connections = this.byPlayer.get(playerId) ?? [];
    this.byPlayer.set(playerId, connections);
    connections.push(connection);
    return connections.splice(0, Math.max(0, connections.length - this.maxPerPlayer));
  }

  remove(playerId: string, connection: Connection): void {
    const connections = this.byPlayer.get(playerId);
    if (!connections) return;
    const index = connections.indexOf(connection);
    if (index >= 0) connections.splice(index, 1);
    if (connections.length === 0) this.byPlayer.delete(playerId);
  }

  of(playerId: string): readonly Connection[] {
    return this.byPlayer.get(playerId) ?? [];
  }
}
