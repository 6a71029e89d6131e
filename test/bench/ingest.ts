// Benchmark 3 — ISM ingest: reports per second accepted (and persisted) over HTTP (POST .../ism/reports) and over
// the socket (`ism.report` with ack), against a bare Nest application that only parses the JSON. 32 requests in
// flight (16 teams × 2 analysts), 1 s warm-up then 6 s measured, for the drill server in embedded mode (SQLite) and
// in cluster mode (two replicas on PostgreSQL and Redis, load split over both). Run: npm run bench -- ingest
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
  machine,
  ratio,
  report,
  scenarioYaml,
  sleep,
  summarize,
  table,
} from './support/common.js';

const TEAMS = 16;
const IN_FLIGHT = 32;
const WARMUP_MS = 1000;
const MEASURE_MS = 6000;
// The benchmark measures how fast reports can be taken, so the per-user report limit (a policy) is off.
const UNTHROTTLED = { REPORTS_PER_MINUTE: '0' };

function reportBody(n: number, recipient: string) {
  return {
    kind: 'notification',
    injectIds: ['I-1'],
    title: `Ransomware on hospital file servers (${n})`,
    summary: 'Two regions affected; initial access through an exposed RDP gateway. Negotiation site identified.',
    tlp: 'TLP:AMBER',
    recipients: { teams: [recipient] },
    classification: { class: 'malicious-code', type: 'infected-system' },
    determination: 'confirmed',
    severity: 'high',
    affectedAssets: [
      { kind: 'server', identifier: `fs${n % 50}.hospital.example`, sector: 'health', country: 'MY' },
      { kind: 'server', identifier: 'dc01.hospital.example', sector: 'health', country: 'MY' },
    ],
    iocs: [
      { type: 'ip-dst', value: `203.0.113[.]${n % 250}`, role: 'c2', toIds: true },
      { type: 'domain', value: `c2-${n % 97}.evil[.]example`, role: 'c2', toIds: true },
      { type: 'url', value: `hxxps://drop-${n % 13}.example/p/${n}`, toIds: true },
      { type: 'sha256', value: 'a'.repeat(56) + String(n % 1e8).padStart(8, '0'), toIds: true },
      { type: 'email-src', value: `billing${n % 7}@invoices[.]example`, toIds: false },
      { type: 'ip-src', value: `198.51.100.${n % 250}`, toIds: false },
    ],
    timeline: [
      { at: '2026-11-25T02:14:00Z', event: 'EDR alert: vssadmin delete shadows' },
      { at: '2026-11-25T02:40:00Z', event: 'File servers encrypted' },
    ],
    actions: [
      { code: 'ISOLATE', text: 'Isolated the encrypted file servers' },
      { code: 'BLOCK-IOC', text: 'Blocked the C2 domain at the national resolver' },
    ],
    recommendations: ['Patch the RDP gateway', 'Rotate domain admin credentials'],
  };
}

interface Phase {
  /** Every success, warm-up and stragglers included (what the database must hold afterwards). */
  allOk: number;
  accepted: number;
  failed: number;
  latencies: number[];
  perSecond: number;
}

/** Runs `IN_FLIGHT` loops of `send` for warm-up + measurement; counts what completed inside the window. */
async function drive(send: (worker: number, n: number) => Promise<boolean>): Promise<Phase> {
  const t0 = Date.now();
  const from = t0 + WARMUP_MS;
  const until = from + MEASURE_MS;
  let accepted = 0;
  let allOk = 0;
  let failed = 0;
  let n = 0;
  const latencies: number[] = [];
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async (_, w) => {
      while (Date.now() < until) {
        const started = Date.now();
        const ok = await send(w, n++).catch(() => false);
        const done = Date.now();
        if (ok) allOk += 1;
        if (started >= from && done <= until) {
          if (ok) accepted += 1;
          else failed += 1;
          latencies.push(done - started);
        }
      }
    }),
  );
  return { allOk, accepted, failed, latencies, perSecond: accepted / (MEASURE_MS / 1000) };
}

interface Target {
  name: string;
  http: Phase;
  socket: Phase;
  persisted?: number;
}

async function bare(): Promise<Target> {
  const server = await startReplica('bare-nest', {
    entry: 'test/bench/support/bare-nest-server.ts',
    databaseUrl: '',
    adminToken: BENCH_ADMIN_TOKEN,
  });
  try {
    const http = await drive(async (_w, n) => {
      const r = await fetch(`${server.url}/ingest`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(reportBody(n, 'T01')),
      });
      await r.arrayBuffer();
      return r.status === 201;
    });
    const sockets = await connectMany(
      Array.from({ length: IN_FLIGHT }, () => ({ url: server.url, auth: {} })),
      () => {},
    );
    const socket = await drive(async (w, n) => {
      const ack = (await sockets[w]!.timeout(10_000).emitWithAck('ism.report', reportBody(n, 'T01'))) as {
        id?: string;
      };
      return typeof ack?.id === 'string';
    });
    disconnectAll(sockets);
    return { name: 'bare Nest (parse JSON only)', http, socket };
  } finally {
    await server.stop();
  }
}

