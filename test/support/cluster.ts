// Cluster-mode test support: a throwaway PostgreSQL database per run, drill-server replicas as real OS processes
// (so that killing one is a real SIGKILL), and cleanup of a run's Redis keys.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import request from 'supertest';
import type { TestServer } from './app.js';
import { POSTGRES_URL, REDIS_URL } from './services.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

// pg ships no type declarations and @types/pg is not installed: the little used here is typed by hand.
interface PgClient {
  connect(): Promise<void>;
  query(sql: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  end(): Promise<void>;
}
const pg = createRequire(import.meta.url)('pg') as { Client: new (config: { connectionString: string }) => PgClient };

async function admin<T>(work: (c: PgClient) => Promise<T>, url = POSTGRES_URL): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await work(c);
  } finally {
    await c.end();
  }
}

export interface ScratchDatabase {
  name: string;
  url: string;
  /** Reads the scratch database directly (what the replicas wrote, without going through their API). */
  query(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  drop(): Promise<void>;
}

/** CREATE DATABASE drill_<random> on the test server, so that runs never see each other's rows. */
export async function createDatabase(prefix = 'drill'): Promise<ScratchDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    query: (sql, params) => admin((c) => c.query(sql, params), url.toString()).then((r) => r.rows),
    // WITH (FORCE) ends the sessions of replicas that were killed rather than closed.
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

/** A REDIS_PREFIX of its own for one run; `deleteRedisKeys` removes everything written under it. */
export const redisPrefix = (what = 'test') => `${what}-${randomBytes(6).toString('hex')}`;

export async function deleteRedisKeys(prefix: string): Promise<void> {
  const r = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await r.connect();
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) await r.del(...keys);
    } while (cursor !== '0');
  } finally {
    r.disconnect();
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export interface Replica {
  name: string;
  port: number;
  url: string;
  proc: ChildProcess;
  /** What the process wrote (stdout and stderr), for failure messages. */
  output(): string;
  /** SIGKILL: no shutdown hooks, sockets and database sessions simply drop. */
  kill(): Promise<void>;
  /** SIGTERM and wait: Nest's shutdown hooks close sockets, BullMQ and the database cleanly. */
  stop(): Promise<void>;
}

export interface ReplicaOptions {
  databaseUrl: string;
  /** DRILL_ADMIN_TOKEN: the controller created on an empty database. */
  adminToken: string;
  /** Cluster mode under this REDIS_PREFIX; absent = embedded mode (in-process scheduler, no Redis). */
  redisPrefix?: string;
  port?: number;
  env?: Record<string, string>;
  /** Run dist/apps/drill-server/src/main.js (after `npm run build`) instead of the TypeScript sources. */
  fromDist?: boolean;
  /** Another entry point (a repo-relative .ts file) instead of the drill server, e.g. a benchmark baseline. */
  entry?: string;
  /** Extra node flags, e.g. --expose-gc. */
  nodeArgs?: string[];
}

/**
 * Starts `drill-server` as a child process and resolves once GET /health answers 200. By default it runs the
 * TypeScript sources through scripts/ts-register.mjs (SWC, the options Jest uses too), so a test never runs
 * a stale or missing build.
 */
export async function startReplica(name: string, o: ReplicaOptions): Promise<Replica> {
  const port = o.port ?? (await freePort());
  const { NODE_OPTIONS: _n, ...inherited } = process.env;
  const env = {
    ...Object.fromEntries(Object.entries(inherited).filter(([k]) => !k.startsWith('VITEST'))),
    PORT: String(port),
    DATABASE_URL: o.databaseUrl,
    REDIS_URL: o.redisPrefix ? REDIS_URL : '',
    ...(o.redisPrefix ? { REDIS_PREFIX: o.redisPrefix } : {}),
    DRILL_ADMIN_TOKEN: o.adminToken,
    LOAD_SAMPLE_SCENARIOS: 'false',
    LOG_LEVEL: 'warn',
    ...o.env,
  };
  const args = [
    ...(o.nodeArgs ?? []),
    ...(o.fromDist
      ? ['dist/apps/drill-server/src/main.js']
      : ['--import', './scripts/ts-register.mjs', o.entry ?? 'apps/drill-server/src/main.ts']),
  ];
  const proc = spawn(process.execPath, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (b: Buffer) => {
    out = (out + b.toString()).slice(-20_000);
  };
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const replica: Replica = {
    name,
    port,
    url,
    proc,
    output: () => out,
    kill: async () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    },
  };
  const until = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null || proc.signalCode !== null)
      throw new Error(`replica ${name} exited during start-up:\n${out}`);
    try {
      const r = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) });
      if (r.status === 200) return replica;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > until) {
      await replica.kill();
      throw new Error(`replica ${name} did not become healthy within 60 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * A replica seen through the helpers of test/support (createTeam, act, …), which only use `url` and `http()`:
 * supertest against a URL instead of an in-process app.
 */
export function remote(url: string): TestServer {
  return { url, http: () => request(url) } as unknown as TestServer;
}
