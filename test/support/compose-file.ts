import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  networks?: string[] | Record<string, { aliases?: string[] } | null>;
  volumes?: (string | { type?: string; source?: string })[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: unknown; disable?: boolean };
  'x-env-left-unset'?: string[];
  [key: string]: unknown;
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  [key: string]: unknown;
}

/** docker-compose.yml as Compose reads it (YAML merge keys `<<` applied). */
export function readComposeFile(path: string): ComposeFile {
  return parse(readFileSync(path, 'utf8'), { merge: true }) as ComposeFile;
}

export class InterpolationError extends Error {
  override readonly name = 'InterpolationError';
}

/**
 * Compose's variable interpolation: `$$`, `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
 * `${VAR:?message}` and `${VAR?message}` (the forms this project's compose file may use).
 */
export function interpolate(text: string, variables: Record<string, string | undefined>): string {
  return text.replace(
    /\$(\$|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g,
    (_whole, escaped, braced, colon, operator, argument, bare) => {
      if (escaped === '$') return '$';
      const name = braced ?? bare;
      const value = variables[name];
      const missing = colon === ':' ? value === undefined || value === '' : value === undefined;
      if (operator === '-') return missing ? argument : (value as string);
      if (operator === '?') {
        if (missing) throw new InterpolationError(`${name}: ${argument || 'required'}`);
        return value as string;
      }
      return value ?? '';
    },
  );
}

/**
 * The environment a service's container gets: values interpolated, and entries without a value
 * passed through from `variables` only when set there (as Compose does).
 */
export function containerEnvironment(
  service: ComposeService,
  variables: Record<string, string | undefined>,
): Record<string, string> {
  const entries: [string, string | null][] = Array.isArray(service.environment)
    ? service.environment.map((line) => {
        const at = line.indexOf('=');
        return at === -1 ? [line, null] : [line.slice(0, at), line.slice(at + 1)];
      })
    : Object.entries(service.environment ?? {}).map(([name, value]) => [
        name,
        value === null ? null : String(value),
      ]);
  const environment: Record<string, string> = {};
  for (const [name, value] of entries) {
    if (value !== null) environment[name] = interpolate(value, variables);
    else if (variables[name] !== undefined) environment[name] = variables[name] as string;
  }
  return environment;
}
