// Benchmark 1 — inject fan-out: release lag from an inject's scheduled wall time to its receipt by each client,
// with 10, 100 and 1,000 connected team clients (10 teams), for
//   - a bare socket.io server emitting the same payload to the same team rooms at the same instants (baseline),
//   - the drill server in embedded mode (SQLite, in-process scheduler),
//   - the drill server in cluster mode (two replicas, PostgreSQL, BullMQ, Redis adapter; clients split over both).
// Clients run in this process and ack every inject like the real console does. Run: npm run bench -- fanout
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Socket } from 'socket.io-client';
import {
  createDatabase,
  deleteRedisKeys,
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
  injectText,
  machine,
  offset,
  ratio,
  report,
  scenarioYaml,
  sleep,
  summarize,
  table,
  type ClientAuth,
  type Summary,
} from './support/common.js';

const SIZES = (process.env.BENCH_FANOUT_SIZES ?? '10,100,1000').split(',').map(Number);
const TEAMS = 10;
const INJECTS = 10;
const SPEED = 60; // one scenario minute per wall second
const FIRST_S = 180; // scenario seconds: the first inject is due 3 s after the start (clients are connected by then)
const STEP_S = 30; // 0.5 s of wall time between injects

const injects = Array.from({ length: INJECTS }, (_, k) => ({
  id: `F-${String(k + 1).padStart(2, '0')}`,
  offset: offset(FIRST_S + k * STEP_S),
  ...injectText(k + 1),
}));
const dueOffsetMs = new Map(injects.map((i, k) => [i.id, ((FIRST_S + k * STEP_S) * 1000) / SPEED]));

interface Outcome {
  lags: number[];
  missing: number;
}

interface Target {
  name: string;
  setUp(): Promise<void>;
  run(clients: number): Promise<Outcome>;
  tearDown(): Promise<void>;
}

/** Waits until `expected` receipts arrived or the deadline passed. */
async function collect(lags: number[], expected: number, deadline: number): Promise<void> {
  while (lags.length < expected && Date.now() < deadline) await sleep(20);
}

function bareTarget(): Target {
  let server: Replica | undefined;
  return {
    name: 'bare socket.io',
    async setUp() {
      server = await startReplica('bare', {
        entry: 'test/bench/support/bare-io-server.ts',
        databaseUrl: '',
        adminToken: BENCH_ADMIN_TOKEN,
      });
    },
    async run(n) {
      const due = new Map<string, number>();
      const lags: number[] = [];
      const list: ClientAuth[] = Array.from({ length: n }, (_, i) => ({
        url: server!.url,
        auth: { team: `T${i % TEAMS}` },
      }));
      const sockets = await connectMany(list, (_s, p: { injectId: string }) => {
        lags.push(Date.now() - due.get(p.injectId)!);
      });
      const start = Date.now();
      const items = injects.map((i, k) => {
        const at = start + dueOffsetMs.get(i.id)!;
        due.set(i.id, at);
        const payload = {
          exerciseId: 'bare',
          injectId: i.id,
          seq: k + 1,
          title: i.title,
          body: i.body,
          artefacts: [{ name: 'edr.log', mediaType: 'text/plain', content: i.artefact }],
          severity: 'high',
          tlp: 'TLP:AMBER',
          responseRequired: false,
          targetMinutes: null,
          deadlineMinutes: null,
          scenarioTime: i.offset.slice(1),
        };
        return { at, payload };
      });
      const r = await fetch(`${server!.url}/schedule`, {
        method: 'POST',
        body: JSON.stringify({ teams: Array.from({ length: TEAMS }, (_, t) => `T${t}`), items }),
      });
      if (!r.ok) throw new Error(`bare schedule: ${r.status}`);
      await collect(lags, n * INJECTS, start + Math.max(...dueOffsetMs.values()) + 15_000);
      disconnectAll(sockets);
      return { lags, missing: n * INJECTS - lags.length };
    },
    async tearDown() {
      await server?.stop();
    },
  };
}

