// Benchmark 2 — scheduler precision and release latency. error = actual − planned instant, p50/p99:
//   - wake-up: the scheduler classes of the server alone (InProcessScheduler; BullmqScheduler with the server's
//     own WakeupProcessor and worker options on the local Redis), run in this process; 1,000 wake-ups due within
//     one wall second, and 1,000 spread over a minute;
//   - release: the whole path on a real server (wake-up, due-row query, release transaction, audit, push, socket),
//     measured where the team's client receives the `inject` (receipt − planned instant): 1,000 injects for one
//     team due within one second, 1,000 over a minute, and one inject due for 30 teams at once (the last team's
//     receipt, repeated for a series of injects);
// embedded (SQLite, in-process timers) and cluster (PostgreSQL, in-process timers and BullMQ). Every run checks that
// nothing was lost: every planned delivery released, audited (one `inject.release` row each) and received.
// The minute-long runs of every variant run at the same time (each is ~17 events/s, far from saturating the
// machine) so the benchmark stays near three minutes. Exits 1 on a loss or a missed target. Run: npm run bench -- scheduler
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
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
  connectMany,
  createTeams,
  disconnectAll,
  fmt,
  machine,
  offset,
  report,
  scenarioYaml,
  sized,
  sleep,
  summarize,
  table,
  type ClientAuth,
} from './support/common.js';

const N = sized(1000, 50);
const LEAD_MS = 3000; // the first instant is this far after the start
const BURST_MS = 1000;
const SPREAD_MS = sized(60_000, 5000);

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

type Kind = 'sqlite' | 'pg' | 'pg+bullmq';

interface ServerRig {
  kind: Kind;
  label: string;
  replica: Replica;
  api: Api;
  teams: { id: string; code: string; token: string }[];
  /** One count from the server's database (read directly, beside its API). */
  count(sql: string, exerciseId: string): Promise<number>;
  close(): Promise<void>;
}

// better-sqlite3 ships no type declarations here: the little used is typed by hand.
interface SqliteDb {
  prepare(sql: string): { get(...params: unknown[]): Record<string, unknown> };
  close(): void;
}
const Sqlite = createRequire(import.meta.url)('better-sqlite3') as new (
  path: string,
  o: { readonly: boolean },
) => SqliteDb;

/** Scenario offsets (whole scenario seconds) of each series, and the speed it runs at. */
interface Series {
  id: string;
  speed: number;
  teams: number;
  injects: { id: string; offsetS: number }[];
}

const BURST: Series = {
  id: 'burst',
  speed: 1000, // 1 scenario second = 1 wall ms: N injects within one wall second
  teams: 1,
  injects: Array.from({ length: N }, (_, i) => ({ id: `B-${i}`, offsetS: LEAD_MS + Math.floor((i * BURST_MS) / N) })),
};
const SPREAD: Series = {
  id: 'spread',
  speed: 50,
  teams: 1,
  injects: Array.from({ length: N }, (_, i) => ({
    id: `S-${i}`,
    offsetS: (LEAD_MS / 1000) * 50 + Math.floor((i * SPREAD_MS * 50) / 1000 / N),
  })),
};
/** One inject due for TEAMS_AT_ONCE teams at the same instant, TEAM_ROUNDS times 0.5 s apart. */
const TEAMS_AT_ONCE = 30;
const TEAM_ROUNDS = sized(60, 5);
const AT_ONCE: Series = {
  id: 'teams30',
  speed: 60,
  teams: TEAMS_AT_ONCE,
  injects: Array.from({ length: TEAM_ROUNDS }, (_, i) => ({ id: `T-${i}`, offsetS: (LEAD_MS / 1000) * 60 + i * 30 })),
};

