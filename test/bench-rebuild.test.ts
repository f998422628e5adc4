import { describe, expect, it } from 'vitest';
import { differencesFromProduction, parseOptions } from '../bench/rebuild.ts';
import { generateWorldEvents, type StreamBatch } from '../bench/world-events.ts';
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

  it('makes its log with the game’s own code: the CommandHandler’s metadata, the ActionProcessor’s steps', async () => {
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
    expect(new Set(events.map((event) => event.id)).size).toBe(events.length);
    for (const event of events) {
      expect(event.metadata.commandId).toEqual(expect.any(String));
      expect(event.metadata.timestamp).toEqual(expect.any(String));
      expect(event.metadata.causationId).toEqual(expect.any(String));
    }
    const count = (type: string) => events.filter((event) => event.type === type).length;
    expect(count('ActionRequested')).toBeGreaterThan(50);
    expect(count('ActionResolved')).toBe(count('ActionRequested'));
    // The ActionProcessor's location step: one ApplyActionSteps command per action, its checked proposal
    // in the metadata (a bench that re-implemented the pipeline wrote one command per effect, without it).
    const locationEvents = windows
      .flat()
      .filter((batch) => batch.streamId.startsWith('location-'))
      .flatMap((batch) => batch.events);
    expect(locationEvents.length).toBeGreaterThan(0);
    for (const event of locationEvents) {
      expect(event.metadata.commandId).toMatch(/^[0-9a-f-]{36}\/location$/);
      expect(event.metadata.actionOutcome).toMatchObject({ effects: expect.any(Array), source: 'rules' });
    }
  });
});
