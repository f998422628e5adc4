import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { type Kysely, sql } from 'kysely';
import { z } from 'zod';
import { conversationsProjection } from '../../projections/read-models/conversations.ts';
import { locationsProjection } from '../../projections/read-models/locations.ts';
import { npcsProjection } from '../../projections/read-models/npcs.ts';
import { liveNames } from '../../projections/runner/projection.ts';
import { apiError } from '../deps.ts';
import type { TokenClaims } from './auth.ts';

export type SearchKind = 'location' | 'npc' | 'item' | 'conversation';

export interface SearchResult {
  kind: SearchKind;
  id: string;
  title: string;
  snippet: string;
  rank: number;
}

const { locations, world_items: items } = liveNames(locationsProjection);
const { npcs } = liveNames(npcsProjection);
const { conversations } = liveNames(conversationsProjection);

/**
 * Full-text search over the world (locations, NPCs, items: everyone's) and the asking player's own
 * conversations, never anyone else's. Snippets are highlighted only for the rows that make the cut.
 */
export async function searchWorld(
  db: Kysely<unknown>,
  request: { playerId: string; query: string; limit: number },
): Promise<SearchResult[]> {
  const { rows } = await sql<SearchResult>`
    with q as (select websearch_to_tsquery('english', ${request.query}) as query),
    hits as (
      select 'location' as kind, l.location_id as id, l.name as title, l.description as body,
             ts_rank(l.search, q.query) as rank
        from ${sql.table(locations!)} l, q where l.search @@ q.query
      union all
      select 'npc', n.npc_id, n.name, concat_ws(E'\n', n.description, n.knowledge), ts_rank(n.search, q.query)
        from ${sql.table(npcs!)} n, q where n.search @@ q.query and n.content_version is not null
      union all
      select 'item', i.item_id, i.name, i.description, ts_rank(i.search, q.query)
        from ${sql.table(items!)} i, q where i.search @@ q.query
      union all
      select 'conversation', c.event_id::text, coalesce(n.name, c.npc_id), c.message || ' ' || c.reply,
             ts_rank(c.search, q.query)
        from ${sql.table(conversations!)} c cross join q
        left join ${sql.table(npcs!)} n on n.npc_id = c.npc_id
       where c.player_id = ${request.playerId} and c.search @@ q.query
      order by rank desc, kind, id
      limit ${request.limit}
    )
    select kind, id, title, ts_headline('english', body, q.query, 'MaxFragments=2, MinWords=5, MaxWords=20') as snippet,
           rank
      from hits, q
     order by rank desc, kind, id`.execute(db);
  return rows;
}

const querySchema = z.object({
  q: z.string().trim().min(1, 'q must not be empty').max(200, 'q is at most 200 characters'),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});

export interface SearchDeps {
  db: Kysely<unknown>;
  /** The player behind the request; throws when there is none. Defaults to the JWT of authPlugin. */
  verifyPlayer?: (request: FastifyRequest) => Promise<string>;
}

/** GET /search?q=<text>&limit=20 for a signed-in player. Register after authPlugin (it needs request.jwtVerify). */
export const searchPlugin = fp(async (app: FastifyInstance, deps: SearchDeps) => {
  const verifyPlayer =
    deps.verifyPlayer ?? (async (request: FastifyRequest) => (await request.jwtVerify<TokenClaims>()).sub);

  app.get('/search', async (request, reply) => {
    let playerId: string;
    try {
      playerId = await verifyPlayer(request);
    } catch {
      return reply.code(401).send(apiError('unauthorized', 'search needs Authorization: Bearer <token>'));
    }
    const parsed = querySchema.safeParse(request.query);
    if (!parsed.success) {
      const message = parsed.error.issues
        .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
        .join('; ');
      return reply.code(400).send(apiError('invalid_query', message));
    }
    const { q, limit } = parsed.data;
    return reply.send({ query: q, results: await searchWorld(deps.db, { playerId, query: q, limit }) });
  });
});
