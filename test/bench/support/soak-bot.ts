// The soak benchmark's team clients: real socket.io clients of /drill that record every `inject` they are sent (raw,
// before any de-duplication), resume with `lastSeq` after every reconnect, and, for a team's analyst, acknowledge
// and report on each inject with the content and timing of `drill simulate`'s bots (planResponse and the profiles
// of apps/drill-cli/src/simulate). The simulate Bot itself de-duplicates receipts and hides its socket, so it can
// count neither repeats nor drop its connection on demand; this class adds exactly that around the same planner.
import { randomUUID } from 'node:crypto';
import { io } from 'socket.io-client';
import { DRILL_NAMESPACE, type HandshakeAuth, type InjectPayload, type IsmReportReply } from '@drill/contracts';
import type { Inject } from '@drill/scenario';
import { parseScenarioTime, type DrillClientSocket } from '../../../apps/drill-cli/src/simulate/bot.js';
import type { Prng } from '../../../apps/drill-cli/src/simulate/prng.js';
import type { ProfileName } from '../../../apps/drill-cli/src/simulate/profiles.js';
import { planResponse, type PlannedReport } from '../../../apps/drill-cli/src/simulate/responder.js';

/** One `inject` event as this socket received it. */
export interface Receipt {
  seq: number;
  injectId: string;
  /** Connection number (1 = the first handshake) it arrived on. */
  conn: number;
  at: number;
  releasedAt: number;
  /** Raw repeat: this socket had already received this inject id. */
  repeat: boolean;
  /** Breaks the resume contract (see `violation` below); null when it does not. */
  violation: null | 'at-or-below-lastSeq' | 'seq-twice-on-connection' | 'out-of-order' | 'seq-conflict';
}

/** How one connection of this socket began. */
export interface Connection {
  n: number;
  /** The `lastSeq` sent in the handshake (undefined = none: a cold start or a console that lost its state). */
  lastSeq?: number;
  cause: 'initial' | 'chaos-clean' | 'chaos-abrupt' | 'chaos-cold' | 'server' | 'other';
  at: number;
  seqs: Set<number>;
  maxSeq: number;
}

export interface SentReport {
  nonce: string;
  injectId: string;
  /** Server id from the ack; undefined when never acknowledged. */
  id?: string;
  attempts: number;
  /** The ack carried an error (the server refused the report). */
  refused?: string;
}

export interface SoakTeam {
  id: string;
  code: string;
  country: string;
  profile: ProfileName;
}

export interface SoakSocketOptions {
  url: string;
  exerciseId: string;
  token: string;
  team: SoakTeam;
  role: 'analyst' | 'console';
  speed: number;
  injects: Map<string, Inject>;
  rng: Prng;
  exerciseCodes: readonly string[];
  controlUserId: string;
  onProblem: (message: string) => void;
}

const REPORT_ACK_TIMEOUT_MS = 15_000;
const MAX_REPORT_ATTEMPTS = 6;

export class SoakSocket {
  readonly receipts: Receipt[] = [];
  readonly connections: Connection[] = [];
  readonly reports: SentReport[] = [];
  readonly received = new Set<string>();
  /** inject id → seq first received with, and seq → inject id: a second pairing is a release-level conflict. */
  private readonly seqOf = new Map<string, number>();
  private readonly idOfSeq = new Map<number, string>();
  private lastSeq = 0;
  private socket!: DrillClientSocket;
  private nextCause: Connection['cause'] = 'initial';
  private cold = false;
  private stopped = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  private inFlight = 0;
  acks = { ok: 0, failed: 0 };
  disconnects = 0;

  constructor(readonly o: SoakSocketOptions) {}

  get connected(): boolean {
    return this.socket?.connected ?? false;
  }

  /** Timers not yet fired plus emits awaiting their ack. */
  get pending(): number {
    return this.timers.size + this.inFlight;
  }

  private auth(): HandshakeAuth {
    const withSeq = !this.cold && this.lastSeq > 0;
    return { token: this.o.token, exerciseId: this.o.exerciseId, ...(withSeq ? { lastSeq: this.lastSeq } : {}) };
  }

