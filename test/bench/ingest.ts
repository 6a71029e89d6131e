// Benchmark 3 — ISM ingest: reports per second accepted (and persisted) over HTTP (POST .../ism/reports) and over
// the socket (`ism.report` with ack), against a bare Nest application that only parses the JSON. 32 requests in
// flight (16 teams × 2 analysts), 1 s warm-up then 6 s measured, for the drill server in embedded mode (SQLite) and
// in cluster mode (two replicas on PostgreSQL and Redis, load split over both). Every phase (server × HTTP/socket)
// runs on a fresh server and database, so the HTTP and socket rows start from the same state. Each drill phase
//   - counts the SQL statements the server sent (its `drill_db_statements_total` on /metrics, before and after,
//     summed over the replicas) and divides by the reports it acknowledged;
//   - checks that every acknowledged report is stored (read back through the API afterwards);
//   - times, with a controller socket connected (to the other replica in cluster mode), how long after a report's
//     acknowledgement the `score.update` that counts it arrives: probe reports, a few at a time during the load, each
//     the first of its team on an inject with an answer key, so the update that includes it is the first one
//     showing a score on that inject for that team.
// Exits 1 if a report acknowledged is missing from the database. Run: npm run bench -- ingest
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
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
  report,
  sized,
  sleep,
  statementsCounted,
  summarize,
  table,
} from './support/common.js';

const TEAMS = 16;
const IN_FLIGHT = 32;
const WARMUP_MS = sized(1000, 300);
const MEASURE_MS = sized(6000, 1500);
// The benchmark measures how fast reports can be taken, so the per-user report limit (a policy) is off.
const UNTHROTTLED = { REPORTS_PER_MINUTE: '0' };
/** Injects with an answer key, for the score probes: TEAMS × PROBE_INJECTS first reports available. */
const PROBE_INJECTS = 8;
const PROBE_LOOPS = 4;
const PROBE_IOC = '203.0.113.77';

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

type Via = 'http' | 'socket';

interface DrillPhase extends Phase {
  /** SQL statements counted by the server(s) during the phase; undefined if the counter is not exposed. */
  statements?: number;
  /** Reports acknowledged in the phase, warm-up, stragglers and probes included (what the database must hold). */
  acknowledged: number;
  stored: number;
  /** Acknowledgement → `score.update` counting the report, ms, one per probe. */
  scoreLag: number[];
  probesUnseen: number;
}

/** The scenario: I-1 (no answer key) for the load, P-1… (answer key with one IOC) for the score probes. */
function ingestScenario(): string {
  const lines = [
    'id: ingest-bench',
    'title: "Benchmark ingest-bench"',
    'summary: Generated by test/bench/ingest.ts.',
    'plannedDuration: "+99:00"',
    'injects:',
    '  - id: I-1',
    '    offset: "+00:00:01"',
    '    title: Ransomware',
    '    body: Report on it.',
    '    targets: all',
    '    severity: high',
    '    tlp: TLP:AMBER',
  ];
  for (let k = 1; k <= PROBE_INJECTS; k++)
    lines.push(
      `  - id: P-${k}`,
      '    offset: "+00:00:01"',
      `    title: Probe ${k}`,
      '    body: Report the C2 address.',
      '    targets: all',
      '    severity: high',
      '    tlp: TLP:AMBER',
      '    responseRequired: true',
      '    targetMinutes: 600',
      '    deadlineMinutes: 1200',
      '    answerKey:',
      `      iocs: [{ type: ip-dst, value: "${PROBE_IOC}" }]`,
    );
  return lines.join('\n') + '\n';
}

function probeBody(injectId: string, recipient: string) {
  return {
    ...reportBody(0, recipient),
    injectIds: [injectId],
    title: `Probe ${injectId}`,
    iocs: [{ type: 'ip-dst', value: PROBE_IOC, role: 'c2', toIds: true }],
  };
}