async function serverRig(kind: Kind, prefix: string): Promise<ServerRig> {
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
  const replica = await startReplica(kind, {
    databaseUrl,
    adminToken: BENCH_ADMIN_TOKEN,
    ...(kind === 'pg+bullmq' ? { redisPrefix: `${prefix}-server` } : {}),
  });
  const api = new Api(replica.url);
  const teams = await createTeams(api, TEAMS_AT_ONCE);
  for (const series of [BURST, SPREAD, AT_ONCE])
    await api.post(
      '/api/scenarios',
      scenarioYaml(
        series.id,
        series.injects.map((i) => ({ id: i.id, offset: offset(i.offsetS), title: i.id, body: series.id })),
      ),
      'application/yaml',
    );
  const sqlite = dir ? new Sqlite(join(dir, 'drill.sqlite'), { readonly: true }) : undefined;
  return {
    kind,
    label: {
      sqlite: 'embedded (SQLite, in-process)',
      pg: 'cluster (PostgreSQL, in-process)',
      'pg+bullmq': 'cluster (PostgreSQL, BullMQ)',
    }[kind],
    replica,
    api,
    teams,
    count: async (sql, exerciseId) =>
      Number(
        sqlite
          ? Object.values(sqlite.prepare(sql.replace('$1', '?')).get(exerciseId))[0]
          : Object.values((await db!.query(sql, [exerciseId]))[0]!)[0],
      ),
    async close() {
      sqlite?.close();
      await replica.stop();
      await db?.drop().catch(() => undefined);
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

interface Released {
  /** receipt − planned, ms: one per delivery, or (`lastTeam`) one per inject, its last team's receipt. */
  errors: number[];
  planned: number;
  received: number;
  released: number;
  audited: number;
}

/**
 * Runs one series on a server with one participant client per team connected from before the start; the error of a
 * delivery is the client's receipt time minus the planned wall instant (start + offset ÷ speed).
 */
async function releaseErrors(rig: ServerRig, series: Series, lastTeam = false): Promise<Released> {
  const teams = rig.teams.slice(0, series.teams);
  const ex = await rig.api.post<{ id: string }>('/api/exercises', {
    scenarioId: series.id,
    name: series.id,
    speed: series.speed,
    teamIds: teams.map((t) => t.id),
  });
  const received = new Map<string, number>(); // `${team}/${injectId}` → receipt wall ms (first one)
  const list: ClientAuth[] = teams.map((t) => ({ url: rig.replica.url, auth: { token: t.token, exerciseId: ex.id } }));
  const sockets = await connectMany(list, (socket, p: { injectId: string }, ack) => {
    const at = Date.now();
    ack?.(); // as the console does
    // The token names the team: one client per team.
    const key = `${(socket.auth as { token: string }).token}/${p.injectId}`;
    if (!received.has(key)) received.set(key, at);
  });
  const started = await rig.api.post<{ startedAt: string }>(`/api/exercises/${ex.id}/start`);
  const t0 = Date.parse(started.startedAt);
  const plannedAt = new Map(series.injects.map((i) => [i.id, t0 + (i.offsetS * 1000) / series.speed]));
  const planned = series.injects.length * teams.length;
  const last = Math.max(...plannedAt.values());
  const deadline = last + 30_000;
  while (received.size < planned && Date.now() < deadline) await sleep(50);
  disconnectAll(sockets);
  const released = await rig.count(
    `SELECT count(*) AS n FROM deliveries WHERE "exerciseId" = $1 AND status IN ('released', 'delivered', 'acknowledged')`,
    ex.id,
  );
  const audited = await rig.count(
    `SELECT count(DISTINCT "targetId") AS n FROM audit_events WHERE "exerciseId" = $1 AND action = 'inject.release'`,
    ex.id,
  );
  await rig.api.post(`/api/exercises/${ex.id}/complete`).catch(() => undefined);
  const errors: number[] = [];
  if (lastTeam) {
    for (const i of series.injects) {
      const receipts = teams.map((t) => received.get(`${t.token}/${i.id}`));
      // An inject some team never received has no "last receipt": it counts as missing, not as a figure.
      if (receipts.every((r) => r !== undefined)) errors.push(Math.max(...receipts) - plannedAt.get(i.id)!);
    }
  } else {
    for (const [key, at] of received) errors.push(at - plannedAt.get(key.slice(key.lastIndexOf('/') + 1))!);
  }
  return { errors, planned, received: received.size, released, audited };
}

/** Release targets (p99, ms) from issue 17. */
const RELEASE_TARGET: Record<string, Partial<Record<Kind, number>>> = {
  burst: { sqlite: 100, pg: 250, 'pg+bullmq': 250 },
  teams30: { sqlite: 50, pg: 100, 'pg+bullmq': 100 },
};

async function main() {
  const started = Date.now();
  const withRedis = await answers(6379);
  const withPg = await answers(5432);
  const prefix = redisPrefix('bench-sched');
  const wakeRigs: WakeRig[] = [inProcessRig(), ...(withRedis ? [await bullmqRig(prefix)] : [])];
  const servers: ServerRig[] = [];
  const wakeRows: (string | number)[][] = [];
  const releaseRows: (string | number)[][] = [];
  const checks: string[] = [];
  let ok = true;
  const addWake = (name: string, load: string, r: { errors: number[]; missing: number }) => {
    const s = summarize(r.errors);
    wakeRows.push([name, load, s.n, fmt(s.p50), fmt(s.p99), fmt(s.max), r.missing]);
    if (r.missing) ok = false;
    process.stderr.write(
      `scheduler: wake-up ${name} ${load}: p50 ${fmt(s.p50)} p99 ${fmt(s.p99)} max ${fmt(s.max)} missing ${r.missing}\n`,
    );
  };
  const addRelease = (rig: ServerRig, series: Series, load: string, r: Released) => {
    const s = summarize(r.errors);
    const goal = RELEASE_TARGET[series.id]?.[rig.kind];
    const met = goal === undefined ? undefined : s.p99 <= goal;
    const whole = r.released === r.planned && r.audited === r.released && r.received === r.planned;
    if (met === false || !whole) ok = false;
    releaseRows.push([
      load,
      rig.label,
      s.n,
      fmt(s.p50),
      fmt(s.p99),
      fmt(s.max),
      `${r.released} / ${r.audited} / ${r.received} of ${r.planned}`,
      goal === undefined ? '' : met ? `✅ p99 ≤ ${goal}` : `❌ p99 > ${goal}`,
    ]);
    if (!whole)
      checks.push(
        `**${rig.label}, ${load}: ${r.planned - r.released} not released, ${r.released - r.audited} released without audit, ${r.planned - r.received} not received**`,
      );
    process.stderr.write(
      `scheduler: release ${rig.label} ${load}: p50 ${fmt(s.p50)} p99 ${fmt(s.p99)} max ${fmt(s.max)}; released ${r.released}, audited ${r.audited}, received ${r.received} of ${r.planned}\n`,
    );
  };
  try {
    const layers = process.env.BENCH_SCHEDULER_LAYERS ?? 'wake,release';
    if (!layers.includes('wake')) wakeRigs.splice(0);
    if (layers.includes('release')) {
      servers.push(await serverRig('sqlite', prefix));
      if (withPg) servers.push(await serverRig('pg', prefix));
      if (withPg && withRedis) servers.push(await serverRig('pg+bullmq', prefix));
    }
    const burstLoad = `${N.toLocaleString('en')} in 1 s, 1 team`;
    const spreadLoad = `${N.toLocaleString('en')} over ${SPREAD_MS / 1000} s, 1 team`;
    const teamsLoad = `1 inject for ${TEAMS_AT_ONCE} teams at once (last team), ×${TEAM_ROUNDS}`;
    // Bursts one at a time: they are what loads the machine.
    for (const rig of wakeRigs) addWake(rig.name, burstLoad, await wakeErrors(rig, BURST_MS, `burst-${rig.name}`));
    for (const s of servers) addRelease(s, BURST, burstLoad, await releaseErrors(s, BURST));
    for (const s of servers) addRelease(s, AT_ONCE, teamsLoad, await releaseErrors(s, AT_ONCE, true));
    // The minute-long spreads together.
    const [wakeSpreads, serverSpreads] = await Promise.all([
      Promise.all(wakeRigs.map((rig) => wakeErrors(rig, SPREAD_MS, `spread-${rig.name}`))),
      Promise.all(servers.map((s) => releaseErrors(s, SPREAD))),
    ]);
    wakeRigs.forEach((rig, i) => addWake(rig.name, spreadLoad, wakeSpreads[i]!));
    servers.forEach((s, i) => addRelease(s, SPREAD, spreadLoad, serverSpreads[i]!));
  } finally {
    await Promise.allSettled(wakeRigs.map((r) => r.close()));
    await Promise.allSettled(servers.map((s) => s.close()));
    if (withRedis) await Promise.all([deleteRedisKeys(prefix), deleteRedisKeys(`${prefix}-server`)]);
  }
  report(
    'Inject release: error = client receipt − planned instant, ms',
    `Measured where the team's client receives the \`inject\` (a socket.io client in the benchmark process, connected ` +
      `before the start, acking like the console), not before the transaction: wake-up, due-row query, release ` +
      `transaction with its audit row, push and the socket hop are all inside the figure. "30 teams": one inject due ` +
      `for ${TEAMS_AT_ONCE} teams at the same instant, the error of the last team to receive it, over ${TEAM_ROUNDS} injects 0.5 s apart. ` +
      `Checked after every run from the server's database: deliveries released / \`inject.release\` audit rows (distinct ` +
      `deliveries) / deliveries received by the clients, of those planned. Targets (p99): 1,000 in 1 s ≤ 100 ms on SQLite, ` +
      `≤ 250 ms on PostgreSQL; 30 teams ≤ 50 ms embedded, ≤ 100 ms cluster. ${machine()}.\n\n` +
      table(['load', 'server', 'n', 'p50', 'p99', 'max', 'released / audited / received', 'target'], releaseRows) +
      `\n\nNothing lost: ${checks.length ? checks.join('; ') : 'every planned delivery released, audited once and received'}.`,
  );
  report(
    'Scheduler wake-up precision: error = handler call − planned instant, ms',
    `The scheduler classes alone, in the benchmark process, calling a handler that records the time (no database, ` +
      `no socket): what the release figures above are built on. ${((Date.now() - started) / 1000).toFixed(0)} s. ${machine()}.\n\n` +
      table(['scheduler', 'load', 'n', 'p50', 'p99', 'max', 'missing'], wakeRows),
  );
  return ok;
}

main().then(
  (ok) => process.exit(ok ? 0 : 1),
  (e: unknown) => {
    process.stderr.write(`scheduler: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
