import { BadRequestException, Inject, Logger, UseFilters, type OnModuleDestroy } from '@nestjs/common';
import {
  type OnGatewayConnection,
  type OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
  ConnectedSocket,
  MessageBody,
} from '@nestjs/websockets';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { isControl, type Principal } from '@drill/auth';
import {
  DRILL_NAMESPACE,
  Forbidden,
  RateLimited,
  Unauthenticated,
  type ErrorBody,
  type FieldProblem,
  type HandshakeAuth,
  type HandshakeWarning,
  type InjectAckReply,
} from '@drill/contracts';
import { AuthService } from '../auth/auth.service.js';
import { badRequest, toErrorBody } from '../common/error-filter.js';
import { credentialParamIn } from '../common/http-hardening.js';
import { validateDto } from '../common/validation.js';
import { DrillWsExceptionFilter } from '../common/ws-error-filter.js';
import { DRILL_CONFIG } from '../config/config.module.js';
import type { DrillConfig } from '../config/drill-config.js';
import { ExerciseRepository, teamSeqKey } from './exercise.repository.js';
import { ExerciseRuntime, statePayload } from './exercise-runtime.js';
import { ExercisesService } from './exercises.service.js';
import {
  controlRoom,
  exerciseRoom,
  LiveChannel,
  scoresRoom,
  teamRoom,
  tokenRoom,
  userRoom,
  type DrillNamespace,
  type DrillSocket,
  type InjectPayload,
} from './live-channel.js';
import { KeyedMutex } from './mutex.js';

/** `inject.ack`'s body: the same checks as a REST body (unknown fields refused, types, lengths). */
class InjectAckDto {
  // An inject id is a scenario's localId: at most 64 characters.
  @IsString() @IsNotEmpty() @MaxLength(64) injectId!: string;
}

/**
 * A refused handshake, as socket.io hands it to the client's `connect_error`: the message keeps the prefix consoles
 * read (`unauthorized`, `forbidden`: stop retrying), and `data` is the REST error body.
 */
class HandshakeRefused extends Error {
  constructor(
    prefix: string,
    readonly data: ErrorBody,
  ) {
    super(`${prefix}: ${data.message}`);
  }
}

const badHandshake = (path: string, message: string, problem: string) =>
  new BadRequestException({ message, details: [{ path, message: problem }] satisfies FieldProblem[] });

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

