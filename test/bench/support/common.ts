// Shared by the benchmarks: statistics, Markdown tables, the machine description, a small fetch-based API client
// for a drill server in another process, and many socket.io clients in this one.
import { cpus, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';

export const BENCH_ADMIN_TOKEN = 'drl_bench-admin-token-0123456789';

/**
 * BENCH_QUICK=1: every benchmark at toy sizes, so a change to the bench code can be checked end to end in seconds.
 * Its figures mean nothing; the report says so in its header.
 */
export const QUICK = process.env.BENCH_QUICK === '1' || process.env.BENCH_QUICK === 'true';
export const sized = <T>(full: T, quick: T): T => (QUICK ? quick : full);

export interface Summary {
  n: number;
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function summarize(values: number[]): Summary {
  const s = [...values].sort((a, b) => a - b);
  return {
    n: s.length,
    p50: percentile(s, 50),
    p99: percentile(s, 99),
    max: s[s.length - 1] ?? NaN,
    mean: s.reduce((a, b) => a + b, 0) / (s.length || 1),
  };
}

export const fmt = (v: number, digits = 1) => (Number.isFinite(v) ? v.toFixed(digits) : '—');
export const ratio = (v: number, base: number) =>
  Number.isFinite(v) && Number.isFinite(base) && base > 0 ? `${(v / base).toFixed(2)}×` : '—';

export function table(headers: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.map(String).join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

export function machine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return `${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}, ${process.platform}${QUICK ? ' — BENCH_QUICK (toy sizes, figures meaningless)' : ''}`;
}

/** min–max of a list, for the spread of repeated runs. */
export const spread = (values: number[], digits = 2, unit = '') =>
  values.length ? `${fmt(Math.min(...values), digits)}${unit}–${fmt(Math.max(...values), digits)}${unit}` : '—';

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  if (!s.length) return NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * The server's own count of SQL statements (`drill_db_statements_total` on /metrics, summed over its labels), read
 * with a controller's token. Undefined when the server does not expose the counter.
 */
export async function statementsCounted(url: string, token = BENCH_ADMIN_TOKEN): Promise<number | undefined> {
  const r = await fetch(`${url}/metrics`, { headers: { Authorization: `Bearer ${token}` } });
  if (r.status !== 200) throw new Error(`GET /metrics: ${r.status} ${(await r.text()).slice(0, 300)}`);
  const text = await r.text();
  let total: number | undefined;
  for (const m of text.matchAll(/^drill_db_statements_total(?:\{[^}]*\})?\s+(\S+)/gm))
    total = (total ?? 0) + Number(m[1]);
  return total;
}

/** Runs `f` `warm` times untimed, then `runs` times timed; returns the durations in ms. */
export async function time(f: () => unknown, runs: number, warm = 2): Promise<number[]> {
  for (let i = 0; i < warm; i++) await f();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await f();
    out.push(performance.now() - t);
  }
  return out;
}

