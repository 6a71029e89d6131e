// Benchmark 5 — memory per connected client: the server's resident set and V8 heap before and after 1,000 team
// clients connect (10 teams), for the drill server (embedded mode, and a cluster replica with the Redis adapter)
// and a bare socket.io server. Both servers run with --expose-gc and are measured after a forced collection:
// the bare one through its /mem route, the drill server through a probe module preloaded with --import that
// answers on a side port. Run: npm run bench -- memory
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Socket } from 'socket.io-client';
import {
  createDatabase,
  deleteRedisKeys,
  freePort,
  redisPrefix,
  startReplica,
  type Replica,
  type ScratchDatabase,
} from '../support/cluster.js';
import { answers } from '../support/services.js';
import {
  Api,
  BENCH_ADMIN_TOKEN,
  connectMany,
  createTeams,
  disconnectAll,
  fmt,
  machine,
  ratio,
  report,
  scenarioYaml,
  sized,
  sleep,
  table,
} from './support/common.js';

const CLIENTS = Number(process.env.BENCH_MEMORY_CLIENTS ?? sized(1000, 50));
const TEAMS = 10;

interface Mem {
  rss: number;
  heapUsed: number;
}

// Preloaded into the drill server: a side-port HTTP probe that forces a GC and reports process.memoryUsage().
const PROBE = `
import { createServer } from 'node:http';
const port = Number(process.env.MEM_PROBE_PORT);
createServer((req, res) => {
  globalThis.gc?.();
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(process.memoryUsage()));
}).listen(port, '127.0.0.1').unref();
`;

async function readMem(url: string): Promise<Mem> {
  // Two collections a moment apart: the first frees, the second sees what survives.
  await fetch(url);
  await sleep(300);
  const m = (await (await fetch(url)).json()) as Mem;
  return { rss: m.rss, heapUsed: m.heapUsed };
}

interface Result {
  name: string;
  before: Mem;
  after: Mem;
}

async function measure(
  name: string,
  memUrl: string,
  clients: { url: string; auth: Record<string, unknown> }[],
): Promise<Result> {
  await sleep(500);
  const before = await readMem(memUrl);
  const sockets: Socket[] = await connectMany(clients, (_s, _p, ack) => ack?.());
  await sleep(2000); // handshakes, room joins and catch-up settle
  const after = await readMem(memUrl);
  disconnectAll(sockets);
  process.stderr.write(
    `memory: ${name}: rss +${((after.rss - before.rss) / 1024 / CLIENTS).toFixed(1)} KiB/client, heap +${((after.heapUsed - before.heapUsed) / 1024 / CLIENTS).toFixed(1)} KiB/client\n`,
  );
  return { name, before, after };
}

async function bare(): Promise<Result> {
  const server = await startReplica('bare', {
    entry: 'test/bench/support/bare-io-server.ts',
    databaseUrl: '',
    adminToken: BENCH_ADMIN_TOKEN,
    nodeArgs: ['--expose-gc'],
  });
  try {
    return await measure(
      'bare socket.io',
      `${server.url}/mem`,
      Array.from({ length: CLIENTS }, (_, i) => ({ url: server.url, auth: { team: `T${i % TEAMS}` } })),
    );
  } finally {
    await server.stop();
  }
}

async function drill(mode: 'embedded' | 'cluster', probe: string): Promise<Result> {
  let dir: string | undefined;
  let db: ScratchDatabase | undefined;
  let prefix: string | undefined;
  let server: Replica | undefined;
  const probePort = await freePort();
  try {
    const nodeArgs = ['--expose-gc', '--import', probe];
    const env = { MEM_PROBE_PORT: String(probePort) };
    if (mode === 'embedded') {
      dir = mkdtempSync(join(tmpdir(), 'drill-bench-'));
      server = await startReplica('embedded', {
        databaseUrl: `sqlite:${join(dir, 'drill.sqlite')}`,
        adminToken: BENCH_ADMIN_TOKEN,
        nodeArgs,
        env,
      });
    } else {
      db = await createDatabase('drill_bench');
      prefix = redisPrefix('bench-mem');
      server = await startReplica('replica', {
        databaseUrl: db.url,
        redisPrefix: prefix,
        adminToken: BENCH_ADMIN_TOKEN,
        nodeArgs,
        env,
      });
    }
    const api = new Api(server.url);
    const teams = await createTeams(api, TEAMS);
    await api.post(
      '/api/scenarios',
      scenarioYaml('memory-bench', [{ id: 'I-1', offset: '+01:00:00', title: 'Later', body: 'Not during the run.' }]),
      'application/yaml',
    );
    const ex = await api.post<{ id: string }>('/api/exercises', {
      scenarioId: 'memory-bench',
      name: 'memory',
      speed: 1,
      teamIds: teams.map((t) => t.id),
    });
    await api.post(`/api/exercises/${ex.id}/start`);
    const url = server.url;
    return await measure(
      mode === 'embedded' ? 'drill, embedded' : 'drill, cluster replica (Redis adapter)',
      `http://127.0.0.1:${probePort}/`,
      Array.from({ length: CLIENTS }, (_, i) => ({ url, auth: { token: teams[i % TEAMS]!.token, exerciseId: ex.id } })),
    );
  } finally {
    await server?.stop();
    await db?.drop();
    if (prefix) await deleteRedisKeys(prefix);
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const started = Date.now();
  const probeDir = mkdtempSync(join(tmpdir(), 'drill-mem-probe-'));
  const probe = join(probeDir, 'probe.mjs');
  writeFileSync(probe, PROBE);
  const cluster = (await answers(6379)) && (await answers(5432));
  try {
    const results = [await bare(), await drill('embedded', probe), ...(cluster ? [await drill('cluster', probe)] : [])];
    const perClient = (r: Result, k: keyof Mem) => (r.after[k] - r.before[k]) / 1024 / CLIENTS;
    const base = results[0]!;
    const rows = results.map((r) => [
      r.name,
      fmt(r.before.rss / 2 ** 20, 0),
      fmt(r.after.rss / 2 ** 20, 0),
      fmt(perClient(r, 'rss')),
      fmt(perClient(r, 'heapUsed')),
      r === base
        ? '1.00× (baseline)'
        : `${ratio(perClient(r, 'rss'), perClient(base, 'rss'))} / ${ratio(perClient(r, 'heapUsed'), perClient(base, 'heapUsed'))}`,
    ]);
    report(
      `Memory per connected client (${CLIENTS.toLocaleString('en')} clients, ${TEAMS} teams)`,
      `Server process only, after forced GC (--expose-gc), 2 s after the last handshake; websocket transport. ` +
        `Target: heap per client ≤ 1.3× bare socket.io. ` +
        `${((Date.now() - started) / 1000).toFixed(0)} s. ${machine()}.\n\n` +
        table(
          ['server', 'RSS before MiB', 'RSS after MiB', 'RSS KiB/client', 'heap KiB/client', 'ratio RSS / heap'],
          rows,
        ),
    );
  } finally {
    rmSync(probeDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`memory: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
