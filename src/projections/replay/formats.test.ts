import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../infrastructure/event-store/event-store.ts';
import { csvField, toCsv, toJsonLines } from './formats.ts';

const said: StoredEvent = {
  id: '0b7c3a52-4c1e-4a51-9d7e-2f1f0a3c9e11',
  streamId: 'player-p1',
  revision: 4n,
  position: 9_007_199_254_740_993n,
  type: 'PlayerSaid',
  data: { playerId: 'p1', locationId: 'square', message: 'Hello, "friend",\nwell met' },
  metadata: { timestamp: '2026-11-25T10:00:00.000Z', correlationId: 'c1', causationId: 'a1' },
};
const picked: StoredEvent = {
  id: '5d1e8f0a-9b2c-4d3e-8f4a-1b2c3d4e5f60',
  streamId: 'location-square',
  revision: 0n,
  position: 9_007_199_254_740_999n,
  type: 'ItemPickedUp',
  data: { locationId: 'square', itemId: 'herb', playerId: 'p2' },
  metadata: { timestamp: '2026-11-25T10:01:00.000Z', playerId: 'p3' },
};

async function* events() {
  yield said;
  yield picked;
}
const text = async (chunks: AsyncIterable<string>) => {
  let all = '';
  for await (const chunk of chunks) all += chunk;
  return all;
};

describe('JSON lines', () => {
  it('writes one event per line, with positions and revisions as strings', async () => {
    const lines = (await text(toJsonLines(events()))).split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    expect(JSON.parse(lines[0]!)).toEqual({
      position: '9007199254740993',
      revision: '4',
      id: said.id,
      stream: 'player-p1',
      type: 'PlayerSaid',
      data: said.data,
      metadata: said.metadata,
    });
    expect(JSON.parse(lines[1]!)).toMatchObject({ position: '9007199254740999', stream: 'location-square' });
  });
});

describe('CSV', () => {
  it('quotes fields as RFC 4180 says', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
  });

  it('writes a header and one row per event, the data as compact JSON', async () => {
    const csv = await text(toCsv(events()));
    expect(csv).toBe(
      [
        'position,stream,revision,type,timestamp,player_id,id,correlation_id,causation_id,data,metadata',
        `9007199254740993,player-p1,4,PlayerSaid,2026-11-25T10:00:00.000Z,p1,${said.id},c1,a1,` +
          '"{""playerId"":""p1"",""locationId"":""square"",""message"":""Hello, \\""friend\\"",\\nwell met""}",' +
          '"{""timestamp"":""2026-11-25T10:00:00.000Z"",""correlationId"":""c1"",""causationId"":""a1""}"',
        `9007199254740999,location-square,0,ItemPickedUp,2026-11-25T10:01:00.000Z,p3,${picked.id},,,` +
          '"{""locationId"":""square"",""itemId"":""herb"",""playerId"":""p2""}",' +
          '"{""timestamp"":""2026-11-25T10:01:00.000Z"",""playerId"":""p3""}"',
        '',
      ].join('\r\n'),
    );
  });

  it('writes only the header when nothing matches', async () => {
    expect(await text(toCsv((async function* () {})()))).toBe(
      'position,stream,revision,type,timestamp,player_id,id,correlation_id,causation_id,data,metadata\r\n',
    );
  });
});
