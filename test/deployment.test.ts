import { execFileSync, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Ajv } from 'ajv';
import draft07 from 'ajv/dist/refs/json-schema-draft-07.json' with { type: 'json' };
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { environmentSchema, loadConfig } from '../src/config.ts';
import { limits } from '../src/limits.ts';
import {
  type ComposeFile,
  containerEnvironment,
  InterpolationError,
  readComposeFile,
} from './support/compose-file.ts';

const root = resolve(import.meta.dirname, '..');
const compose = readComposeFile(join(root, 'docker-compose.yml'));
const services = compose.services;
const gameServices = Object.keys(services).filter((name) => services[name]?.image === 'langomni:latest');
/** The replicas nginx spreads players over (the projector is reached only for read-model commands). */
const behindNginx = gameServices.filter(
  (name) => (services[name]?.environment as Record<string, unknown> | undefined)?.PROCESS_ROLE === 'game',
);
const secrets = { JWT_SECRET: 'j'.repeat(64), GRAFANA_ADMIN_PASSWORD: 'grafana-test-password' };
/** Variables the app does not read (yet) that the compose file sets anyway. */
const notYetReadVariables: string[] = [];
const temporaryDirectories: string[] = [];
afterAll(() => {
  for (const directory of temporaryDirectories) rmSync(directory, { recursive: true, force: true });
});

function networksOf(name: string): string[] {
  const networks = services[name]?.networks ?? [];
  return Array.isArray(networks) ? networks : Object.keys(networks);
}

function temporaryDirectory(): string {
  const directory = mkdtempSync(join(tmpdir(), 'langomni-deploy-'));
  temporaryDirectories.push(directory);
  return directory;
}

describe('docker-compose.yml', () => {
  const schema = JSON.parse(readFileSync(join(root, 'deploy/compose/compose-spec.json'), 'utf8'));
  const ajv = new Ajv({ allErrors: true, strict: false });
  // The spec names draft-07 by its https address; Ajv knows it by the http one.
  ajv.addMetaSchema({ ...draft07, $id: 'https://json-schema.org/draft-07/schema' });
  const validate = ajv.compile(schema);

  it('follows the Compose specification (its JSON schema)', () => {
    expect(validate(compose), JSON.stringify(validate.errors, null, 2)).toBe(true);
    const broken = structuredClone(compose) as ComposeFile;
    (broken.services.redis as { depends_on: unknown }).depends_on = { postgres: { condition: 'started' } };
    expect(validate(broken)).toBe(false);
  });

  it('runs the seed stack: nginx, two game replicas, a projector, monitoring and the GPU exporter', () => {
    expect(behindNginx).toEqual(['game-1', 'game-2']);
    expect(gameServices).toContain('projector');
    expect((services.projector?.environment as Record<string, unknown> | undefined)?.PROCESS_ROLE).toBe(
      'projector',
    );
    // nginx reaches it for the read-model commands only; no players are sent there.
    expect(networksOf('projector')).toContain('edge');
    for (const name of [
      'nginx',
      'redis',
      'postgres',
      'eventstore',
      'qdrant',
      'prometheus',
      'grafana',
      'gpu-exporter',
    ]) {
      expect(services[name], name).toBeDefined();
    }
    expect(services['gpu-exporter']?.image).toMatch(/^rocm\/device-metrics-exporter:/);
    // Only nginx faces players.
    const published = Object.entries(services)
      .filter(([, service]) => Array.isArray(service.ports))
      .flatMap(([name, service]) => (service.ports as string[]).map((port) => `${name} ${port}`))
      .filter((entry) => !entry.split(' ')[1]?.startsWith('127.0.0.1:'));
    expect(published).toEqual(['nginx 80:80', 'nginx 443:443']);
  });

  it('sets Redis as the seed does, evicting only keys that have a TTL', () => {
    const command = services.redis?.command as string[];
    const option = (name: string) => command[command.indexOf(name) + 1];
    expect(command[0]).toBe('redis-server');
    expect(option('--maxmemory')).toBe('2gb');
    expect(option('--maxmemory-policy')).toBe('volatile-lru');
    expect(option('--appendonly')).toBe('yes');
  });

  it('starts each service after the services it needs are healthy', () => {
    for (const [name, service] of Object.entries(services)) {
      if (name !== 'gpu-exporter')
        expect(service.healthcheck?.test, `${name} has a health check`).toBeDefined();
      const dependsOn = service.depends_on ?? {};
      expect(Array.isArray(dependsOn), `${name}: depends_on with conditions`).toBe(false);
      for (const [dependency, { condition }] of Object.entries(
        dependsOn as Record<string, { condition?: string }>,
      )) {
        expect(services[dependency], `${name} depends on ${dependency}`).toBeDefined();
        expect(condition, `${name} → ${dependency}`).toBe('service_healthy');
      }
    }
    expect(Object.keys(services.nginx?.depends_on ?? {}).sort()).toEqual(
      [...behindNginx, 'projector'].sort(),
    );
    // One replica at a time runs the migrations.
    expect(Object.keys(services['game-2']?.depends_on ?? {})).toContain('game-1');
  });

  it('mounts only files and directories that exist in the repository', () => {
    const sources = Object.values(services).flatMap((service) =>
      (service.volumes ?? []).map((volume) =>
        typeof volume === 'string' ? volume.split(':')[0] : volume.source,
      ),
    );
    const bindMounts = sources.filter((source): source is string => source?.startsWith('./') === true);
    expect(bindMounts.length).toBeGreaterThan(0);
    for (const source of bindMounts) expect(existsSync(join(root, source)), source).toBe(true);
  });

  it('gives the game processes every variable the app reads, or says which it leaves unset', () => {
    const read = Object.keys(environmentSchema.shape).sort();
    for (const name of gameServices) {
      const service = services[name];
      const set = Object.keys(service?.environment ?? {});
      const leftUnset = service?.['x-env-left-unset'] ?? [];
      expect([...set, ...leftUnset].filter((key) => !notYetReadVariables.includes(key)).sort(), name).toEqual(
        read,
      );
      expect(
        set.filter((key) => leftUnset.includes(key)),
        `${name}: set and left unset`,
      ).toEqual([]);
    }
  });

  it('gives the game processes an environment the app accepts in production', () => {
    for (const name of gameServices) {
      const service = services[name] ?? {};
      for (const variables of [
        secrets,
        { ...secrets, ADMIN_TOKEN: 'a'.repeat(32), OPENAI_API_KEY: 'sk-test' },
      ]) {
        const config = loadConfig(containerEnvironment(service, variables));
        expect(config).toMatchObject({
          NODE_ENV: 'production',
          REDIS_URL: 'redis://redis:6379',
          METRICS_PORT: 9464,
        });
        expect(config.ADMIN_TOKEN).toBe((variables as { ADMIN_TOKEN?: string }).ADMIN_TOKEN);
      }
    }
    expect(() => containerEnvironment(services['game-1'] ?? {}, {})).toThrow(InterpolationError);
    expect(() => containerEnvironment(services['game-1'] ?? {}, {})).toThrow(/JWT_SECRET/);
  });
});

