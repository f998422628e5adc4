import type { FastifyInstance } from 'fastify';
import {
  NotLeaderError,
  type ProjectionRegistry,
  UnknownProjectionError,
} from '../../projections/runner/projection-registry.ts';
import { apiError } from '../deps.ts';

/** Operators' read-model commands, inside the admin scope (same token). */
export function registerProjectionRoutes(admin: FastifyInstance, projections: ProjectionRegistry): void {
  admin.get('/admin/projections', async () => projections.status());

  const command = (path: string, run: (name: string) => string[], status: number, key: string) =>
    admin.post<{ Params: { name: string } }>(path, async (request, reply) => {
      try {
        return reply.code(status).send({ [key]: run(request.params.name) });
      } catch (error) {
        if (error instanceof UnknownProjectionError)
          return reply.code(404).send(apiError('unknown_projection', error.message));
        if (error instanceof NotLeaderError)
          return reply.code(409).send(apiError('not_leader', error.message));
        throw error;
      }
    });
  command('/admin/projections/:name/rebuild', (name) => projections.rebuild(name), 202, 'started');
  command('/admin/projections/:name/pause', (name) => projections.pause(name), 200, 'names');
  command('/admin/projections/:name/resume', (name) => projections.resume(name), 200, 'names');
}
