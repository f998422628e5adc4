import { describe, expect, it } from 'vitest';
import { differencesFromProduction, parseOptions } from '../bench/rebuild.ts';
import { generateWorldEvents, type StreamBatch } from '../bench/world-events.ts';
import { eventIdOf } from '../src/commands/command-handler.ts';
import { starterWorld } from '../src/domain/testing/starter-world.ts';

describe('the rebuild benchmark', () => {
  it("rebuilds at the server's settings by default: the runners' own batch size, no VACUUM or CHECKPOINT first", () => {
    const options = parseOptions([]);
    expect(options.batch).toBeUndefined();
    expect(options.vacuum).toBe(false);
    const differences = differencesFromProduction(options, true).join('\n');
    expect(differences).not.toMatch(/batch size|VACUUM|CHECKPOINT/);
  });

  it('prints every setting that is not the server’s among its differences from production', () => {
    const options = parseOptions(['--batch', '5000', '--vacuum', '--no-hot-state']);
    expect(options).toMatchObject({ batch: 5000, vacuum: true, hotState: false });
    const differences = differencesFromProduction(options, false);
    expect(differences).toContainEqual(expect.stringContaining('batch size 5000'));
    expect(differences).toContainEqual(expect.stringContaining('VACUUM (ANALYZE) events and CHECKPOINT'));
    expect(differences).toContainEqual(expect.stringContaining('hot state was not rebuilt'));
  });

  it('makes its log’s events with the CommandHandler’s own ids and metadata', async () => {
    const windows: StreamBatch[][] = [];
    for await (const window of generateWorldEvents({
      world: starterWorld(),
      events: 400,
      players: 5,
      seed: 'envelope',
      days: 1,
      end: new Date('2026-01-02T00:00:00Z'),
      windowEvents: 100,
    }))
      windows.push(window);
    const events = windows.flat().flatMap((batch) => batch.events);
    expect(events).toHaveLength(400);
    const indexInCommand = new Map<string, number>();
    for (const event of events) {
      const commandId = event.metadata.commandId as string;
      expect(commandId).toEqual(expect.any(String));
      const index = indexInCommand.get(commandId) ?? 0;
      indexInCommand.set(commandId, index + 1);
      expect(event.id).toBe(eventIdOf(commandId, index));
      expect(event.metadata.timestamp).toEqual(expect.any(String));
      expect(event.metadata.causationId).toEqual(expect.any(String));
    }
  });
});
