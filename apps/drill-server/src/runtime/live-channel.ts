import { Inject, Injectable } from '@nestjs/common';
import type { Namespace, Socket } from 'socket.io';
import type { Principal } from '@drill/auth';
import type {
  ClientToServerEvents,
  ExerciseStatePayload,
  InjectPayload,
  IsmReportView,
  ServerToClientEvents,
} from '@drill/contracts';
import type { ReportAudience } from '@drill/ism';
import { DRILL_CONFIG } from '../config/config.module.js';
import type { DrillConfig } from '../config/drill-config.js';

// The wire types live in the contract; re-exported for the server files that took them from here.
export type { ExerciseStatePayload, InjectPayload };

/** What the handshake leaves on a socket of /drill. */
export interface SocketData {
  principal: Principal;
  exerciseId: string;
  /** Highest seq sent to this socket: a delivery is sent once, in order, whatever path announces it. */
  sentSeq: number;
  /** The handshake's `lastSeq` when it was past the team's last sequence number (told once connected). */
  claimedSeq?: number;
}

/** Messages between replicas (socket.io `serverSideEmit`), never seen by clients. */
export interface InterReplicaEvents {
  'drill:release': (exerciseId: string, teamId: string, payloads: InjectPayload[]) => void;
}

export type DrillNamespace = Namespace<ClientToServerEvents, ServerToClientEvents, InterReplicaEvents, SocketData>;
export type DrillSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterReplicaEvents, SocketData>;

/** A server → client event's payload (its first argument). */
export type EventPayload<E extends keyof ServerToClientEvents> = Parameters<ServerToClientEvents[E]>[0];

export const exerciseRoom = (exerciseId: string) => `ex:${exerciseId}`;
export const teamRoom = (exerciseId: string, teamId: string) => `ex:${exerciseId}:team:${teamId}`;
export const controlRoom = (exerciseId: string) => `ex:${exerciseId}:control`;
/** Every socket of one person in the exercise: ISM reports that name them (or that they wrote) reach them here. */
export const userRoom = (exerciseId: string, userId: string) => `ex:${exerciseId}:user:${userId}`;
/** Controllers and evaluators only: observers watch the drill but do not read scores. */
export const scoresRoom = (exerciseId: string) => `ex:${exerciseId}:scores`;
/** Every socket opened with one token: a revocation closes them all, on every replica. */
export const tokenRoom = (tokenId: string) => `token:${tokenId}`;

// Inter-replica message: "team T of exercise E has new deliveries", in seq order; every replica serves its own sockets.
export const RELEASE_SIGNAL = 'drill:release' satisfies keyof InterReplicaEvents;

export type LocalReleaseHandler = (exerciseId: string, teamId: string, payloads: InjectPayload[]) => void;

/**
 * The server events a room broadcast may carry: those whose listener takes the payload alone. `inject` is not one:
 * its receipt callback and sequence bookkeeping are per socket (the gateway's `send`).
 */
export type RoomEvent = {
  [E in keyof ServerToClientEvents]: Parameters<ServerToClientEvents[E]> extends [unknown] ? E : never;
}[keyof ServerToClientEvents];

export interface LocalHandlers {
  release: LocalReleaseHandler;
}

/**
 * What the runtime needs from the socket layer, without depending on the gateway: the namespace (set by the
 * gateway once socket.io is up) and the gateway's per-socket delivery routine.
 */
@Injectable()
export class LiveChannel {
  private ns?: DrillNamespace;
  private handlers: LocalHandlers = { release: () => {} };
  /** Only a Redis-backed adapter reaches other replicas; the in-memory one has none to reach. */
  private readonly clustered: boolean;

  constructor(@Inject(DRILL_CONFIG) config: DrillConfig) {
    this.clustered = config.redisUrl !== undefined;
  }

  attach(ns: DrillNamespace, handlers: LocalHandlers): void {
    this.ns = ns;
    this.handlers = handlers;
    ns.on(RELEASE_SIGNAL, (exerciseId, teamId, payloads) => handlers.release(exerciseId, teamId, payloads));
  }

  /**
   * Hands a team's released injects (one release batch, in seq order) to every replica in one message; each sends
   * them to its own sockets of that team. A batch of one goes through `announceRelease`, the one-delivery entry
   * point (test/delivery-resync wraps it to lose an announcement).
   */
  announceReleases(exerciseId: string, teamId: string, payloads: InjectPayload[]): void {
    if (payloads.length === 1) return this.announceRelease(exerciseId, teamId, payloads[0]!);
    this.handlers.release(exerciseId, teamId, payloads);
    if (this.clustered) this.ns?.serverSideEmit(RELEASE_SIGNAL, exerciseId, teamId, payloads);
  }

  /** Hands one released inject to every replica, each of which sends it to its own sockets of that team. */
  announceRelease(exerciseId: string, teamId: string, payload: InjectPayload): void {
    this.handlers.release(exerciseId, teamId, [payload]);
    if (this.clustered) this.ns?.serverSideEmit(RELEASE_SIGNAL, exerciseId, teamId, [payload]);
  }

  /**
   * Pushes a new ISM report to the rooms of its TLP audience (`reportAudience`), on every replica through the
   * adapter: drill control, the teams it reaches (the exercise room when it reaches them all), the people it names.
   * A socket in several of them receives it once.
   */
  announceReport(exerciseId: string, audience: ReportAudience, view: IsmReportView): void {
    const rooms =
      audience.teams === 'all'
        ? [exerciseRoom(exerciseId)]
        : [controlRoom(exerciseId), ...audience.teams.map((t) => teamRoom(exerciseId, t))];
    for (const u of audience.users) rooms.push(userRoom(exerciseId, u));
    this.ns?.to(rooms).emit('ism.report', view);
  }

  emitState(state: ExerciseStatePayload): void {
    this.ns?.to(exerciseRoom(state.exerciseId)).emit('exercise.state', state);
  }

  toControl<E extends RoomEvent>(exerciseId: string, event: E, payload: EventPayload<E>): void {
    this.ns?.to(controlRoom(exerciseId)).emit(event, ...([payload] as Parameters<ServerToClientEvents[E]>));
  }

  toScorers<E extends RoomEvent>(exerciseId: string, event: E, payload: EventPayload<E>): void {
    this.ns?.to(scoresRoom(exerciseId)).emit(event, ...([payload] as Parameters<ServerToClientEvents[E]>));
  }

  /** Drill control, the teams and the people named, in one broadcast (a socket in several rooms gets it once). */
  toAudience<E extends RoomEvent>(
    exerciseId: string,
    audience: { teams: readonly string[]; users: readonly string[] },
    event: E,
    payload: EventPayload<E>,
  ): void {
    const rooms = [
      controlRoom(exerciseId),
      ...audience.teams.map((t) => teamRoom(exerciseId, t)),
      ...audience.users.map((u) => userRoom(exerciseId, u)),
    ];
    this.ns?.to(rooms).emit(event, ...([payload] as Parameters<ServerToClientEvents[E]>));
  }

  toTeam<E extends RoomEvent>(exerciseId: string, teamId: string, event: E, payload: EventPayload<E>): void {
    this.ns?.to(teamRoom(exerciseId, teamId)).emit(event, ...([payload] as Parameters<ServerToClientEvents[E]>));
  }

  get namespace(): DrillNamespace | undefined {
    return this.ns;
  }
}
