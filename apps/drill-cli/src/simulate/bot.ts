import { io, type Socket } from 'socket.io-client';
import {
  DRILL_NAMESPACE,
  type AssistanceRequestView,
  type ClientToServerEvents,
  type ComcheckPayload,
  type ErrorBody,
  type HandshakeAuth,
  type InjectPayload,
  type ServerToClientEvents,
} from '@drill/contracts';
import { DEFAULT_COOPERATION, type Inject, type Scenario } from '@drill/scenario';
import { ApiError, DrillApi } from './api.js';
import { planAnswer, planConfirmation, planRequest, type AnswerStep, type PlannedRequest } from './cooperation.js';
import type { Prng } from './prng.js';
import { BEHAVIOURS, type Behaviour, type ProfileName } from './profiles.js';
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
  /** Requests for assistance this team made, was asked, answered (a first answer) and fulfilled. */
  requestsSent: number;
  requestsAsked: number;
  requestsAnswered: number;
  requestsFulfilled: number;
  /** Communications checks this team's analyst confirmed. */
  comchecksConfirmed: number;
  /** Planned actions dropped because the exercise ended first. */
  cutOff: number;
}

export function emptyStats(): BotStats {
  return {
    received: 0,
    acknowledged: 0,
    reportsSent: 0,
    earlyWarnings: 0,
    reportsRejected: 0,
    decoysSent: 0,
    requestsSent: 0,
    requestsAsked: 0,
    requestsAnswered: 0,
    requestsFulfilled: 0,
    comchecksConfirmed: 0,
    cutOff: 0,
  };
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
 * The wall time an event happened, from the server's ISO stamp; a stamp in the future or long past (another host's
 * clock, a replay) falls back to now.
 */
function wallBase(iso: string, now: number): number {
  const t = Date.parse(iso);
  return Number.isFinite(t) && t <= now && now - t < 10_000 ? t : now;
}

/**
 * One simulated team: a real socket.io client of /drill that confirms every delivery, then acknowledges and
 * reports on each inject as its profile dictates, answers (and makes) requests for assistance and confirms drill
 * control's communications check, on wall-clock timers scaled by the exercise speed.
 */