describe('monitoring wired to the stack', () => {
  const prometheus = parse(readFileSync(join(root, 'deploy/prometheus/prometheus.yml'), 'utf8')) as {
    scrape_configs: {
      job_name: string;
      static_configs?: { targets: string[] }[];
      dns_sd_configs?: { names: string[] }[];
    }[];
  };
  /** [host name, service] pairs: one alias may name several services. */
  const hostsOn = (network: string): [string, string][] =>
    Object.entries(services).flatMap(([name, service]): [string, string][] => {
      const networks = service.networks ?? {};
      if (Array.isArray(networks)) return networks.includes(network) ? [[name, name]] : [];
      const aliases = (networks[network] as { aliases?: string[] } | null | undefined)?.aliases ?? [];
      return network in networks ? [name, ...aliases].map((host): [string, string] => [host, name]) : [];
    });

  it('scrapes names that reach the stack, every game replica among them', () => {
    const internal = hostsOn('internal');
    const scraped = prometheus.scrape_configs.flatMap((job) => [
      ...(job.static_configs ?? []).flatMap(({ targets }) =>
        targets.map((target) => target.split(':')[0] as string),
      ),
      ...(job.dns_sd_configs ?? []).flatMap(({ names }) => names),
    ]);
    for (const host of scraped) {
      if (host !== 'localhost')
        expect(
          internal.some(([alias]) => alias === host),
          `${host} is on the internal network`,
        ).toBe(true);
    }
    const reachedReplicas = scraped.flatMap((host) =>
      internal.filter(([alias]) => alias === host).map(([, service]) => service),
    );
    for (const name of gameServices) expect(reachedReplicas, name).toContain(name);
    expect(reachedReplicas).toContain('gpu-exporter');
    expect(services.prometheus?.volumes).toContain('./deploy/prometheus:/etc/prometheus:ro');
  });

  it('gives Grafana its provisioning and the dashboards where the provisioning looks for them', () => {
    const provider = parse(
      readFileSync(join(root, 'deploy/grafana/provisioning/dashboards/langomni.yml'), 'utf8'),
    ) as {
      providers: { options: { path: string } }[];
    };
    expect(services.grafana?.volumes).toContain('./deploy/grafana/provisioning:/etc/grafana/provisioning:ro');
    expect(services.grafana?.volumes).toContain(
      `./deploy/grafana/dashboards:${provider.providers[0]?.options.path}:ro`,
    );
  });
});

