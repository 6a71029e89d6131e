import { Logger } from '@nestjs/common';
import {
  type OnGatewayConnection,
  type OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
  ConnectedSocket,
  MessageBody,
} from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import { isControl, type Principal } from '@drill/auth';
import { canSeeReport, type IsmReport } from '@drill/ism';
import { AuthService } from '../auth/auth.service.js';
import { ExerciseRuntime, statePayload } from './exercise-runtime.js';
import { ExercisesService } from './exercises.service.js';
import { controlRoom, exerciseRoom, LiveChannel, scoresRoom, teamRoom, type InjectPayload } from './live-channel.js';
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

@WebSocketGateway({ namespace: '/drill', cors: { origin: true } })
export class DrillGateway implements OnGatewayInit, OnGatewayConnection {
  private readonly log = new Logger('gateway');
  private ns!: Namespace;
  /** Per-socket queue: replay and live pushes to one socket never interleave. */
  private readonly perSocket = new KeyedMutex();
  /** Deliveries whose receipt this process has already recorded (bounded: cleared when large). */
  private readonly receipted = new Set<string>();

  constructor(
    private readonly auth: AuthService,
    private readonly exercises: ExercisesService,
    private readonly runtime: ExerciseRuntime,
    private readonly live: LiveChannel,
  ) {}

  afterInit(ns: Namespace): void {
    this.ns = ns;
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
  }

  /** Handshake `auth: {token, exerciseId, lastSeq?}`; a refusal reaches the client as connect_error. */
  private async authenticate(socket: DrillSocket): Promise<void> {
    const { token, exerciseId, lastSeq } = (socket.handshake.auth ?? {}) as {
      token?: unknown;
      exerciseId?: unknown;
      lastSeq?: unknown;
    };
    if (typeof token !== 'string' || !token) throw new Error('unauthorized: handshake auth.token is missing');
    const principal = await this.auth.principalForToken(token);
    if (!principal) throw new Error('unauthorized: invalid token');
    if (typeof exerciseId !== 'string' || !exerciseId) throw new Error('bad handshake: auth.exerciseId is missing');
    if (lastSeq !== undefined && lastSeq !== null && (!Number.isInteger(lastSeq) || (lastSeq as number) < 0)) {
      throw new Error('bad handshake: auth.lastSeq must be a non-negative integer');
    }
    try {
      await this.exercises.forViewer(exerciseId, principal);
    } catch (e) {
      throw new Error(`forbidden: ${(e as Error).message}`, { cause: e });
    }
    socket.data = { principal, exerciseId, sentSeq: (lastSeq as number | undefined) ?? 0 };
  }

  async handleConnection(socket: DrillSocket): Promise<void> {
    const { principal, exerciseId } = socket.data;
    if (!principal) return;
    await socket.join(exerciseRoom(exerciseId));
    if (isControl(principal.role)) await socket.join(controlRoom(exerciseId));
    if (principal.role === 'controller' || principal.role === 'evaluator') await socket.join(scoresRoom(exerciseId));
    else await socket.join(teamRoom(exerciseId, principal.teamId!));
    const ex = await this.runtime.load(exerciseId);
    socket.emit('exercise.state', statePayload(ex));
    if (principal.teamId && !isControl(principal.role)) await this.perSocket.run(socket.id, () => this.catchUp(socket));
  }

  /** Sends, in seq order, every delivery of the socket's team after what it has (reconnect replay). */
  private async catchUp(socket: DrillSocket): Promise<void> {
    const { exerciseId, principal } = socket.data;
    const missed = await this.exercises.releasedTo(exerciseId, principal.teamId!, socket.data.sentSeq);
    for (const p of missed) this.send(socket, p);
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
    const changed = await this.runtime.acknowledge(exerciseId, principal.teamId, body.injectId, principal.userId);
    return { ok: true, firstAcknowledgement: changed };
  }
}