/** A section of the benchmark report: run.ts collects what is printed between these markers. */
export function report(title: string, body: string): void {
  process.stdout.write(`\n<!-- bench:begin -->\n### ${title}\n\n${body.trim()}\n<!-- bench:end -->\n`);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The drill server's REST API over fetch, as one user. */
export class Api {
  constructor(
    readonly url: string,
    readonly token = BENCH_ADMIN_TOKEN,
  ) {}

  as(token: string): Api {
    return new Api(this.url, token);
  }

  async call<T = any>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
    const r = await fetch(`${this.url}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${this.token}`,
        ...(body !== undefined ? { 'Content-Type': contentType } : {}),
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await r.text();
    if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${text.slice(0, 500)}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  post = <T = any>(path: string, body?: unknown, contentType?: string) =>
    this.call<T>('POST', path, body ?? {}, contentType);
  get = <T = any>(path: string) => this.call<T>('GET', path);
}

export interface DrillSetup {
  /** userId: the team's participant. */
  teams: { id: string; code: string; token: string; userId: string }[];
}

/** Creates `n` teams (tagged tier1) with one participant each. */
export async function createTeams(api: Api, n: number, prefix = 'T'): Promise<DrillSetup['teams']> {
  const teams: DrillSetup['teams'] = [];
  for (let i = 0; i < n; i++) {
    const code = `${prefix}${String(i).padStart(2, '0')}`;
    const t = await api.post<{ id: string }>('/api/teams', { code, name: `${code} CERT`, tags: ['tier1'] });
    const u = await api.post<{ id: string; token: string }>('/api/users', {
      name: `${code} analyst`,
      role: 'participant',
      teamId: t.id,
    });
    teams.push({ id: t.id, code, token: u.token, userId: u.id });
  }
  return teams;
}

/** A realistic inject body: a Markdown briefing and a log excerpt as an artefact (~3 KB on the wire). */
export function injectText(i: number): { title: string; body: string; artefact: string } {
  const body = [
    `## Situation ${i}`,
    '',
    'A hospital group reports that file servers in two regions were encrypted overnight. The ransom note names',
    'a known affiliate and a Tor negotiation site. The group asks for help to identify the initial access vector.',
    '',
    '- **Affected**: 14 Windows file servers, 2 domain controllers',
    '- **First seen**: 02:14 local time, EDR alert on `vssadmin delete shadows`',
    '- **Ask**: share IOCs with the sector ISAC under TLP:AMBER; report by the deadline.',
  ].join('\n');
  const artefact = Array.from(
    { length: 24 },
    (_, k) =>
      `2025-03-0${1 + (k % 9)}T02:${String(10 + k).padStart(2, '0')}:00Z srv-fs-${k % 7} 4688 powershell.exe -enc SQBFAFgA... parent=wmiprvse.exe`,
  ).join('\n');
  return { title: `Inject ${i}: encrypted file servers`, body, artefact };
}

export interface ClientAuth {
  url: string;
  auth: Record<string, unknown>;
}

/** Connects many websocket clients, `parallel` handshakes at a time; rejects if any handshake fails. */
export async function connectMany(
  list: ClientAuth[],
  onInject: (socket: Socket, payload: any, ack?: () => void) => void,
  parallel = 50,
): Promise<Socket[]> {
  const sockets: Socket[] = new Array(list.length);
  let next = 0;
  const worker = async () => {
    while (next < list.length) {
      const i = next++;
      const { url, auth } = list[i]!;
      const s = io(`${url}/drill`, {
        auth,
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
        timeout: 30_000,
      });
      s.on('inject', (p: unknown, ack?: () => void) => onInject(s, p, ack));
      await new Promise<void>((resolve, reject) => {
        s.once('connect', () => resolve());
        s.once('connect_error', (e: Error) => reject(new Error(`client ${i}: ${e.message}`)));
      });
      sockets[i] = s;
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return sockets;
}

export function disconnectAll(sockets: Socket[]): void {
  for (const s of sockets) s?.disconnect();
}

/** Scenario YAML with the given injects (all targeting every team). */
export function scenarioYaml(
  id: string,
  injects: { id: string; offset: string; title: string; body: string; artefact?: string }[],
): string {
  const q = (s: string) => JSON.stringify(s); // JSON strings are valid YAML scalars
  const lines = [
    `id: ${id}`,
    `title: ${q(`Benchmark ${id}`)}`,
    'summary: Generated by test/bench.',
    'plannedDuration: "+99:00"',
    'injects:',
  ];
  for (const i of injects) {
    lines.push(
      `  - id: ${i.id}`,
      `    offset: ${q(i.offset)}`,
      `    title: ${q(i.title)}`,
      `    body: ${q(i.body)}`,
      '    targets: all',
      '    severity: high',
      '    tlp: TLP:AMBER',
    );
    if (i.artefact)
      lines.push(
        '    artefacts:',
        `      - name: edr.log`,
        `        mediaType: text/plain`,
        `        content: ${q(i.artefact)}`,
      );
  }
  return lines.join('\n') + '\n';
}

/** +HH:MM:SS for a number of scenario seconds. */
export function offset(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `+${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
}
