import { describe, expect, it } from 'vitest';
import { PlayerConnections } from './player-connections.ts';

describe('PlayerConnections', () => {
  it('keeps at most the limit per player and hands back the oldest', () => {
    const connections = new PlayerConnections<string>(3);
    expect(connections.add('ayla', 'a1')).toEqual([]);
    expect(connections.add('ayla', 'a2')).toEqual([]);
    expect(connections.add('brannoc', 'b1')).toEqual([]);
    expect(connections.add('ayla', 'a3')).toEqual([]);
    expect(connections.add('ayla', 'a4')).toEqual(['a1']);
    expect(connections.of('ayla')).toEqual(['a2', 'a3', 'a4']);
    expect(connections.of('brannoc')).toEqual(['b1']);
  });

  it('forgets closed connections, so they no longer count', () => {
    const connections = new PlayerConnections<string>(2);
    connections.add('ayla', 'a1');
    connections.add('ayla', 'a2');
    connections.remove('ayla', 'a1');
    connections.remove('ayla', 'a1');
    expect(connections.add('ayla', 'a3')).toEqual([]);
    expect(connections.of('ayla')).toEqual(['a2', 'a3']);
    connections.remove('ayla', 'a2');
    connections.remove('ayla', 'a3');
    expect(connections.of('ayla')).toEqual([]);
  });
});
