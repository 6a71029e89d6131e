import { Inject, Logger, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  type OnGatewayConnection,
  type OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
  ConnectedSocket,
  MessageBody,
} from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import { In, type DataSource } from 'typeorm';
import { isControl, type Principal } from '@drill/auth';
import { DrillError, RateLimited } from '@drill/contracts';
import { canSeeReport, type IsmReport } from '@drill/ism';
import { ExerciseTeamEntity } from '@drill/persistence';
import { AuthService } from '../auth/auth.service.js';
import { toErrorBody } from '../common/error-filter.js';
import { credentialParamIn } from '../common/http-hardening.js';
import { DRILL_CONFIG } from '../config/config.module.js';
import type { DrillConfig } from '../config/drill-config.js';
import { ExerciseRuntime, statePayload } from './exercise-runtime.js';
import { ExercisesService } from './exercises.service.js';
import {
  controlRoom,
  exerciseRoom,
  LiveChannel,
  scoresRoom,
  teamRoom,
  tokenRoom,
  type InjectPayload,
} from './live-channel.js';
import { KeyedMutex } from './mutex.js';

interface SocketData {
  principal: Principal;
  exerciseId: string;
  /** Highest seq sent to this socket: a delivery is sent once, in order, whatever path announces it. */
  sentSeq: number;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the wire events are typed by their payload interfaces
type DrillSocket = Socket<any, any, any, SocketData>;

const ACK_TIMEOUT_MS = 30_000;

/**
 * The client's address for sign-in limits. Behind a trusted reverse proxy (TRUST_PROXY) that is the address the
 * proxy appended last to X-Forwarded-For, as Express takes it for HTTP with one proxy hop.
 */
function clientAddress(socket: DrillSocket, trustProxy: string | undefined): string {
  const forwarded = socket.handshake.headers['x-forwarded-for'];
  if (trustProxy && typeof forwarded === 'string') {
    const last = forwarded.split(',').at(-1)?.trim();
    if (last) return last;
  }
  return socket.handshake.address;
}

@WebSocketGateway({ namespace: '/drill' })
export class DrillGateway implements OnGatewayInit, OnGatewayConnection, OnModuleDestroy {
  private readonly log = new Logger('gateway');
  private ns!: Namespace;
  /** Per-socket queue: replay and live pushes to one socket never interleave. */
  private readonly perSocket = new KeyedMutex();
  /** Deliveries whose receipt this process has already recorded (bounded: cleared when large). */
  private readonly receipted = new Set<string>();
  private resyncTimer?: NodeJS.Timeout;
  /** The resync pass under way, if any: passes never overlap, and shutdown waits for it. */
  private resyncing?: Promise<void>;

  constructor(
    private readonly auth: AuthService,
    private readonly exercises: ExercisesService,
    private readonly runtime: ExerciseRuntime,
    private readonly live: LiveChannel,
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(DRILL_CONFIG) private readonly config: DrillConfig,
  ) {}

  afterInit(ns: Namespace): void {
    this.ns = ns;
    // Through the adapter, so that a revocation on one replica closes the token's sockets on all of them.
    this.auth.onRevoke((tokenIds) => {
      for (const id of tokenIds) {
        ns.in(tokenRoom(id)).emit('session.ended', { reason: 'token revoked' });
        ns.in(tokenRoom(id)).disconnectSockets(true);
      }
    });
    this.live.attach(ns, {
      release: (exerciseId, teamId, payload) => this.deliverLocally(exerciseId, teamId, payload),
      report: (exerciseId, report, teamIds, view) => this.pushReportLocally(exerciseId, report, teamIds, view),
    });
    ns.use((socket, next) => {
      this.authenticate(socket as DrillSocket).then(
        () => next(),
        (e: unknown) => next(new Error(e instanceof Error ? e.message : String(e))),
      );
    });
    clearInterval(this.resyncTimer);
    this.resyncTimer = setInterval(() => this.resyncPass(), this.config.resyncIntervalMs);
    this.resyncTimer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.resyncTimer);
    this.resyncTimer = undefined;
    await this.resyncing; // before the database closes under it
  }

  /** Handshake `auth: {token, exerciseId, lastSeq?}`; a refusal reaches the client as connect_error. */
  private async authenticate(socket: DrillSocket): Promise<void> {
    const { token, exerciseId, lastSeq } = (socket.handshake.auth ?? {}) as {
      token?: unknown;
      exerciseId?: unknown;
      lastSeq?: unknown;
    };
    // The same parameters HTTP refuses (one list, in http-hardening.ts).
    if (credentialParamIn(socket.handshake.url))
      throw new Error(
        'refused: a token in the URL ends up in logs and browser history; send it as handshake auth.token',
      );
    if (typeof token !== 'string' || !token) throw new Error('unauthorized: handshake auth.token is missing');
    let principal: Principal;
    try {
      principal = await this.auth.signIn(token, clientAddress(socket, this.config.trustProxy));
    } catch (e) {
      if (e instanceof RateLimited) throw new Error(`rate-limited: ${e.message}`, { cause: e });
      throw new Error(`unauthorized: ${(e as Error).message}`, { cause: e });
    }
    if (typeof exerciseId !== 'string' || !exerciseId) throw new Error('bad handshake: auth.exerciseId is missing');
    if (lastSeq !== undefined && lastSeq !== null && (!Number.isInteger(lastSeq) || (lastSeq as number) < 0)) {
      throw new Error('bad handshake: auth.lastSeq must be a non-negative integer');
    }
    try {
      await this.exercises.forViewer(exerciseId, principal);
    } catch (e) {
      throw new Error(`forbidden: ${(e as Error).message}`, { cause: e });
    }
    socket.data = { principal, exerciseId, sentSeq: await this.clampSeq(exerciseId, principal, lastSeq as number) };
  }

