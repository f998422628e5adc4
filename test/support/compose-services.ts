import { join } from 'node:path';
import { type ComposeService, readComposeFile } from './compose-file.ts';

/** docker-compose.yml's services (merge keys resolved). */
export const composeServices = (): Record<string, ComposeService> =>
  readComposeFile(join(import.meta.dirname, '..', '..', 'docker-compose.yml')).services;

export const networksOf = (service: ComposeService): string[] =>
  Array.isArray(service.networks) ? service.networks : Object.keys(service.networks ?? { default: null });

/** A variable of a service's `environment` (map or `KEY=value` list form). */
export function environmentOf(service: ComposeService, name: string): string | undefined {
  const env = service.environment;
  if (Array.isArray(env)) return env.find((e) => e.startsWith(`${name}=`))?.slice(name.length + 1);
  const value = env?.[name];
  return value === undefined || value === null ? undefined : String(value);
}

/** The repository folder a service bind-mounts at `target`, if any. */
export function mountAt(service: ComposeService, target: string): string | undefined {
  for (const volume of service.volumes ?? []) {
    if (typeof volume !== 'string') continue;
    const [source, at] = volume.split(':');
    if (at === target && source?.startsWith('./')) return source.slice(2);
  }
  return undefined;
}