  connect(): Promise<void> {
    const socket: DrillClientSocket = io(`${this.o.url}${DRILL_NAMESPACE}`, {
      auth: this.auth(),
      transports: ['websocket'],
      forceNew: true,
      reconnectionDelay: 200,
      reconnectionDelayMax: 2000,
      timeout: 10_000,
    });
    this.socket = socket;
    // Every (re)connection attempt presents what this socket has: the server replays what comes after, once.
    socket.io.on('reconnect_attempt', () => {
      socket.auth = this.auth();
    });
    socket.on('connect', () => {
      const auth = socket.auth as HandshakeAuth;
      this.connections.push({
        n: this.connections.length + 1,
        lastSeq: auth.lastSeq,
        cause: this.connections.length === 0 ? 'initial' : this.nextCause,
        at: Date.now(),
        seqs: new Set(),
        maxSeq: auth.lastSeq ?? 0,
      });
      this.nextCause = 'server';
      this.cold = false;
    });
    socket.on('disconnect', () => {
      this.disconnects++;
    });
    socket.on('inject', (msg, confirm) => {
      confirm(); // delivery receipt
      this.record(msg);
    });
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', (e: Error) => reject(new Error(`${this.o.team.code} ${this.o.role}: ${e.message}`)));
    });
  }

  private record(msg: InjectPayload): void {
    const conn = this.connections[this.connections.length - 1]!;
    const repeat = this.received.has(msg.injectId);
    let violation: Receipt['violation'] = null;
    const knownSeq = this.seqOf.get(msg.injectId);
    const knownId = this.idOfSeq.get(msg.seq);
    if ((knownSeq !== undefined && knownSeq !== msg.seq) || (knownId !== undefined && knownId !== msg.injectId))
      violation = 'seq-conflict'; // one (inject, team) under two seqs, or one seq for two injects
    else if (conn.lastSeq !== undefined && msg.seq <= conn.lastSeq) violation = 'at-or-below-lastSeq';
    else if (conn.seqs.has(msg.seq)) violation = 'seq-twice-on-connection';
    else if (msg.seq < conn.maxSeq) violation = 'out-of-order';
    conn.seqs.add(msg.seq);
    conn.maxSeq = Math.max(conn.maxSeq, msg.seq);
    if (knownSeq === undefined) this.seqOf.set(msg.injectId, msg.seq);
    if (knownId === undefined) this.idOfSeq.set(msg.seq, msg.injectId);
    this.lastSeq = Math.max(this.lastSeq, msg.seq);
    this.receipts.push({
      seq: msg.seq,
      injectId: msg.injectId,
      conn: conn.n,
      at: Date.now(),
      releasedAt: Date.parse(msg.releasedAt),
      repeat,
      violation,
    });
    if (repeat) return;
    this.received.add(msg.injectId);
    if (this.o.role === 'analyst' && !this.stopped) this.respond(msg);
  }

  /** Drops the connection: `clean` = the client disconnects and reconnects by hand; `abrupt` = the transport closes
   * under it and socket.io's own reconnection takes over; `cold` = like clean but without `lastSeq` (a console that
   * lost its state, e.g. a reload): the server then replays everything, which the contract allows. */
  async drop(kind: 'clean' | 'abrupt' | 'cold', downMs: number): Promise<void> {
    if (!this.socket.connected || this.stopped) return;
    if (kind === 'abrupt') {
      this.nextCause = 'chaos-abrupt';
      this.socket.io.engine.close();
      return;
    }
    this.socket.disconnect();
    await new Promise((r) => setTimeout(r, downMs));
    if (this.stopped) return;
    this.nextCause = kind === 'cold' ? 'chaos-cold' : 'chaos-clean';
    this.cold = kind === 'cold';
    this.socket.auth = this.auth();
    this.socket.connect();
  }

  private respond(msg: InjectPayload): void {
    const inject = this.o.injects.get(msg.injectId);
    if (!inject) {
      this.o.onProblem(`${this.o.team.code}: inject ${msg.injectId} is not in the scenario`);
      return;
    }
    const now = Date.now();
    const released = Date.parse(msg.releasedAt);
    const base = Number.isFinite(released) && released <= now && now - released < 10_000 ? released : now;
    const perMin = 60_000 / this.o.speed;
    const plan = planResponse({
      profile: this.o.team.profile,
      inject,
      rng: this.o.rng,
      team: { code: this.o.team.code, country: this.o.team.country },
      exerciseCodes: this.o.exerciseCodes,
      releasedAtMin: parseScenarioTime(msg.scenarioTime),
      controlUserId: this.o.controlUserId,
    });
    const wait = (min: number) => base + min * perMin - now;
    if (plan.ackAt !== undefined) this.later(wait(plan.ackAt), () => this.acknowledge(msg.injectId));
    for (const r of plan.reports) this.later(wait(r.at), () => this.report(r, msg.injectId));
  }

  private later(ms: number, fn: () => Promise<void>): void {
    const t = setTimeout(
      () => {
        this.timers.delete(t);
        this.inFlight++;
        fn()
          .catch((e: unknown) => this.o.onProblem(`${this.o.team.code}: ${(e as Error).message}`))
          .finally(() => this.inFlight--);
      },
      Math.max(0, ms),
    );
    this.timers.add(t);
  }

  /** Resolves once connected (a report typed while offline waits for the connection, as the console's draft does). */
  private async online(): Promise<boolean> {
    while (!this.socket.connected) {
      if (this.stopped) return false;
      await new Promise((r) => setTimeout(r, 100));
    }
    return true;
  }

  private async acknowledge(injectId: string): Promise<void> {
    if (!(await this.online())) return;
    try {
      const r = await this.socket.timeout(10_000).emitWithAck('inject.ack', { injectId });
      if (r.ok) this.acks.ok++;
      else this.acks.failed++;
    } catch {
      this.acks.failed++; // lost with the connection; a person would press again, but it is not what is measured
    }
  }

  /**
   * Sends the report until the server acknowledges it with an id (or refuses it). A send whose ack never comes
   * (connection dropped, server killed) is sent again once reconnected, like a console resubmitting its draft; a
   * nonce in the title lets the benchmark find it in the database, and find it twice if the first send was stored
   * after all.
   */
  private async report(r: PlannedReport, injectId: string): Promise<void> {
    const nonce = randomUUID().slice(0, 8);
    const body = { ...r.body, title: `${r.body.title.slice(0, 280)} [soak ${nonce}]` };
    const sent: SentReport = { nonce, injectId, attempts: 0 };
    this.reports.push(sent);
    while (sent.attempts < MAX_REPORT_ATTEMPTS) {
      if (!(await this.online())) return;
      sent.attempts++;
      let res: IsmReportReply;
      try {
        res = await this.socket.timeout(REPORT_ACK_TIMEOUT_MS).emitWithAck('ism.report', body);
      } catch {
        continue; // no ack: resend once connected
      }
      if (res.ok) sent.id = res.id;
      else sent.refused = JSON.stringify(res.error).slice(0, 300);
      return;
    }
  }

  /** Drops every planned acknowledgement and report (ENDEX). */
  cancelPending(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  close(): void {
    this.stopped = true;
    this.cancelPending();
    this.socket?.disconnect();
  }
}