  /**
   * `send` drops every delivery at or below `sentSeq`, so a claim beyond the team's last sequence number (a console
   * restored from an earlier drill, a database restored from backup) would silently drop every push up to it. The
   * team's `lastSeq` is read after the claim arrives and before the socket joins its team room: whatever is released
   * in between comes with the catch-up of `handleConnection`.
   */
  private async clampSeq(exerciseId: string, principal: Principal, claimed: number | undefined): Promise<number> {
    if (!claimed || !principal.teamId || isControl(principal.role)) return claimed ?? 0;
    const team = await this.ds
      .getRepository(ExerciseTeamEntity)
      .findOne({ select: { lastSeq: true }, where: { exerciseId, teamId: principal.teamId } });
    return Math.min(claimed, team?.lastSeq ?? 0);
  }

  async handleConnection(socket: DrillSocket): Promise<void> {
    const { principal, exerciseId } = socket.data;
    if (!principal) return;
    await socket.join(exerciseRoom(exerciseId));
    if (principal.tokenId) await socket.join(tokenRoom(principal.tokenId));
    this.endAtExpiry(socket, principal.tokenExpiresAt ?? null);
    if (isControl(principal.role)) await socket.join(controlRoom(exerciseId));
    if (principal.role === 'controller' || principal.role === 'evaluator') await socket.join(scoresRoom(exerciseId));
    else await socket.join(teamRoom(exerciseId, principal.teamId!));
    const ex = await this.runtime.load(exerciseId);
    socket.emit('exercise.state', statePayload(ex, this.runtime.now()));
    if (principal.teamId && !isControl(principal.role)) await this.perSocket.run(socket.id, () => this.catchUp(socket));
  }

  /** A socket lives no longer than its token: it is told why and closed when the token expires. */
  private endAtExpiry(socket: DrillSocket, expiresAt: number | null): void {
    if (expiresAt === null) return;
    // setTimeout holds at most 2^31-1 ms (24.8 days); a later expiry re-arms when that runs out.
    const wait = Math.min(Math.max(0, expiresAt - Date.now()), 2 ** 31 - 1);
    const timer = setTimeout(() => {
      if (Date.now() < expiresAt) return this.endAtExpiry(socket, expiresAt);
      socket.emit('session.ended', { reason: 'token expired' });
      socket.disconnect(true);
    }, wait);
    timer.unref();
    socket.once('disconnect', () => clearTimeout(timer));
  }

  /**
   * Sends, in seq order, every delivery of the socket's team after what it has (reconnect replay). `missed`, when
   * given, was read for the team from a seq at or below this socket's: `send` skips what the socket already has.
   */
  private async catchUp(socket: DrillSocket, missed?: InjectPayload[]): Promise<void> {
    const { exerciseId, principal } = socket.data;
    missed ??= await this.exercises.releasedTo(exerciseId, principal.teamId!, socket.data.sentSeq);
    for (const p of missed) this.send(socket, p);
  }

  private resyncPass(): void {
    if (this.resyncing) return; // a pass slower than the interval is not overlapped by the next
    this.resyncing = this.resync()
      .catch((e: unknown) => this.log.error(e as Error))
      .finally(() => (this.resyncing = undefined));
  }