@WebSocketGateway({ namespace: DRILL_NAMESPACE })
@UseFilters(DrillWsExceptionFilter)
export class DrillGateway implements OnGatewayInit, OnGatewayConnection, OnModuleDestroy {
  private readonly log = new Logger('gateway');
  private ns!: DrillNamespace;
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
    private readonly exerciseRepository: ExerciseRepository,
    @Inject(DRILL_CONFIG) private readonly config: DrillConfig,
  ) {}

  afterInit(ns: DrillNamespace): void {
    this.ns = ns;
    // Through the adapter, so that a revocation on one replica closes the token's sockets on all of them.
    this.auth.onRevoke((tokenIds) => {
      for (const id of tokenIds) {
        ns.in(tokenRoom(id)).emit('session.ended', { reason: 'token revoked' });
        ns.in(tokenRoom(id)).disconnectSockets(true);
      }
    });
    this.live.attach(ns, {
      release: (exerciseId, teamId, payloads) => this.deliverLocally(exerciseId, teamId, payloads),
    });
    ns.use((socket, next) => {
      this.authenticate(socket).then(
        () => next(),
        (e: unknown) => next(e instanceof HandshakeRefused ? e : this.refusal('server error', e)),
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

  /** The error body of `e` under `prefix`; an unexpected error is logged, and refused as the server's fault. */
  private refusal(prefix: string, e: unknown): HandshakeRefused {
    const body = toErrorBody(e);
    if (body.statusCode < 500) return new HandshakeRefused(prefix, body);
    this.log.error(e instanceof Error ? e : String(e));
    return new HandshakeRefused('server error', body);
  }

  /** Handshake `auth: {token, exerciseId, lastSeq?}`; a refusal reaches the client as connect_error. */
  private async authenticate(socket: DrillSocket): Promise<void> {
    const { token, exerciseId, lastSeq } = (socket.handshake.auth ?? {}) as {
      [K in keyof HandshakeAuth]?: unknown;
    };
    // The same parameters HTTP refuses (one list, in http-hardening.ts).
    const param = credentialParamIn(socket.handshake.url);
    if (param)
      throw this.refusal(
        'refused',
        badHandshake(
          `/query/${param}`,
          'a token in the URL ends up in logs and browser history; send it as handshake auth.token',
          'credentials are not accepted in the URL',
        ),
      );
    if (typeof token !== 'string' || !token)
      throw this.refusal(
        'unauthorized',
        new Unauthenticated('handshake auth.token is missing', [{ path: '/auth/token', message: 'is required' }]),
      );
    let principal: Principal;
    try {
      principal = await this.auth.signIn(token, clientAddress(socket, this.config.trustProxy));
    } catch (e) {
      throw this.refusal(e instanceof RateLimited ? 'rate-limited' : 'unauthorized', e);
    }
    if (typeof exerciseId !== 'string' || !exerciseId)
      throw this.refusal(
        'bad handshake',
        badHandshake('/auth/exerciseId', 'auth.exerciseId is missing', 'is required'),
      );
    if (lastSeq !== undefined && lastSeq !== null && (!Number.isInteger(lastSeq) || (lastSeq as number) < 0)) {
      throw this.refusal(
        'bad handshake',
        badHandshake('/auth/lastSeq', 'auth.lastSeq must be a non-negative integer', 'must be a non-negative integer'),
      );
    }
    try {
      await this.exercises.forViewer(exerciseId, principal);
    } catch (e) {
      throw this.refusal('forbidden', e);
    }
    const claimed = (lastSeq ?? undefined) as number | undefined;
    const sentSeq = await this.clampSeq(exerciseId, principal, claimed);
    socket.data = {
      principal,
      exerciseId,
      sentSeq,
      ...(claimed !== undefined && claimed > sentSeq ? { claimedSeq: claimed } : {}),
    };
  }

  /**
   * `send` drops every delivery at or below `sentSeq`, so a claim beyond the team's last sequence number (a console
   * restored from an earlier drill, a database restored from backup) would silently drop every push up to it. The
   * team's `lastSeq` is read after the claim arrives and before the socket joins its team room: whatever is released
   * in between comes with the catch-up of `handleConnection`. The claim is not refused: the wire contract replays
   * "the deliveries with a higher seq", and a console that cannot reconnect would miss everything that follows; it is
   * told instead (`handshake.warning`), so it can drop what it holds beyond the team's sequence.
   */
  private async clampSeq(exerciseId: string, principal: Principal, claimed: number | undefined): Promise<number> {
    if (!claimed || !principal.teamId || isControl(principal.role)) return claimed ?? 0;
    return Math.min(claimed, await this.exerciseRepository.lastSeqOf(exerciseId, principal.teamId));
  }

  /** What a console learns when its `lastSeq` was past its team's: the number the server went by instead. */
  private lastSeqWarning(claimed: number, teamLastSeq: number): HandshakeWarning {
    const problem = `${claimed} is past the team's last sequence number, ${teamLastSeq}`;
    return {
      message: `auth.lastSeq ${problem}: nothing is replayed, injects from seq ${teamLastSeq + 1} on are sent`,
      details: [{ path: '/auth/lastSeq', message: problem }],
      lastSeq: teamLastSeq,
    };
  }

  async handleConnection(socket: DrillSocket): Promise<void> {
    const { principal, exerciseId } = socket.data;
    if (!principal) return;
    // The HTTP request of the handshake is read only by the handshake (token, address): engine.io would keep it, with
    // its parser state, for the socket's whole life. socket.io's memory tip; `npm run bench -- memory` measures it.
    (socket.conn as { request: unknown }).request = null;
    await socket.join(exerciseRoom(exerciseId));
    if (principal.tokenId) await socket.join(tokenRoom(principal.tokenId));
    await socket.join(userRoom(exerciseId, principal.userId)); // ISM reports that name this person (TLP audience)
    this.endAtExpiry(socket, principal.tokenExpiresAt ?? null);
    if (isControl(principal.role)) await socket.join(controlRoom(exerciseId));
    if (principal.role === 'controller' || principal.role === 'evaluator') await socket.join(scoresRoom(exerciseId));
    else await socket.join(teamRoom(exerciseId, principal.teamId!));
    const ex = await this.runtime.load(exerciseId);
    socket.emit('exercise.state', statePayload(ex, this.runtime.now()));
    const { claimedSeq, sentSeq } = socket.data;
    if (claimedSeq !== undefined) socket.emit('handshake.warning', this.lastSeqWarning(claimedSeq, sentSeq));
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
    for (const socket of this.ns?.sockets.values() ?? []) {
      const p = socket.data?.principal;
      if (p?.teamId && !isControl(p.role)) sockets.push(socket);
    }
    if (!sockets.length) return;
    const exerciseIds = [...new Set(sockets.map((s) => s.data.exerciseId))];
    const lastSeq = await this.exerciseRepository.lastSeqs(exerciseIds);
    const behind = new Map<string, DrillSocket[]>();
    for (const socket of sockets) {
      const key = teamSeqKey(socket.data.exerciseId, socket.data.principal.teamId!);
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
      releasedScenarioMs,
      deadlineScenarioMs,
      from,
    } = payload;
    const wire: InjectPayload = {
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
      releasedScenarioMs,
      deadlineScenarioMs,
      from,
    };
    socket.timeout(ACK_TIMEOUT_MS).emit('inject', wire, (err) => {
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

  /**
   * Called on every replica when deliveries are released (one batch of a team, in seq order): send them to this
   * replica's sockets of the team, one `inject` event each.
   */
  private deliverLocally(exerciseId: string, teamId: string, payloads: InjectPayload[]): void {
    const ids = this.ns?.adapter.rooms.get(teamRoom(exerciseId, teamId));
    for (const id of ids ?? []) {
      const socket = this.ns.sockets.get(id);
      if (!socket) continue;
      void this.perSocket.run(socket.id, async () => {
        for (const payload of payloads) {
          if (payload.seq === socket.data.sentSeq + 1) this.send(socket, payload);
          // A gap: fetch what is missing, in order (the rest of the batch with it).
          else if (payload.seq > socket.data.sentSeq) return this.catchUp(socket);
        }
      });
    }
  }

  /**
   * A person on the team acknowledged an inject. Refusals come back as `{error}` with the REST body (through
   * DrillWsExceptionFilter): 403 for drill control, 400 for a malformed body, 404 for an inject the scenario does
   * not have or that was not released to the team, 409 once the exercise has ended.
   */
  @SubscribeMessage('inject.ack')
  async onAck(@ConnectedSocket() socket: DrillSocket, @MessageBody() body: unknown): Promise<InjectAckReply> {
    const { principal, exerciseId } = socket.data;
    if (!principal.teamId || isControl(principal.role)) throw new Forbidden('only participants acknowledge injects');
    const { value, problems } = await validateDto(InjectAckDto, body);
    if (!value) throw badRequest(problems);
    const first = await this.runtime.acknowledge(exerciseId, principal.teamId, value.injectId, principal.userId);
    return { ok: true, firstAcknowledgement: first };
  }
}
