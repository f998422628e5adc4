import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { type Kysely, sql } from 'kysely';
import type { HotStateReader } from '../../projections/hot-state/hot-state-reader.ts';
import { apiError } from '../deps.ts';

/**
 * GET /players/me: the signed-in player's profile from the read models — progression from
 * PostgreSQL, where they are and what they did in the last minute from the hot state.
 */
export const playersPlugin = fp(
  async (app: FastifyInstance, deps: { readModels: Kysely<unknown>; hotState: HotStateReader }) => {
    app.get('/players/me', async (request, reply) => {
      try {
        await request.jwtVerify();
      } catch {
        return reply
          .code(401)
          .send(apiError('unauthorized', 'send a player token as Authorization: Bearer <token>'));
      }
      const playerId = request.user.sub;
      const { rows } = await sql<
        Record<string, unknown>
      >`select * from rm_players where player_id = ${playerId}`.execute(deps.readModels);
      const profile = rows[0];
      if (!profile)
        return reply
          .code(404)
          .send(apiError('not_found', 'no profile yet: the read model has not caught up with this player'));
      const [position, recent] = await Promise.all([
        deps.hotState.position(playerId),
        deps.hotState.recentActions(playerId),
      ]);
      return {
        player_id: playerId,
        username: profile.username,
        location_id: position ?? profile.location_id,
        hp: profile.hp,
        max_hp: profile.max_hp,
        xp: profile.xp,
        quests_completed: profile.quests_completed,
        enemies_slain: profile.enemies_slain,
        defeats: profile.defeats,
        online: Number(profile.sessions_open) > 0,
        registered_at: profile.registered_at,
        last_seen_at: profile.last_seen_at,
        recent_actions: recent.map((a) => ({ action_type: a.actionType, at: new Date(a.at).toISOString() })),
      };
    });
  },
);