async function drill(mode: 'embedded' | 'cluster'): Promise<Target> {
  const replicas: Replica[] = [];
  let db: ScratchDatabase | undefined;
  let dir: string | undefined;
  let prefix: string | undefined;
  try {
    if (mode === 'embedded') {
      dir = mkdtempSync(join(tmpdir(), 'drill-bench-'));
      replicas.push(
        await startReplica('embedded', {
          databaseUrl: `sqlite:${join(dir, 'drill.sqlite')}`,
          adminToken: BENCH_ADMIN_TOKEN,
          env: UNTHROTTLED,
        }),
      );
    } else {
      db = await createDatabase('drill_bench');
      prefix = redisPrefix('bench-ingest');
      const o = { databaseUrl: db.url, redisPrefix: prefix, adminToken: BENCH_ADMIN_TOKEN, env: UNTHROTTLED };
      replicas.push(...(await Promise.all([startReplica('A', o), startReplica('B', o)])));
    }
    const api = new Api(replicas[0]!.url);
    const teams = await createTeams(api, TEAMS);
    // A second analyst per team, so that 32 sockets are 32 people.
    const tokens = [...teams.map((t) => t.token)];
    for (const t of teams)
      tokens.push(
        (
          await api.post<{ token: string }>('/api/users', {
            name: `${t.code} second`,
            role: 'participant',
            teamId: t.id,
          })
        ).token,
      );
    const recipientOf = (w: number) => teams[(w + 1) % TEAMS]!.code;
    await api.post(
      '/api/scenarios',
      scenarioYaml('ingest-bench', [{ id: 'I-1', offset: '+00:00:01', title: 'Ransomware', body: 'Report on it.' }]),
      'application/yaml',
    );
    const ex = await api.post<{ id: string }>('/api/exercises', {
      scenarioId: 'ingest-bench',
      name: 'ingest',
      speed: 60,
      teamIds: teams.map((t) => t.id),
    });
    await api.post(`/api/exercises/${ex.id}/start`);
    await sleep(500); // I-1 is released to every team (reports may only cite released injects)
    const path = `/api/exercises/${ex.id}/ism/reports`;
    const http = await drive(async (w, n) => {
      const url = replicas[w % replicas.length]!.url;
      const r = await fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${tokens[w]}` },
        body: JSON.stringify(reportBody(n, recipientOf(w))),
      });
      const text = await r.text();
      if (r.status !== 201 && n < IN_FLIGHT) process.stderr.write(`ingest: HTTP ${r.status} ${text.slice(0, 300)}\n`);
      return r.status === 201;
    });
    const sockets: Socket[] = await connectMany(
      Array.from({ length: IN_FLIGHT }, (_, w) => ({
        url: replicas[w % replicas.length]!.url,
        auth: { token: tokens[w], exerciseId: ex.id },
      })),
      (_s, _p, ack) => ack?.(),
    );
    const socket = await drive(async (w, n) => {
      const ack = (await sockets[w]!.timeout(30_000).emitWithAck('ism.report', reportBody(n, recipientOf(w)))) as {
        id?: string;
        error?: unknown;
      };
      if (!ack?.id && n < IN_FLIGHT) process.stderr.write(`ingest: socket ack ${JSON.stringify(ack).slice(0, 300)}\n`);
      return typeof ack?.id === 'string';
    });
    disconnectAll(sockets);
    // Everything acknowledged is in the database, whichever replica took it.
    const stored = await api.get<unknown[]>(path);
    return {
      name: mode === 'embedded' ? 'drill, embedded (SQLite)' : 'drill, cluster (2 replicas, PG + Redis)',
      http,
      socket,
      persisted: stored.length,
    };
  } finally {
    await Promise.allSettled(replicas.map((r) => r.stop()));
    await db?.drop();
    if (prefix) await deleteRedisKeys(prefix);
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const started = Date.now();
  const cluster = (await answers(6379)) && (await answers(5432));
  const targets: Target[] = [await bare(), await drill('embedded'), ...(cluster ? [await drill('cluster')] : [])];
  const base = targets[0]!;
  const rows: (string | number)[][] = [];
  for (const t of targets) {
    for (const via of ['http', 'socket'] as const) {
      const p = t[via];
      const l = summarize(p.latencies);
      const baseRate = base[via].perSecond;
      rows.push([
        t.name,
        via === 'http' ? 'HTTP' : 'socket',
        fmt(p.perSecond, 0),
        fmt(l.p50),
        fmt(l.p99),
        p.failed,
        t === base ? '1.00× (baseline)' : ratio(baseRate, p.perSecond),
      ]);
    }
  }
  const persisted = targets
    .filter((t) => t.persisted !== undefined)
    .map((t) => `${t.name}: ${t.persisted} stored of ${t.http.allOk + t.socket.allOk} acknowledged (warm-up included)`)
    .join('; ');
  for (const r of rows) process.stderr.write(`ingest: ${r.join(' | ')}\n`);
  report(
    'ISM ingest: reports per second accepted and persisted',
    `${IN_FLIGHT} requests in flight (${TEAMS} teams × 2 analysts), ~1.6 KB reports with 6 IOCs to refang and normalise, ` +
      `classification, assets, timeline and actions; ${MEASURE_MS / 1000} s measured after 1 s of warm-up; the load generator shares the machine. ` +
      `"slower by" = bare rate ÷ drill rate (target: within 2×). ${((Date.now() - started) / 1000).toFixed(0)} s. ${machine()}.\n\n` +
      table(['server', 'via', 'reports/s', 'latency p50 ms', 'p99 ms', 'failed', 'slower by'], rows) +
      `\n\nPersisted: ${persisted}.`,
  );
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`ingest: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