describe('deploy/tls/make-self-signed-cert.sh', () => {
  const script = join(root, 'deploy/tls/make-self-signed-cert.sh');

  it('writes a certificate for the given hosts and keeps an existing one unless --force', () => {
    const out = join(temporaryDirectory(), 'tls');
    execFileSync(script, ['--out', out, 'game.example.org'], { stdio: 'pipe' });
    const names = execFileSync(
      'openssl',
      ['x509', '-in', join(out, 'cert.pem'), '-noout', '-ext', 'subjectAltName'],
      {
        encoding: 'utf8',
      },
    );
    expect(names).toContain('DNS:game.example.org');
    expect(names).toContain('IP Address:127.0.0.1');
    const first = readFileSync(join(out, 'cert.pem'), 'utf8');
    expect(execFileSync(script, ['--out', out], { encoding: 'utf8' })).toContain('kept the existing');
    expect(readFileSync(join(out, 'cert.pem'), 'utf8')).toBe(first);
    execFileSync(script, ['--out', out, '--force'], { stdio: 'pipe' });
    expect(readFileSync(join(out, 'cert.pem'), 'utf8')).not.toBe(first);
  });

  it('refuses a bad hostname or day count with a clear error', () => {
    const out = join(temporaryDirectory(), 'tls');
    const badHost = spawnSync(script, ['--out', out, 'bad host;rm'], { encoding: 'utf8' });
    expect(badHost.status).toBe(2);
    expect(badHost.stderr).toContain('not a hostname');
    const badDays = spawnSync(script, ['--out', out, '--days', '1y'], { encoding: 'utf8' });
    expect(badDays.status).toBe(2);
    expect(badDays.stderr).toContain('--days');
    expect(existsSync(out)).toBe(false);
  });
});

describe('deploy/nginx', () => {
  const nginxConf = readFileSync(join(root, 'deploy/nginx/nginx.conf'), 'utf8');
  const upstreams = readFileSync(join(root, 'deploy/nginx/upstreams.conf'), 'utf8');
  const hasNginx = spawnSync('sh', ['-c', 'command -v nginx']).status === 0;

  const serversOf = (upstream: string) => {
    const block = upstreams.slice(upstreams.indexOf(`upstream ${upstream} {`));
    return [...block.slice(0, block.indexOf('}')).matchAll(/^\s*server\s+([\w.-]+):(\d+)/gm)].map(
      ([, host, port]) => `${host}:${port}`,
    );
  };

  it('sends players to the game replicas the compose file runs, read-model commands to the projector', () => {
    expect(serversOf('game')).toEqual(behindNginx.map((name) => `${name}:3000`));
    expect(serversOf('projector')).toEqual(['projector:3000']);
    const admin = nginxConf.slice(nginxConf.indexOf('location ^~ /admin/projections'));
    expect(admin.slice(0, admin.indexOf('}'))).toContain('proxy_pass http://projector;');
  });

  it("limits requests per IP at the seed's rates and upgrades WebSockets", () => {
    const rate = (zone: string) => nginxConf.match(new RegExp(`zone=${zone}:\\S+ rate=(\\d+)r/s`))?.[1];
    expect(Number(rate('api_per_ip'))).toBe(limits.apiRequestsPerSecondPerIp);
    expect(Number(rate('ws_connects_per_ip'))).toBe(limits.wsConnectionsPerSecondPerIp);
    const wsLocation = nginxConf.slice(nginxConf.indexOf('location = /ws'));
    expect(wsLocation.slice(0, wsLocation.indexOf('}'))).toMatch(
      /limit_req zone=ws_connects_per_ip[\s\S]*proxy_set_header Upgrade \$http_upgrade;[\s\S]*proxy_set_header Connection \$connection_upgrade;/,
    );
  });

  it('passes `nginx -t` with a self-signed certificate, and fails without one', (context) => {
    if (!hasNginx) {
      console.warn('skipped: no nginx (apt-get install nginx)');
      context.skip();
    }
    const prefix = temporaryDirectory();
    const conf = join(prefix, 'conf');
    mkdirSync(join(prefix, 'logs'), { recursive: true });
    mkdirSync(conf, { recursive: true });
    copyFileSync(join(root, 'deploy/nginx/nginx.conf'), join(conf, 'nginx.conf'));
    copyFileSync('/etc/nginx/mime.types', join(conf, 'mime.types'));
    // The replicas' names resolve only inside the compose network.
    writeFileSync(
      join(conf, 'upstreams.conf'),
      upstreams.replace(/^(\s*server\s+)[\w.-]+:/gm, '$1127.0.0.1:'),
    );
    const test = () =>
      spawnSync('nginx', ['-t', '-p', prefix, '-c', join(conf, 'nginx.conf'), '-e', 'stderr'], {
        encoding: 'utf8',
        // access_log opens /dev/stdout, which cannot be opened when it is a socket (Node's pipes are).
        stdio: ['ignore', 'ignore', 'pipe'],
      });

    const withoutCertificate = test();
    expect(withoutCertificate.status).not.toBe(0);
    expect(withoutCertificate.stderr).toMatch(/cannot load certificate/);

    const tls = join(prefix, 'tls');
    execFileSync(join(root, 'deploy/tls/make-self-signed-cert.sh'), ['--out', tls], { stdio: 'pipe' });
    cpSync(tls, join(conf, 'tls'), { recursive: true });
    const result = test();
    expect(result.stderr).toContain('test is successful');
    expect(result.status).toBe(0);
  });
});
