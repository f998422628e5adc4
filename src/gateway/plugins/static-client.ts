import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/** The browser client (plain HTML and JS, no build step) at `/`. */
export const staticClientPlugin = fp(async (app: FastifyInstance) => {
  await app.register(fastifyStatic, {
    root: fileURLToPath(new URL('../public/', import.meta.url)),
    prefix: '/',
    index: ['index.html'],
  });
});
