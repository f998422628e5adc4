import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { apiError } from '../deps.ts';

/**
 * Refuses, with 400, any request whose query, path parameters or JSON body holds a NUL character or a
 * lone surrogate: no store keeps them (PostgreSQL refuses both), so they could only end as a 500.
 */
export const requestTextPlugin = fp(async (app: FastifyInstance) => {
  app.addHook('preValidation', async (request, reply) => {
    const where =
      unstorableText(request.query, 'query') ??
      unstorableText(request.params, 'path') ??
      unstorableText(request.body, 'body');
    if (where)
      return reply
        .code(400)
        .send(
          apiError(
            'invalid_request',
            `${where} holds a NUL character (U+0000) or a lone surrogate, which no text may hold`,
          ),
        );
  });
});

// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is what this refuses
const UNSTORABLE = /[\u0000\p{Cs}]/u;

/** The path (e.g. `query.q`) of the first string (value or key) that holds an unstorable character. */
export function unstorableText(root: unknown, rootPath: string): string | undefined {
  const pending: Array<[unknown, string]> = [[root, rootPath]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [value, path] = next;
    if (typeof value === 'string') {
      if (UNSTORABLE.test(value)) return path;
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) {
        if (UNSTORABLE.test(key)) return path;
        pending.push([item, Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`]);
      }
    }
  }
  return undefined;
}