function drillTarget(mode: 'embedded' | 'cluster'): Target {
  const replicas: Replica[] = [];
  let db: ScratchDatabase | undefined;
  let dir: string | undefined;
  let prefix: string | undefined;
  let api: Api;
  let teams: { id: string; code: string; token: string }[] = [];
  let runs = 0;
  return {
    name:
      mode === 'embedded'
        ? 'drill, embedded (SQLite, in-process)'
        : 'drill, cluster (2 replicas, PG, BullMQ, Redis adapter)',
    async setUp() {
      if (mode === 'embedded') {
        dir = mkdtempSync(join(tmpdir(), 'drill-bench-'));
        replicas.push(
          await startReplica('embedded', {
            databaseUrl: `sqlite:${join(dir, 'drill.sqlite')}`,
            adminToken: BENCH_ADMIN_TOKEN,
          }),
        );
      } else {
        db = await createDatabase('drill_bench');
        prefix = redisPrefix('bench');
        const o = { databaseUrl: db.url, redisPrefix: prefix, adminToken: BENCH_ADMIN_TOKEN };
        replicas.push(...(await Promise.all([startReplica('A', o), startReplica('B', o)])));
      }
      api = new Api(replicas[0]!.url);
      teams = await createTeams(api, TEAMS);
      await api.post('/api/scenarios', scenarioYaml('fanout-bench', injects), 'application/yaml');
    },
    async run(n) {
      const ex = await api.post<{ id: string }>('/api/exercises', {
        scenarioId: 'fanout-bench',
        name: `fan-out ${n} #${++runs}`,
        speed: SPEED,
        teamIds: teams.map((t) => t.id),
      });
      const due = new Map<string, number>();
      const lags: number[] = [];
      const early: { injectId: string; at: number }[] = [];
      const list: ClientAuth[] = Array.from({ length: n }, (_, i) => ({
        url: replicas[i % replicas.length]!.url,
        auth: { token: teams[i % TEAMS]!.token, exerciseId: ex.id },
      }));
      const sockets: Socket[] = await connectMany(list, (_s, p: { injectId: string }, ack) => {
        const at = Date.now();
        ack?.();
        const d = due.get(p.injectId);
        if (d === undefined) early.push({ injectId: p.injectId, at });
        else lags.push(at - d);
      });
      const started = await api.post<{ startedAt: string }>(`/api/exercises/${ex.id}/start`);
      const t0 = Date.parse(started.startedAt);
      for (const [id, ms] of dueOffsetMs) due.set(id, t0 + ms);
      for (const e of early) lags.push(e.at - due.get(e.injectId)!);
      await collect(lags, n * INJECTS, t0 + Math.max(...dueOffsetMs.values()) + 20_000);
      disconnectAll(sockets);
      await api.post(`/api/exercises/${ex.id}/complete`).catch(() => undefined);
      await sleep(500); // let the server settle the disconnects before the next size
      return { lags, missing: n * INJECTS - lags.length };
    },
    async tearDown() {
      await Promise.allSettled(replicas.map((r) => r.stop()));
      await db?.drop();
      if (prefix) await deleteRedisKeys(prefix);
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function main() {
  const cluster = (await answers(6379)) && (await answers(5432));
  if (!cluster)
    process.stderr.write('fanout: Redis or PostgreSQL does not answer on 127.0.0.1; the cluster target is left out\n');
  // BENCH_FANOUT_TARGETS=cluster (or embedded): only those besides the baseline, when iterating on one of them.
  const only = process.env.BENCH_FANOUT_TARGETS;
  const targets = [
    bareTarget(),
    ...(!only || only.includes('embedded') ? [drillTarget('embedded')] : []),
    ...(cluster && (!only || only.includes('cluster')) ? [drillTarget('cluster')] : []),
  ];
  const results = new Map<string, Map<number, Outcome>>();
  const started = Date.now();
  for (const t of targets) {
    await t.setUp();
    const byN = new Map<number, Outcome>();
    try {
      for (const n of SIZES) {
        const o = await t.run(n);
        byN.set(n, o);
        const s = summarize(o.lags);
        process.stderr.write(
          `fanout: ${t.name}, ${n} clients: p50 ${fmt(s.p50)} ms, p99 ${fmt(s.p99)} ms, max ${fmt(s.max)} ms, missing ${o.missing}\n`,
        );
      }
    } finally {
      await t.tearDown();
    }
    results.set(t.name, byN);
  }
  const bare = results.get('bare socket.io')!;
  const rows: (string | number)[][] = [];
  for (const n of SIZES) {
    const base: Summary = summarize(bare.get(n)!.lags);
    for (const t of targets) {
      const o = results.get(t.name)!.get(n)!;
      const s = summarize(o.lags);
      rows.push([
        n,
        t.name,
        s.n,
        fmt(s.p50),
        fmt(s.p99),
        fmt(s.max),
        o.missing,
        t.name === 'bare socket.io' ? '1.00× (baseline)' : `${ratio(s.p50, base.p50)} / ${ratio(s.p99, base.p99)}`,
      ]);
    }
  }
  report(
    'Inject fan-out: release lag (scheduled wall time → client receipt), ms',
    `${TEAMS} teams, ${INJECTS} injects 0.5 s apart, every client in its team's room; payload ≈3 KB (Markdown body and a log artefact). ` +
      `Clients run in the benchmark process on the same machine (their own event loop adds to every figure, the baseline's too). ` +
      `Ratio = drill ÷ bare socket.io at the same client count. ${((Date.now() - started) / 1000).toFixed(0)} s. ${machine()}.\n\n` +
      table(['clients', 'server', 'receipts', 'p50', 'p99', 'max', 'missing', 'ratio p50 / p99'], rows),
  );
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`fanout: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
