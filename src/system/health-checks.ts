import type { GatewayDeps } from '../gateway/deps.ts';
import type { openLanes } from '../gpu/orchestrator/open-lanes.ts';
import type { Leadership } from '../infrastructure/leadership.ts';
import type { openNpcMemory } from '../infrastructure/memory/open-memory.ts';
import type { Storage } from './storage.ts';

/** What /health reports of each part, and how it finds out that the part answers. */
export function healthChecks({
  role,
  processId,
  leadership,
  storage: { target, database, store, redis },
  npcMemory,
  lanes,
}: {
  role: string;
  processId: string;
  leadership: () => Leadership | undefined;
  storage: Storage;
  npcMemory: Awaited<ReturnType<typeof openNpcMemory>>;
  lanes: ReturnType<typeof openLanes>;
}): GatewayDeps['healthChecks'] {
  return {
    process: async () => ({
      role,
      process_id: processId,
      projections: leadership()?.status() ?? 'off (PROCESS_ROLE=game)',
    }),
    eventStore: async () => ({
      adapter: store.name,
      head_position: (await store.headPosition()).toString(),
    }),
    database: async () => {
      await database.db.selectFrom('events').select('position').limit(1).execute();
      return { adapter: target.kind };
    },
    ...(redis ? { redis: async () => ({ reply: await redis.ping() }) } : {}),
    npcMemory: async () => {
      await npcMemory.memory.ping();
      return {
        adapter: npcMemory.memory.name,
        embedder: npcMemory.embedder.name,
        memories: await npcMemory.memory.count(),
      };
    },
    lanes: async () => ({
      world: lanes.world?.status() ?? 'rules',
      npc: lanes.npc?.status() ?? 'rules',
      queue_depth: { world: lanes.world?.queueDepth ?? 0, npc: lanes.npc?.queueDepth ?? 0 },
    }),
  };
}
