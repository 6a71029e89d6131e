import { io, type Socket } from 'socket.io-client';
import {
  DRILL_NAMESPACE,
  type ClientToServerEvents,
  type ErrorBody,
  type HandshakeAuth,
  type InjectPayload,
  type ServerToClientEvents,
} from '@drill/contracts';
import type { Inject, Scenario } from '@drill/scenario';
import type { Prng } from './prng.js';
import type { Behaviour, ProfileName } from './profiles.js';
import { planResponse, windowOf, type PlannedReport } from './responder.js';

/** A client of the drill's namespace, typed by the wire contract. */
export type DrillClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface BotStats {
  received: number;
  acknowledged: number;
  reportsSent: number;
  earlyWarnings: number;
  reportsRejected: number;
  decoysSent: number;
  /** Planned actions dropped because the exercise ended first. */
  cutOff: number;
}

export interface BotTeam {
  id: string;
  code: string;
  country: string;
  profile: ProfileName;
  /** The profile's behaviour as it has drifted by this drill (drift.ts); the profile's own without it. */
  behaviour?: Behaviour;
  token: string;
}

export interface BotOptions {
  url: string;
  exerciseId: string;
  speed: number;
  scenario: Scenario;
  rng: Prng;
  exerciseCodes: readonly string[];
  controlUserId?: string;
  /** Problems worth telling the operator about (a rejected report, a lost connection). */
  onProblem: (team: string, message: string) => void;
}

/** "404 Not Found: the scenario of this exercise has no inject X (/injectId)" */
export function errorText(e: ErrorBody): string {
  const where = e.details?.length ? ` (${e.details.map((d) => d.path || '/').join(', ')})` : '';
  return `${e.statusCode} ${e.error}: ${e.message}${where}`;
}

/** "T+01:05:30" → 65.5 */
export function parseScenarioTime(s: string): number {
  const m = /^T\+(\d+):(\d{2})(?::(\d{2}))?$/.exec(s);
  return m ? Number(m[1]) * 60 + Number(m[2]) + Number(m[3] ?? 0) / 60 : 0;
}

/**
 * One simulated team: a real socket.io client of /drill that confirms every delivery, then acknowledges and
 * reports on each inject as its profile dictates, on wall-clock timers scaled by the exercise speed.
 */
export class Bot {
  readonly stats: BotStats = {
    received: 0,
    acknowledged: 0,
    reportsSent: 0,
    earlyWarnings: 0,
    reportsRejected: 0,
    decoysSent: 0,
    cutOff: 0,
  };
  private socket?: DrillClientSocket;
  /** Injects this team has been sent, by id. */
  readonly receivedIds = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private inFlight = 0;
  private lastSeq = 0;
  private stopped = false;
  /** Wall time by which every deadline of the injects received so far has passed. */
  lastDeadlineAt = 0;
  readonly injects = new Map<string, Inject>();

  constructor(
    readonly team: BotTeam,
    private readonly opts: BotOptions,
  ) {
    for (const i of opts.scenario.injects) this.injects.set(i.id, i);
  }

  /** Timers not yet fired plus emits awaiting their ack. */
  get pending(): number {
    return this.timers.size + this.inFlight;
  }

  private get msPerScenarioMinute(): number {
    return 60_000 / this.opts.speed;
  }

  private auth(): HandshakeAuth {
    return {
      token: this.team.token,
      exerciseId: this.opts.exerciseId,
      ...(this.lastSeq ? { lastSeq: this.lastSeq } : {}),
    };
  }

