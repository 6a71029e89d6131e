#!/usr/bin/env node
// The docker-compose topology as local processes, for machines without Docker: N drill-server replicas on
// consecutive ports, sharing the local Redis (BullMQ wake-ups, socket.io adapter) and one PostgreSQL database.
//
//   npm run cluster:local                      # 2 replicas on :3001 and :3002, database drill_local
//   npm run cluster:local -- --replicas 3 --base-port 4001 --database drill_demo --dist
//
// Environment: POSTGRES_URL (server to create the database on; default postgres://postgres@127.0.0.1:5432/test),
// REDIS_URL (default redis://127.0.0.1:6379), REDIS_PREFIX (default drill-local), DRILL_ADMIN_TOKEN (default: one is
// generated and printed), LOG_LEVEL. Without --dist the replicas run the TypeScript sources (no build needed).
// There is no proxy: point clients at either port (any replica serves any team). Ctrl-C stops every replica.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('../', import.meta.url));
const { values: opt } = parseArgs({
  options: {
    replicas: { type: 'string', default: '2' },
    'base-port': { type: 'string', default: '3001' },
    database: { type: 'string', default: 'drill_local' },
    dist: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (opt.help) {
  process.stdout.write('usage: npm run cluster:local -- [--replicas N] [--base-port P] [--database NAME] [--dist]\n');
  process.exit(0);
}
const replicas = Number(opt.replicas);
const basePort = Number(opt['base-port']);
if (!Number.isInteger(replicas) || replicas < 1 || replicas > 16) throw new Error('--replicas must be 1..16');
if (!/^[a-z_][a-z0-9_]{0,62}$/.test(opt.database)) throw new Error('--database must be a plain lower-case identifier');

const postgresUrl = process.env.POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const redisPrefix = process.env.REDIS_PREFIX ?? 'drill-local';
const adminToken = process.env.DRILL_ADMIN_TOKEN ?? `drl_${randomBytes(18).toString('base64url')}`;

// The database is created once and kept, like the compose file's volume; drop it by hand to start afresh.
const pg = createRequire(import.meta.url)('pg');
const admin = new pg.Client({ connectionString: postgresUrl });
await admin.connect();
const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [opt.database]);
if (!exists.rowCount) await admin.query(`CREATE DATABASE ${opt.database}`);
await admin.end();
const databaseUrl = Object.assign(new URL(postgresUrl), { pathname: `/${opt.database}` }).toString();

const children = [];
let stopping = false;
function stopAll(code) {
  if (stopping) return;
  stopping = true;
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  setTimeout(() => process.exit(code), 5000).unref();
  Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null))).then(() =>
    process.exit(code),
  );
}
process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));

const entry = opt.dist
  ? ['dist/apps/drill-server/src/main.js']
  : ['--import', './scripts/ts-register.mjs', 'apps/drill-server/src/main.ts'];
for (let i = 0; i < replicas; i++) {
  const port = basePort + i;
  const child = spawn(process.execPath, entry, {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      REDIS_PREFIX: redisPrefix,
      DRILL_ADMIN_TOKEN: adminToken,
      // One replica loads the sample drills into a new database; the others would only race it for the same rows.
      ...(i > 0 ? { LOAD_SAMPLE_SCENARIOS: 'false' } : {}),
    },
  });
  const tag = `[drill-${i + 1}:${port}] `;
  for (const stream of [child.stdout, child.stderr]) {
    let rest = '';
    stream.on('data', (b) => {
      const lines = (rest + b.toString()).split('\n');
      rest = lines.pop();
      for (const l of lines) process.stdout.write(tag + l + '\n');
    });
  }
  child.on('exit', (code, signal) => {
    process.stdout.write(`${tag}exited (${signal ?? code})\n`);
    if (!stopping) stopAll(1);
  });
  children.push(child);
}

// Report once every replica answers /health.
const until = Date.now() + 90_000;
for (let i = 0; i < replicas; i++) {
  const url = `http://127.0.0.1:${basePort + i}/health`;
  for (;;) {
    if (stopping) break;
    const ok = await fetch(url, { signal: AbortSignal.timeout(1000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > until) {
      process.stderr.write(`cluster:local: ${url} did not become healthy within 90 s\n`);
      stopAll(1);
      break;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
if (!stopping) {
  process.stdout.write(
    `\ncluster:local: ${replicas} replica(s) ready on ${children.map((_, i) => `http://127.0.0.1:${basePort + i}`).join(', ')}\n` +
      `  PostgreSQL ${databaseUrl}\n  Redis ${redisUrl} (prefix ${redisPrefix})\n` +
      (process.env.DRILL_ADMIN_TOKEN ? '' : `  controller token (used only if the database is new): ${adminToken}\n`) +
      '  Ctrl-C stops them.\n',
  );
}
