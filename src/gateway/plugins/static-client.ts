import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

const PUBLIC_DIR = fileURLToPath(new URL('../public/', import.meta.url));
/** The paths of the client's own files (the page and what it loads). */
const CLIENT_PATHS: ReadonlySet<string> = new Set([
  '/',
  ...readdirSync(PUBLIC_DIR).map((name) => `/${name}`),
]);

/**
 * Whether a request only fetches the client's own files: these are not counted against the per-IP
 * API limit (a page load is eight of them; two players behind one address reloading at once would
 * otherwise be refused a script). They are small static files, cheap to serve.
 */
export function fetchesClientFile(method: string, url: string): boolean {
  if (method !== 'GET' && method !== 'HEAD') return false;
  const path = url.split('?', 1)[0]!;
  return CLIENT_PATHS.has(path);
}

/** The browser client (plain HTML and JS, no build step) at `/`. */
export const staticClientPlugin = fp(async (app: FastifyInstance) => {
  await app.register(fastifyStatic, {
    root: PUBLIC_DIR,
    prefix: '/',
    index: ['index.html'],
  });
});