  connect(): Promise<void> {
    const socket: DrillClientSocket = io(`${this.opts.url}${DRILL_NAMESPACE}`, {
      auth: this.auth(),
      transports: ['websocket'],
      forceNew: true,
      reconnectionDelay: 200,
      reconnectionDelayMax: 2000,
    });
    this.socket = socket;
    // On reconnect the server replays what we missed after lastSeq, once, in order.
    socket.io.on('reconnect_attempt', () => {
      socket.auth = this.auth();
    });
    socket.on('disconnect', (reason) => {
      if (!this.stopped && reason !== 'io client disconnect')
        this.opts.onProblem(this.team.code, `disconnected (${reason}); reconnecting`);
    });
    // The server went by the team's sequence number instead of ours (its database is older than this bot's run).
    socket.on('handshake.warning', (w) => {
      if (w.lastSeq !== undefined) this.lastSeq = w.lastSeq;
      this.opts.onProblem(this.team.code, w.message);
    });
    socket.on('inject', (msg, confirm) => {
      confirm(); // delivery receipt: the client got it (a person acknowledging is `inject.ack`, later)
      this.lastSeq = Math.max(this.lastSeq, msg.seq);
      this.onInject(msg);
    });
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', (e: Error) => {
        socket.disconnect();
        reject(new Error(`team ${this.team.code} could not connect: ${e.message}`));
      });
    });
  }

  private onInject(msg: InjectPayload): void {
    if (this.receivedIds.has(msg.injectId) || this.stopped) return;
    this.receivedIds.add(msg.injectId);
    this.stats.received++;
    const inject = this.injects.get(msg.injectId);
    if (!inject) {
      this.opts.onProblem(
        this.team.code,
        `inject ${msg.injectId} is not in the local copy of the scenario; only confirming delivery`,
      );
      return;
    }
    // Delays count from the release, as the scoring does, not from when the socket got round to us. A release time
    // in the future or long past (another host's clock, a replay) falls back to now.
    const now = Date.now();
    const released = Date.parse(msg.releasedAt);
    const base = Number.isFinite(released) && released <= now && now - released < 10_000 ? released : now;
    const perMin = this.msPerScenarioMinute;
    if (inject.responseRequired)
      this.lastDeadlineAt = Math.max(this.lastDeadlineAt, base + windowOf(inject).D * perMin);
    const plan = planResponse({
      profile: this.team.profile,
      ...(this.team.behaviour ? { behaviour: this.team.behaviour } : {}),
      inject,
      rng: this.opts.rng,
      team: { code: this.team.code, country: this.team.country },
      exerciseCodes: this.opts.exerciseCodes,
      releasedAtMin: parseScenarioTime(msg.scenarioTime),
      controlUserId: this.opts.controlUserId,
    });
    const wait = (min: number) => base + min * perMin - now;
    if (plan.ackAt !== undefined) this.later(wait(plan.ackAt), () => this.acknowledge(msg.injectId));
    for (const r of plan.reports) this.later(wait(r.at), () => this.report(r));
  }

  private later(ms: number, fn: () => Promise<void>): void {
    const t = setTimeout(
      () => {
        this.timers.delete(t);
        this.inFlight++;
        fn()
          .catch((e: unknown) => this.opts.onProblem(this.team.code, (e as Error).message))
          .finally(() => this.inFlight--);
      },
      Math.max(0, ms),
    );
    this.timers.add(t);
  }

  private async acknowledge(injectId: string): Promise<void> {
    const r = await this.socket!.timeout(10_000).emitWithAck('inject.ack', { injectId });
    if (r.ok) this.stats.acknowledged++;
    else this.opts.onProblem(this.team.code, `inject.ack ${injectId} refused: ${errorText(r.error)}`);
  }

  private async report(r: PlannedReport): Promise<void> {
    const res = await this.socket!.timeout(10_000).emitWithAck('ism.report', r.body);
    if (res.ok) {
      this.stats.reportsSent++;
      if (r.purpose === 'early-warning') this.stats.earlyWarnings++;
      this.stats.decoysSent += r.decoys;
    } else {
      this.stats.reportsRejected++;
      this.opts.onProblem(this.team.code, `report on ${r.body.injectIds.join(',')} rejected: ${errorText(res.error)}`);
    }
  }

  /** Drops every action still planned (ENDEX). */
  cancelPending(): void {
    this.stats.cutOff += this.timers.size;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  disconnect(): void {
    this.stopped = true;
    this.cancelPending();
    this.socket?.disconnect();
  }
}
