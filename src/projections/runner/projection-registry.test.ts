import { describe, expect, it } from 'vitest';
import { createLogger } from '../../infrastructure/logger.ts';
import { NotLeaderError, ProjectionRegistry, type ReadModelRunner } from './projection-registry.ts';

const logger = createLogger('silent', false);

function fakeRunner(name: string, log: string[]): ReadModelRunner {
  return {
    name,
    start: async () => void log.push(`start ${name}`),
    stop: async () => void log.push(`stop ${name}`),
    pause: () => void log.push(`pause ${name}`),
    resume: () => void log.push(`resume ${name}`),
    rebuildInShadow: async () => void log.push(`rebuild ${name}`),
    describe: async () => ({
      name,
      status: 'running',
      position: '0',
      head: '0',
      lag_events: 0,
      rebuild: null,
    }),
  };
}

describe('the read models of one process among several', () => {
  const setup = () => {
    const log: string[] = [];
    const local = fakeRunner('hot-state', log);
    let leader = false;
    const registry = new ProjectionRegistry([fakeRunner('players', log), local], logger, undefined, {
      local: (runner) => runner === local,
      leads: () => leader,
    });
    return { log, registry, elect: (value: boolean) => (leader = value) };
  };

  it('keeps its own state always, and the shared read models only while it leads', async () => {
    const { log, registry } = setup();
    await registry.startLocal();
    expect(log).toEqual(['start hot-state']);
    await registry.startShared();
    await registry.stopShared();
    expect(log).toEqual(['start hot-state', 'start players', 'stop players']);
  });

  it('refuses operators’ commands for shared read models while another process keeps them', () => {
    const { log, registry, elect } = setup();
    expect(() => registry.rebuild('players')).toThrow(NotLeaderError);
    expect(() => registry.pause('all')).toThrow(NotLeaderError);
    expect(registry.pause('hot-state')).toEqual(['hot-state']);
    elect(true);
    expect(registry.pause('all')).toEqual(['players', 'hot-state']);
    expect(log).toEqual(['pause hot-state', 'pause players', 'pause hot-state']);
  });

  it('restarts, while it leads, a shared read model that stood down (a deposed leader wrote once more)', async () => {
    const log: string[] = [];
    const shared = { ...fakeRunner('players', log), stoodDown: true };
    let leader = false;
    const registry = new ProjectionRegistry([shared], logger, undefined, { leads: () => leader });
    expect(await registry.restartStoodDown()).toEqual([]);
    leader = true;
    expect(await registry.restartStoodDown()).toEqual(['players']);
    expect(log).toEqual(['start players']);
  });
});