async function statementsOf(replicas: Replica[]): Promise<number | undefined> {
  const counts = await Promise.all(replicas.map((r) => statementsCounted(r.url)));
  return counts.some((c) => c === undefined) ? undefined : counts.reduce((a, c) => a! + c!, 0);
}

async function barePhase(via: Via): Promise<Phase> {
  const server = await startReplica('bare-nest', {
    entry: 'test/bench/support/bare-nest-server.ts',
    databaseUrl: '',
    adminToken: BENCH_ADMIN_TOKEN,
  });
  try {
    if (via === 'http')
      return await drive(async (_w, n) => {
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
    try {
      return await drive(async (w, n) => {
        const ack = (await sockets[w]!.timeout(10_000).emitWithAck('ism.report', reportBody(n, 'T01'))) as {
          id?: string;
        };
        return typeof ack?.id === 'string';
      });
    } finally {
      disconnectAll(sockets);
    }
  } finally {
    await server.stop();
  }
}

async function drillPhase(mode: 'embedded' | 'cluster', via: Via): Promise<DrillPhase> {
  const replicas: Replica[] = [];
  let db: ScratchDatabase | undefined;
  let dir: string | undefined;
  let prefix: string | undefined;
  const sockets: Socket[] = [];
  let control: Socket | undefined;
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
    // A second analyst per team, so that 32 sockets are 32 people. Worker w < TEAMS is team w's first analyst.
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
    await api.post('/api/scenarios', ingestScenario(), 'application/yaml');
    const ex = await api.post<{ id: string }>('/api/exercises', {
      scenarioId: 'ingest-bench',
      name: `ingest ${via}`,
      speed: 60,
      teamIds: teams.map((t) => t.id),
    });
    await api.post(`/api/exercises/${ex.id}/start`);
    await sleep(500); // the injects are released to every team (reports may only cite released injects)
    const path = `/api/exercises/${ex.id}/ism/reports`;

    // The control room's board: a controller socket on the last replica (in cluster mode, not the one most
    // reports go through first), listening for score.update.
    const seen: { teamId: string; injectId: string; at: number }[] = [];
    const waiting = new Map<string, (at: number) => void>(); // `${teamId}/${injectId}` → resolve
    control = io(`${replicas[replicas.length - 1]!.url}/drill`, {
      auth: { token: BENCH_ADMIN_TOKEN, exerciseId: ex.id },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    control.on('score.update', (u: { teamId: string; injects: { injectId: string; final: number | null }[] }) => {
      const at = Date.now();
      for (const i of u.injects) {
        if (!(typeof i.final === 'number' && i.final > 0)) continue;
        const key = `${u.teamId}/${i.injectId}`;
        waiting.get(key)?.(at);
        waiting.delete(key);
        seen.push({ teamId: u.teamId, injectId: i.injectId, at });
      }
    });
    await new Promise<void>((resolve, reject) => {
      control!.once('connect', () => resolve());
      control!.once('connect_error', (e: Error) => reject(new Error(`controller socket: ${e.message}`)));
    });

    if (via === 'socket')
      sockets.push(
        ...(await connectMany(
          Array.from({ length: IN_FLIGHT }, (_, w) => ({
            url: replicas[w % replicas.length]!.url,
            auth: { token: tokens[w], exerciseId: ex.id },
          })),
          (_s, _p, ack) => ack?.(),
        )),
      );

    /** One report through the phase's channel, as analyst `w`; true when acknowledged (201 / ack with an id). */
    const send = async (w: number, body: unknown, log: boolean): Promise<boolean> => {
      if (via === 'http') {
        const url = replicas[w % replicas.length]!.url;
        const r = await fetch(`${url}${path}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${tokens[w]}` },
          body: JSON.stringify(body),
        });
        const text = await r.text();
        if (r.status !== 201 && log) process.stderr.write(`ingest: HTTP ${r.status} ${text.slice(0, 300)}\n`);
        return r.status === 201;
      }
      const ack = (await sockets[w]!.timeout(30_000).emitWithAck('ism.report', body)) as { id?: string };
      if (!ack?.id && log) process.stderr.write(`ingest: socket ack ${JSON.stringify(ack).slice(0, 300)}\n`);
      return typeof ack?.id === 'string';
    };

    // Score probes while the load runs: PROBE_LOOPS loops, each on its own teams, one probe at a time; each probe is
    // the first report of its team on a probe inject.
    const scoreLag: number[] = [];
    let probesOk = 0;
    let probesUnseen = 0;
    let loadDone = false;
    const probeLoop = async (loop: number) => {
      await sleep(WARMUP_MS + loop * 70);
      const mine = Array.from({ length: TEAMS }, (_, w) => w).filter((w) => w % PROBE_LOOPS === loop);
      for (let k = 0; k < mine.length * PROBE_INJECTS && !loadDone; k++) {
        const w = mine[k % mine.length]!;
        const injectId = `P-${1 + Math.floor(k / mine.length)}`;
        const key = `${teams[w]!.id}/${injectId}`;
        let updateAt: number | undefined;
        const update = new Promise<void>((resolve) =>
          waiting.set(key, (at) => {
            updateAt = at;
            resolve();
          }),
        );
        const ok = await send(w, probeBody(injectId, recipientOf(w)), true).catch(() => false);
        const ackAt = Date.now();
        if (!ok) {
          waiting.delete(key);
          continue;
        }
        probesOk += 1;
        await Promise.race([update, sleep(5000)]);
        if (updateAt === undefined) {
          probesUnseen += 1;
          waiting.delete(key);
        } else scoreLag.push(updateAt - ackAt);
        await sleep(50 + Math.random() * 250); // land at different points of the server's 250 ms debounce
      }
    };
    const probes = Promise.all(Array.from({ length: PROBE_LOOPS }, (_, l) => probeLoop(l)));

    const before = await statementsOf(replicas);
    const phase = await drive((w, n) => send(w, reportBody(n, recipientOf(w)), n < IN_FLIGHT));
    loadDone = true;
    await probes;
    const after = await statementsOf(replicas);
    if (phase.failed)
      for (const r of replicas) process.stderr.write(`ingest: ${r.name} log tail:\n${r.output().slice(-3000)}\n`);
    disconnectAll(sockets.splice(0));
    // Everything acknowledged is in the database, whichever replica took it.
    const stored = (await api.get<unknown[]>(path)).length;
    return {
      ...phase,
      statements: before === undefined || after === undefined ? undefined : after - before,
      acknowledged: phase.allOk + probesOk,
      stored,
      scoreLag,
      probesUnseen,
    };
  } finally {
    control?.disconnect();
    disconnectAll(sockets);
    await Promise.allSettled(replicas.map((r) => r.stop()));
    await db?.drop();
    if (prefix) await deleteRedisKeys(prefix);
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const started = Date.now();
  const cluster = (await answers(6379)) && (await answers(5432));
  const modes = ['embedded', ...(cluster ? ['cluster' as const] : [])] as const;
  const names = {
    bare: 'bare Nest (parse JSON only)',
    embedded: 'drill, embedded (SQLite)',
    cluster: 'drill, cluster (2 replicas, PG + Redis)',
  };
  const base: Record<Via, Phase> = { http: await barePhase('http'), socket: await barePhase('socket') };
  const drill = new Map<string, DrillPhase>();
  for (const mode of modes)
    for (const via of ['http', 'socket'] as const) {
      const p = await drillPhase(mode, via);
      drill.set(`${mode}/${via}`, p);
      process.stderr.write(
        `ingest: ${mode} ${via}: ${fmt(p.perSecond, 0)}/s, statements ${p.statements ?? 'not counted'}, ` +
          `acknowledged ${p.acknowledged}, stored ${p.stored}, score.update p99 ${fmt(summarize(p.scoreLag).p99, 0)} ms\n`,
      );
    }
  let ok = true;
  let counted = true;
  const rows: (string | number)[][] = [];
  for (const via of ['http', 'socket'] as const) {
    const b = base[via];
    const l = summarize(b.latencies);
    rows.push([
      names.bare,
      via,
      fmt(b.perSecond, 0),
      fmt(l.p50),
      fmt(l.p99),
      b.failed,
      '1.00× (baseline)',
      '',
      '',
      '',
      '',
    ]);
    for (const mode of modes) {
      const p = drill.get(`${mode}/${via}`)!;
      const pl = summarize(p.latencies);
      const sl = summarize(p.scoreLag);
      if (p.stored !== p.acknowledged) ok = false;
      if (p.statements === undefined) counted = false;
      const slower = b.perSecond / p.perSecond;
      const toEmbedded = p.perSecond / drill.get(`embedded/${via}`)!.perSecond;
      const vsEmbedded =
        mode === 'cluster' ? ` (${fmt(toEmbedded, 2)}× embedded ${toEmbedded >= 0.9 ? '✅' : '❌'})` : '';
      rows.push([
        names[mode],
        via,
        fmt(p.perSecond, 0) + vsEmbedded,
        fmt(pl.p50),
        fmt(pl.p99),
        p.failed,
        `${fmt(slower, 2)}× ${slower <= 2 ? '✅' : '❌'}`,
        p.statements === undefined
          ? 'not counted'
          : `${fmt(p.statements / p.acknowledged, 2)} ${p.statements / p.acknowledged <= 3 ? '✅' : '❌'}`,
        `${p.acknowledged} / ${p.stored}${p.stored === p.acknowledged ? '' : ' ❌'}`,
        `${fmt(sl.p50, 0)} / ${fmt(sl.p99, 0)} ${sl.n && sl.p99 <= 1000 && !p.probesUnseen ? '✅' : '❌'}`,
        `${sl.n}${p.probesUnseen ? ` (+${p.probesUnseen} never seen)` : ''}`,
      ]);
    }
  }
  for (const r of rows) process.stderr.write(`ingest: ${r.join(' | ')}\n`);
  report(
    'ISM ingest: reports per second accepted and persisted',
    `${IN_FLIGHT} requests in flight (${TEAMS} teams × 2 analysts), ~1.6 KB reports with 6 IOCs to refang and normalise, ` +
      `classification, assets, timeline and actions; ${MEASURE_MS / 1000} s measured after ${WARMUP_MS / 1000} s of warm-up; ` +
      `every row on a fresh server and database; the load generator shares the machine. ` +
      `"slower by" = bare rate ÷ drill rate (target ≤ 2×; cluster ≥ 0.9× embedded). ` +
      `"statements / report" = the servers' \`drill_db_statements_total\` over the phase (summed over the replicas; ` +
      `it includes the live score recomputes and scheduler passes that run meanwhile) ÷ reports acknowledged (target ≤ 3). ` +
      `"acknowledged / stored": every report acknowledged in the phase (warm-up and probes included) and the reports ` +
      `the API lists afterwards. "score.update": acknowledgement of a probe report → the controller's \`score.update\` ` +
      `counting it, p50 / p99 ms over the probes (target within 1 s). ` +
      `${((Date.now() - started) / 1000).toFixed(0)} s. ${machine()}.\n\n` +
      table(
        [
          'server',
          'via',
          'reports/s',
          'latency p50 ms',
          'p99 ms',
          'failed',
          'slower by',
          'statements / report',
          'acknowledged / stored',
          'score.update p50 / p99 ms',
          'probes',
        ],
        rows,
      ) +
      `\n\nNothing lost: ${ok ? 'every acknowledged report is stored' : '**acknowledged reports missing from the database**'}.` +
      (counted ? '' : ' The server does not expose `drill_db_statements_total` on /metrics: statements not counted.'),
  );
  return ok;
}

main().then(
  (ok) => process.exit(ok ? 0 : 1),
  (e: unknown) => {
    process.stderr.write(`ingest: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
