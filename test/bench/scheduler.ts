// Benchmark 2 — scheduler precision: 1,000 injects due within the same wall second, and 1,000 spread over a
// minute; error = actual − planned instant, p50/p99, in-process timers vs BullMQ delayed jobs. Two layers:
//   - wake-up: the scheduler classes of the server alone (InProcessScheduler; BullmqScheduler with the server's
//     own WakeupProcessor and worker options on the local Redis), run in this process;
//   - release: the whole path on a real server (wake-up, due-row query, release transaction, audit, push),
//     read back from the exercise timeline (releasedAt − dueAt), one team, 1,000 injects.
// The minute-long runs of every variant run at the same time (each is ~17 events/s, far from saturating the
// machine) so the benchmark stays near two minutes. Run: npm run bench -- scheduler
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue, Worker } from 'bullmq';
import {
  BullmqScheduler,
  WAKEUP_QUEUE,
  WAKEUP_WORKER_OPTIONS,
  WakeupProcessor,
} from '../../apps/drill-server/src/runtime/bullmq-scheduler.js';
import { redisConnection } from '../../apps/drill-server/src/runtime/runtime.module.js';
import { InProcessScheduler, type InjectScheduler } from '../../apps/drill-server/src/runtime/scheduler.js';
import {
  createDatabase,
  deleteRedisKeys,
  redisPrefix,
  startReplica,
  type Replica,
  type ScratchDatabase,
} from '../support/cluster.js';
import { answers, REDIS_URL } from '../support/services.js';
import {
  Api,
  BENCH_ADMIN_TOKEN,
  createTeams,
  fmt,
  machine,
  offset,
  report,
  scenarioYaml,
  sleep,
  summarize,
  table,
} from './support/common.js';

const N = 1000;
const LEAD_MS = 3000; // the first instant is this far after the start
const BURST_MS = 1000;
const SPREAD_MS = 60_000;

// ---- wake-up layer -------------------------------------------------------------------------------------------

interface WakeRig {
  name: string;
  scheduler: InjectScheduler;
  close(): Promise<void>;
}

function inProcessRig(): WakeRig {
  const scheduler = new InProcessScheduler();
  return { name: 'in-process', scheduler, close: async () => scheduler.onModuleDestroy() };
}

async function bullmqRig(prefix: string): Promise<WakeRig> {
  const connection = redisConnection(REDIS_URL);
  const queue = new Queue(WAKEUP_QUEUE, { connection, prefix: `${prefix}:bull` });
  const scheduler = new BullmqScheduler(queue as never);
  const processor = new WakeupProcessor(scheduler);
  const worker = new Worker(WAKEUP_QUEUE, (job, token) => processor.process(job as never, token), {
    connection,
    prefix: `${prefix}:bull`,
    ...WAKEUP_WORKER_OPTIONS,
  });
  worker.on('failed', (job, e) => process.stderr.write(`scheduler: BullMQ job ${job?.id} failed: ${e.message}\n`));
  worker.on('error', (e) => process.stderr.write(`scheduler: BullMQ worker error: ${e.message}\n`));
  await Promise.all([queue.waitUntilReady(), worker.waitUntilReady()]);
  return {
    name: 'BullMQ',
    scheduler,
    close: async () => {
      await worker.close();
      await queue.close();
    },
  };
}

/** Plans N wake-ups from LEAD_MS over `spanMs` and resolves with their errors (fired − planned, ms). */
async function wakeErrors(rig: WakeRig, spanMs: number, tag: string): Promise<{ errors: number[]; missing: number }> {
  const planned = new Map<string, number>();
  const errors: number[] = [];
  rig.scheduler.setHandler(async (exerciseId) => {
    const at = planned.get(exerciseId);
    if (at !== undefined) {
      errors.push(Date.now() - at);
      planned.delete(exerciseId);
    }
  });
  const t0 = Date.now() + LEAD_MS;
  const adds: Promise<void>[] = [];
  for (let i = 0; i < N; i++) {
    const id = `${tag}-${i}`;
    const at = t0 + Math.floor((i * spanMs) / N);
    planned.set(id, at);
    adds.push(rig.scheduler.wakeAt(id, 0, at));
  }
  await Promise.all(adds);
  const deadline = t0 + spanMs + 10_000;
  while (planned.size && Date.now() < deadline) await sleep(50);
  return { errors, missing: planned.size };
}

// ---- release layer -------------------------------------------------------------------------------------------

interface ServerRig {
  name: string;
  replica: Replica;
  api: Api;
  teamId: string;
  db?: ScratchDatabase;
  dir?: string;
}

async function serverRig(name: string, kind: 'sqlite' | 'pg' | 'pg+bullmq', prefix: string): Promise<ServerRig> {
  let db: ScratchDatabase | undefined;
  let dir: string | undefined;
  let databaseUrl: string;
  if (kind === 'sqlite') {
    dir = mkdtempSync(join(tmpdir(), 'drill-bench-'));
    databaseUrl = `sqlite:${join(dir, 'drill.sqlite')}`;
  } else {
    db = await createDatabase('drill_bench');
    databaseUrl = db.url;
  }
  // A prefix of its own: a server sharing the wake-up rig's queue would take (and swallow) the rig's jobs.
  const replica = await startReplica(name, {
    databaseUrl,
    adminToken: BENCH_ADMIN_TOKEN,
    ...(kind === 'pg+bullmq' ? { redisPrefix: `${prefix}-server` } : {}),
  });
  const api = new Api(replica.url);
  const [team] = await createTeams(api, 1);
  // Two scenarios of N injects for one team: within one wall second at speed 1000 (1 ms apart), and over a minute
  // at speed 50 (60 ms apart); offsets are whole scenario seconds.
  const burst = Array.from({ length: N }, (_, i) => ({
    id: `B-${i}`,
    offset: offset((LEAD_MS / 1000) * 1000 + i),
    title: `burst ${i}`,
    body: 'b',
  }));
  const spread = Array.from({ length: N }, (_, i) => ({
    id: `S-${i}`,
    offset: offset((LEAD_MS / 1000) * 50 + i * 3),
    title: `spread ${i}`,
    body: 's',
  }));
  await api.post('/api/scenarios', scenarioYaml('burst', burst), 'application/yaml');
  await api.post('/api/scenarios', scenarioYaml('spread', spread), 'application/yaml');
  return { name, replica, api, teamId: team!.id, db, dir };
}

