import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { EventStore } from '../../infrastructure/event-store/event-store.ts';
import { describeQueryError, eventQuerySchema, queryEvents } from '../../projections/replay/event-query.ts';
import { CONTENT_TYPES, formatEvents } from '../../projections/replay/formats.ts';
import {
  StateNotFoundError,
  stateAt,
  stateAtToJson,
  stateKindSchema,
  stateQuerySchema,
} from '../../projections/replay/time-travel.ts';
import { apiError } from '../deps.ts';

/** Analysts' endpoints: event replay and time travel. Registered inside the admin scope (its auth). */
export function registerAnalyticsRoutes(admin: FastifyInstance, deps: { store: EventStore }): void {
  admin.get('/admin/events', async (request, reply) => {
    const parsed = eventQuerySchema.safeParse(request.query);
    if (!parsed.success)
      return reply.code(400).send(apiError('invalid_query', describeQueryError(parsed.error)));
    const { format, ...query } = parsed.data;
    const chunks = formatEvents(queryEvents(deps.store, query), format);
    return reply.type(CONTENT_TYPES[format]).send(Readable.from(chunks, { objectMode: false }));
  });

  admin.get('/admin/state/:kind/:id', async (request, reply) => {
    const { kind, id } = request.params as { kind: string; id: string };
    const parsedKind = stateKindSchema.safeParse(kind);
    const parsed = stateQuerySchema.safeParse(request.query);
    if (!parsedKind.success)
      return reply
        .code(400)
        .send(apiError('invalid_query', `unknown kind "${kind}": use player, location or npc`));
    if (!parsed.success)
      return reply.code(400).send(apiError('invalid_query', describeQueryError(parsed.error)));
    try {
      return stateAtToJson(await stateAt(deps.store, { kind: parsedKind.data, id, ...parsed.data }));
    } catch (error) {
      if (error instanceof StateNotFoundError)
        return reply.code(404).send(apiError('not_found', error.message));
      throw error;
    }
  });
}
