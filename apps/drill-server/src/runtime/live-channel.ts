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
import type { IsmReport } from '@drill/ism';
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
  'drill:release': (exerciseId: string, teamId: string, payload: InjectPayload) => void;
  'drill:report': (exerciseId: string, report: IsmReport, exerciseTeamIds: string[], view: IsmReportView) => void;
}

export type DrillNamespace = Namespace<ClientToServerEvents, ServerToClientEvents, InterReplicaEvents, SocketData>;
export type DrillSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterReplicaEvents, SocketData>;

/** A server → client event's payload (its first argument). */
export type EventPayload<E extends keyof ServerToClientEvents> = Parameters<ServerToClientEvents[E]>[0];

export const exerciseRoom = (exerciseId: string) => `ex:${exerciseId}`;
export const teamRoom = (exerciseId: string, teamId: string) => `ex:${exerciseId}:team:${teamId}`;
export const controlRoom = (exerciseId: string) => `ex:${exerciseId}:control`;
/** Controllers and evaluators only: observers watch the drill but do not read scores. */
export const scoresRoom = (exerciseId: string) => `ex:${exerciseId}:scores`;
/** Every socket opened with one token: a revocation closes them all, on every replica. */
export const tokenRoom = (tokenId: string) => `token:${tokenId}`;

// Inter-replica message: "team T of exercise E has a new delivery"; every replica serves its own sockets.
export const RELEASE_SIGNAL = 'drill:release' satisfies keyof InterReplicaEvents;

export const REPORT_SIGNAL = 'drill:report' satisfies keyof InterReplicaEvents;

export type LocalReleaseHandler = (exerciseId: string, teamId: string, payload: InjectPayload) => void;
/** `report` decides who may see it (TLP); `view` is what is sent. */
export type LocalReportHandler = (
  exerciseId: string,
  report: IsmReport,
  exerciseTeamIds: string[],
  view: IsmReportView,
) => void;

/**
 * The server events a room broadcast may carry: those whose listener takes the payload alone. `inject` is not one:
 * its receipt callback and sequence bookkeeping are per socket (the gateway's `send`).
 */
export type RoomEvent = {
  [E in keyof ServerToClientEvents]: Parameters<ServerToClientEvents[E]> extends [unknown] ? E : never;
}[keyof ServerToClientEvents];

export interface LocalHandlers {
  release: LocalReleaseHandler;
  report: LocalReportHandler;
}

/**
 * What the runtime needs from the socket layer, without depending on the gateway: the namespace (set by the
 * gateway once socket.io is up) and the gateway's per-socket delivery routine.
 */
@Injectable()
export class LiveChannel {
  private ns?: DrillNamespace;
  private handlers: LocalHandlers = { release: () => {}, report: () => {} };
  /** Only a Redis-backed adapter reaches other replicas; the in-memory one has none to reach. */
  private readonly clustered: boolean;

  constructor(@Inject(DRILL_CONFIG) config: DrillConfig) {
    this.clustered = config.redisUrl !== undefined;
  }

  attach(ns: DrillNamespace, handlers: LocalHandlers): void {
    this.ns = ns;
    this.handlers = handlers;
    ns.on(RELEASE_SIGNAL, (exerciseId, teamId, payload) => handlers.release(exerciseId, teamId, payload));
    ns.on(REPORT_SIGNAL, (exerciseId, report, teamIds, view) => handlers.report(exerciseId, report, teamIds, view));
  }

  /** Hands a released inject to every replica, each of which sends it to its own sockets of that team. */
  announceRelease(exerciseId: string, teamId: string, payload: InjectPayload): void {
    this.handlers.release(exerciseId, teamId, payload);
    if (this.clustered) this.ns?.serverSideEmit(RELEASE_SIGNAL, exerciseId, teamId, payload);
  }

  /** Hands a new ISM report to every replica, each of which pushes it to those of its sockets TLP lets see it. */
  announceReport(exerciseId: string, report: IsmReport, exerciseTeamIds: string[], view: IsmReportView): void {
    this.handlers.report(exerciseId, report, exerciseTeamIds, view);
    if (this.clustered) this.ns?.serverSideEmit(REPORT_SIGNAL, exerciseId, report, exerciseTeamIds, view);
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

  toTeam<E extends RoomEvent>(exerciseId: string, teamId: string, event: E, payload: EventPayload<E>): void {
    this.ns?.to(teamRoom(exerciseId, teamId)).emit(event, ...([payload] as Parameters<ServerToClientEvents[E]>));
  }

  get namespace(): DrillNamespace | undefined {
    return this.ns;
  }
}