async function releaseErrors(
  rig: ServerRig,
  scenarioId: 'burst' | 'spread',
): Promise<{ errors: number[]; missing: number }> {
  const speed = scenarioId === 'burst' ? 1000 : 50;
  const span = scenarioId === 'burst' ? BURST_MS : SPREAD_MS;
  const ex = await rig.api.post<{ id: string }>('/api/exercises', {
    scenarioId,
    name: scenarioId,
    speed,
    teamIds: [rig.teamId],
  });
  await rig.api.post(`/api/exercises/${ex.id}/start`);
  const deadline = Date.now() + LEAD_MS + span + 30_000;
  let rows: { status: string; dueAt: string | null; releasedAt: string | null }[];
  await sleep(LEAD_MS + span);
  for (;;) {
    const tl = await rig.api.get<{
      entries: { kind: string; status: string; dueAt: string | null; releasedAt: string | null }[];
    }>(`/api/exercises/${ex.id}/timeline`);
    rows = tl.entries.filter((e) => e.kind === 'delivery');
    if (rows.every((r) => r.status === 'released') || Date.now() > deadline) break;
    await sleep(500);
  }
  await rig.api.post(`/api/exercises/${ex.id}/complete`).catch(() => undefined);
  const released = rows.filter((r) => r.status === 'released');
  return {
    errors: released.map((r) => Date.parse(r.releasedAt!) - Date.parse(r.dueAt!)),
    missing: N - released.length,
  };
}

async function main() {
  const started = Date.now();
  const withRedis = await answers(6379);
  const withPg = await answers(5432);
  const prefix = redisPrefix('bench-sched');
  const wakeRigs: WakeRig[] = [inProcessRig(), ...(withRedis ? [await bullmqRig(prefix)] : [])];
  const servers: ServerRig[] = [];
  const rows: (string | number)[][] = [];
  const add = (layer: string, name: string, load: string, r: { errors: number[]; missing: number }) => {
    const s = summarize(r.errors);
    rows.push([layer, name, load, s.n, fmt(s.p50), fmt(s.p99), fmt(s.max), r.missing]);
    process.stderr.write(
      `scheduler: ${layer} ${name} ${load}: p50 ${fmt(s.p50)} p99 ${fmt(s.p99)} max ${fmt(s.max)} missing ${r.missing}\n`,
    );
  };
  try {
    const layers = process.env.BENCH_SCHEDULER_LAYERS ?? 'wake,release';
    if (!layers.includes('wake')) wakeRigs.splice(0);
    if (layers.includes('release')) {
      servers.push(await serverRig('sqlite', 'sqlite', prefix));
      if (withPg) servers.push(await serverRig('pg', 'pg', prefix));
      if (withPg && withRedis) servers.push(await serverRig('pg-bullmq', 'pg+bullmq', prefix));
    }
    const serverName = (s: ServerRig) =>
      ({
        sqlite: 'in-process (embedded, SQLite)',
        pg: 'in-process (PostgreSQL)',
        'pg-bullmq': 'BullMQ (cluster, PostgreSQL + Redis)',
      })[s.name] ?? s.name;

    // Bursts one at a time: they are what loads the machine.
    for (const rig of wakeRigs)
      add('wake-up', rig.name, '1,000 in 1 s', await wakeErrors(rig, BURST_MS, `burst-${rig.name}`));
    for (const s of servers) add('release', serverName(s), '1,000 in 1 s', await releaseErrors(s, 'burst'));
    // The minute-long spreads together.
    const spreads = await Promise.all([
      ...wakeRigs.map(
        async (rig) => ['wake-up', rig.name, await wakeErrors(rig, SPREAD_MS, `spread-${rig.name}`)] as const,
      ),
      ...servers.map(async (s) => ['release', serverName(s), await releaseErrors(s, 'spread')] as const),
    ]);
    for (const [layer, name, r] of spreads) add(layer, name, '1,000 over 60 s', r);
  } finally {
    await Promise.allSettled(wakeRigs.map((r) => r.close()));
    await Promise.allSettled(servers.map((s) => s.replica.stop()));
    for (const s of servers) {
      await s.db?.drop().catch(() => undefined);
      if (s.dir) rmSync(s.dir, { recursive: true, force: true });
    }
    if (withRedis) await Promise.all([deleteRedisKeys(prefix), deleteRedisKeys(`${prefix}-server`)]);
  }
  rows.sort((a, b) => String(a[2]).localeCompare(String(b[2])) || String(a[0]).localeCompare(String(b[0])));
  report(
    'Scheduler precision: error = actual − planned instant, ms',
    `1,000 injects for one team. "wake-up" = the scheduler alone calling its handler; "release" = the full path on a ` +
      `running server (releasedAt − dueAt from the timeline). Target: p99 < 50 ms in both modes. ${((Date.now() - started) / 1000).toFixed(0)} s. ${machine()}.\n\n` +
      table(['layer', 'scheduler', 'load', 'n', 'p50', 'p99', 'max', 'missing'], rows),
  );
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`scheduler: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