export class Bot {
  readonly stats: BotStats = emptyStats();
  private socket?: DrillClientSocket;
  /** REST, as the team's analyst, for requests for assistance (the socket has no event for them). */
  private readonly api: DrillApi;
  // Streams of their own, forked before any use, so that cooperating does not change which reports a seed gives;
  // each decision forks again by a label that does not depend on arrival order.
  private readonly askRng: Prng;
  private readonly answerRng: Prng;
  private readonly comcheckRng: Prng;
  /** Requests asked of this team that it has planned answers for, and communications checks it has seen. */
  private readonly askedIds = new Set<string>();
  private readonly comcheckIds = new Set<string>();
  /** The server has no requests for assistance (an older version): stop asking after telling the operator once. */
  private noAssistance = false;
  private connectedOnce = false;
  /** Set at ENDEX: nothing new is planned after it. */
  private closed = false;
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
    this.api = new DrillApi(opts.url, team.token);
    this.askRng = opts.rng.fork('assistance.ask');
    this.answerRng = opts.rng.fork('assistance.answer');
    this.comcheckRng = opts.rng.fork('comcheck');
  }

  private get behaviour(): Behaviour {
    return this.team.behaviour ?? BEHAVIOURS[this.team.profile];
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
    socket.on('comcheck', (check, reached) => {
      reached(); // the console got it; the analyst confirming is `comcheck.confirm`, later (or never)
      this.onComcheck(check);
    });
    socket.on('assistance.request', (request) => this.onRequest(request));
    // Requests are not replayed on reconnect as injects are: look for those asked while we were away.
    socket.on('connect', () => {
      if (this.connectedOnce) this.catchUpRequests().catch((e: unknown) => this.problem((e as Error).message));
      this.connectedOnce = true;
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
    // Delays count from the release, as the scoring does, not from when the socket got round to us.
    const now = Date.now();
    const base = wallBase(msg.releasedAt, now);
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
    if (this.noAssistance) return;
    const ask = planRequest({
      cooperation: this.behaviour.cooperation,
      inject,
      rng: this.askRng.fork(inject.id),
      team: { code: this.team.code },
      exerciseCodes: this.opts.exerciseCodes,
      iocs: plan.reports.flatMap((r) => r.body.iocs ?? []),
      targets: this.opts.scenario.cooperation ?? DEFAULT_COOPERATION,
      releasedAtMin: parseScenarioTime(msg.scenarioTime),
      plannedEndMin: this.opts.scenario.plannedDurationMinutes,
    });
    if (ask) this.later(wait(ask.at), () => this.ask(ask));
  }

  private onRequest(request: AssistanceRequestView): void {
    if (this.stopped || request.to.teamId !== this.team.id || request.status !== 'open') return;
    if (this.askedIds.has(request.id)) return;
    this.askedIds.add(request.id);
    this.stats.requestsAsked++;
    const key = request.scripted && request.injectId ? this.injects.get(request.injectId)?.assistance : undefined;
    const { steps } = planAnswer({
      cooperation: this.behaviour.cooperation,
      request,
      ...(key ? { key } : {}),
      rng: this.answerRng.fork(`${request.from.code}|${request.injectId ?? ''}|${request.kind}`),
      team: { code: this.team.code },
      requestedAtMin: parseScenarioTime(request.requestedScenarioTime),
      plannedEndMin: this.opts.scenario.plannedDurationMinutes,
    });
    this.answerInTurn(request.id, steps, 0, wallBase(request.requestedAt, Date.now()));
  }

  /** Each answer is planned once the one before has gone: at ×speed their timers can fire closer than a round trip. */
  private answerInTurn(requestId: string, steps: readonly AnswerStep[], n: number, base: number): void {
    const step = steps[n];
    if (!step) return;
    this.later(base + step.at * this.msPerScenarioMinute - Date.now(), async () => {
      await this.answer(requestId, step, n === 0);
      this.answerInTurn(requestId, steps, n + 1, base);
    });
  }

  private async catchUpRequests(): Promise<void> {
    if (this.noAssistance || this.stopped) return;
    const all = await this.api.get<AssistanceRequestView[]>(`/api/exercises/${this.opts.exerciseId}/assistance`);
    for (const r of all) this.onRequest(r);
  }

  private onComcheck(check: ComcheckPayload): void {
    if (this.stopped || this.comcheckIds.has(check.comcheckId)) return;
    this.comcheckIds.add(check.comcheckId);
    const delay = planConfirmation(this.behaviour.cooperation, this.comcheckRng.fork(String(this.comcheckIds.size)));
    if (delay === undefined) return;
    const now = Date.now();
    const base = wallBase(check.sentAt, now);
    this.later(base + delay * this.msPerScenarioMinute - now, () => this.confirmComcheck(check.comcheckId));
  }

  private problem(message: string): void {
    this.opts.onProblem(this.team.code, message);
  }

  private later(ms: number, fn: () => Promise<void>): void {
    if (this.closed) {
      this.stats.cutOff++;
      return;
    }
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

  private async ask(planned: PlannedRequest): Promise<void> {
    if (this.noAssistance) return;
    try {
      await this.api.post<AssistanceRequestView>(`/api/exercises/${this.opts.exerciseId}/assistance`, planned.body);
      this.stats.requestsSent++;
    } catch (e) {
      // Nest's own 404 for a route it does not have, as opposed to ours naming what was not found.
      if (e instanceof ApiError && e.status === 404 && /Cannot POST/.test(e.message)) {
        this.noAssistance = true;
        this.problem('this server has no requests for assistance (POST …/assistance); the bot asks for none');
        return;
      }
      throw new Error(
        `request for assistance on ${planned.body.injectId} to ${planned.body.to}: ${(e as Error).message}`,
        {
          cause: e,
        },
      );
    }
  }

  private async answer(requestId: string, step: AnswerStep, first: boolean): Promise<void> {
    await this.api.post<AssistanceRequestView>(
      `/api/exercises/${this.opts.exerciseId}/assistance/${requestId}/respond`,
      { status: step.status, text: step.text },
    );
    if (first) this.stats.requestsAnswered++;
    if (step.status === 'fulfilled') this.stats.requestsFulfilled++;
  }

  private async confirmComcheck(comcheckId: string): Promise<void> {
    const r = await this.socket!.timeout(10_000).emitWithAck('comcheck.confirm', { comcheckId });
    if (r.ok) {
      if (r.firstConfirmation) this.stats.comchecksConfirmed++;
    } else this.problem(`comcheck.confirm ${comcheckId} refused: ${errorText(r.error)}`);
  }

  /** Drops every action still planned (ENDEX), and plans nothing more. */
  cancelPending(): void {
    this.closed = true;
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