  /**
   * Why: the live path is at most once. The releasing replica announces a delivery only after its commit, and the
   * announcement reaches other replicas as a Redis pub/sub message; if that replica dies between commit and
   * announcement, or the message is lost, a team socket on another replica gets seq N only when a later seq opens
   * the gap (`deliverLocally`) or on reconnect, and never when N was the team's last inject. The database is the
   * truth: every `resyncIntervalMs` (DRILL_RESYNC_INTERVAL_MS) this replica reads, in one query, the `lastSeq` of the
   * exercises its team sockets follow, and sends each socket that is behind its team what it missed, through the
   * same per-socket queue as live pushes and with one catch-up read per team that is behind. So a committed delivery
   * reaches every connected socket of its team within one interval plus that query and the catch-up read (longer
   * only if a pass outlasts the interval: passes never overlap). Cost: nothing while this replica has no team
   * socket; otherwise one primary-key query per interval, and catch-up reads only for teams actually behind.
   */
  private async resync(): Promise<void> {
    const sockets: DrillSocket[] = [];
    for (const s of this.ns?.sockets.values() ?? []) {
      const socket = s as DrillSocket;
      const p = socket.data?.principal;
      if (p?.teamId && !isControl(p.role)) sockets.push(socket);
    }
    if (!sockets.length) return;
    const exerciseIds = [...new Set(sockets.map((s) => s.data.exerciseId))];
    const rows = await this.ds.getRepository(ExerciseTeamEntity).find({
      select: { exerciseId: true, teamId: true, lastSeq: true },
      where: { exerciseId: In(exerciseIds) },
    });
    const lastSeq = new Map(rows.map((r) => [`${r.exerciseId}/${r.teamId}`, r.lastSeq]));
    const behind = new Map<string, DrillSocket[]>();
    for (const socket of sockets) {
      const key = `${socket.data.exerciseId}/${socket.data.principal.teamId}`;
      if (socket.data.sentSeq >= (lastSeq.get(key) ?? 0)) continue;
      const team = behind.get(key);
      if (team) team.push(socket);
      else behind.set(key, [socket]);
    }
    const passes = [...behind.values()].map(async (team) => {
      const { exerciseId, principal } = team[0]!.data;
      const from = team.reduce((min, s) => Math.min(min, s.data.sentSeq), Infinity);
      const missed = await this.exercises.releasedTo(exerciseId, principal.teamId!, from);
      await Promise.all(team.map((socket) => this.perSocket.run(socket.id, () => this.catchUp(socket, missed))));
    });
    for (const r of await Promise.allSettled(passes)) if (r.status === 'rejected') this.log.error(r.reason as Error);
  }

  private send(socket: DrillSocket, payload: InjectPayload): void {
    if (payload.seq <= socket.data.sentSeq) return;
    socket.data.sentSeq = payload.seq;
    const teamId = socket.data.principal.teamId!;
    const {
      exerciseId,
      injectId,
      seq,
      title,
      body,
      artefacts,
      severity,
      tlp,
      responseRequired,
      targetMinutes,
      deadlineMinutes,
      releasedAt,
      scenarioTime,
    } = payload;
    const wire = {
      exerciseId,
      injectId,
      seq,
      title,
      body,
      artefacts,
      severity,
      tlp,
      responseRequired,
      targetMinutes,
      deadlineMinutes,
      releasedAt,
      scenarioTime,
    };
    socket.timeout(ACK_TIMEOUT_MS).emit('inject', wire, (err: Error | null) => {
      if (err) return; // no receipt: it stays released-but-undelivered, and replays on reconnect
      // Only the first receipt of a delivery counts, and every analyst's console acks it: past the first one in this
      // process, skip the database round trip (with 100 analysts a team that is 99 no-op UPDATEs per inject).
      const key = `${exerciseId}/${teamId}/${injectId}`;
      if (this.receipted.has(key)) return;
      if (this.receipted.size >= 100_000) this.receipted.clear();
      this.receipted.add(key);
      this.runtime.markDelivered(exerciseId, teamId, injectId, Date.now()).catch((e: unknown) => {
        this.receipted.delete(key);
        this.log.error(e as Error);
      });
    });
  }

  /** Called on every replica when a delivery is released: send it to this replica's sockets of the team. */
  private deliverLocally(exerciseId: string, teamId: string, payload: InjectPayload): void {
    const ids = this.ns?.adapter.rooms.get(teamRoom(exerciseId, teamId));
    for (const id of ids ?? []) {
      const socket = this.ns.sockets.get(id) as DrillSocket | undefined;
      if (!socket) continue;
      void this.perSocket.run(socket.id, async () => {
        if (payload.seq === socket.data.sentSeq + 1) this.send(socket, payload);
        else if (payload.seq > socket.data.sentSeq) await this.catchUp(socket); // a gap: fetch what is missing, in order
      });
    }
  }

  /** TLP decides per socket: only viewers the report's label and recipients open it to receive it. */
  private pushReportLocally(exerciseId: string, report: IsmReport, exerciseTeamIds: string[], view: unknown): void {
    for (const id of this.ns?.adapter.rooms.get(exerciseRoom(exerciseId)) ?? []) {
      const socket = this.ns.sockets.get(id) as DrillSocket | undefined;
      const p = socket?.data.principal;
      if (!socket || !p) continue;
      if (canSeeReport(report, { userId: p.userId, role: p.role, teamId: p.teamId }, { exerciseTeamIds }))
        socket.emit('ism.report', view);
    }
  }

  @SubscribeMessage('inject.ack')
  async onAck(@ConnectedSocket() socket: DrillSocket, @MessageBody() body: { injectId?: unknown }) {
    const { principal, exerciseId } = socket.data;
    if (!principal.teamId || isControl(principal.role)) return { error: 'only participants acknowledge injects' };
    if (typeof body?.injectId !== 'string') return { error: 'injectId is required' };
    try {
      const changed = await this.runtime.acknowledge(exerciseId, principal.teamId, body.injectId, principal.userId);
      return { ok: true, firstAcknowledgement: changed };
    } catch (e) {
      if (e instanceof DrillError) return { error: toErrorBody(e) };
      throw e;
    }
  }
}
