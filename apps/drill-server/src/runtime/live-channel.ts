import { Inject, Injectable } from '@nestjs/common';
import type { Namespace } from 'socket.io';
import type { IsmReport } from '@drill/ism';
import { DRILL_CONFIG } from '../config/config.module.js';
import type { DrillConfig } from '../config/drill-config.js';

/** The `inject` event's payload (DESIGN.md wire contract v1). */
export interface InjectPayload {
  exerciseId: string;
  injectId: string;
  seq: number;
  title: string;
  body: string;
  artefacts: { name: string; mediaType: string; content: string }[];
  severity: string;
  tlp: string;
  responseRequired: boolean;
  targetMinutes: number | null;
  deadlineMinutes: number | null;
  releasedAt: string;
  scenarioTime: string;
}

export interface ExerciseStatePayload {
  exerciseId: string;
  status: string;
  speed: number;
  scenarioTime: string;
  scenarioMs: number;
  wallTime: string;
}

export const exerciseRoom = (exerciseId: string) => `ex:${exerciseId}`;
export const teamRoom = (exerciseId: string, teamId: string) => `ex:${exerciseId}:team:${teamId}`;
export const controlRoom = (exerciseId: string) => `ex:${exerciseId}:control`;
/** Controllers and evaluators only: observers watch the drill but do not read scores. */
export const scoresRoom = (exerciseId: string) => `ex:${exerciseId}:scores`;
/** Every socket opened with one token: a revocation closes them all, on every replica. */
export const tokenRoom = (tokenId: string) => `token:${tokenId}`;

// Inter-replica message: "team T of exercise E has a new delivery"; every replica serves its own sockets.
export const RELEASE_SIGNAL = 'drill:release';

export const REPORT_SIGNAL = 'drill:report';

export type LocalReleaseHandler = (exerciseId: string, teamId: string, payload: InjectPayload) => void;
/** `report` decides who may see it (TLP); `view` is what is sent. */
export type LocalReportHandler = (
  exerciseId: string,
  report: IsmReport,
  exerciseTeamIds: string[],
  view: unknown,
) => void;

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
  private ns?: Namespace;
  private handlers: LocalHandlers = { release: () => {}, report: () => {} };
  /** Only a Redis-backed adapter reaches other replicas; the in-memory one has none to reach. */
  private readonly clustered: boolean;

  constructor(@Inject(DRILL_CONFIG) config: DrillConfig) {
    this.clustered = config.redisUrl !== undefined;
  }

  attach(ns: Namespace, handlers: LocalHandlers): void {
    this.ns = ns;
    this.handlers = handlers;
    ns.on(RELEASE_SIGNAL, (exerciseId: string, teamId: string, payload: InjectPayload) =>
      handlers.release(exerciseId, teamId, payload),
    );
    ns.on(REPORT_SIGNAL, (exerciseId: string, report: IsmReport, teamIds: string[], view: unknown) =>
      handlers.report(exerciseId, report, teamIds, view),
    );
  }

  /** Hands a released inject to every replica, each of which sends it to its own sockets of that team. */
  announceRelease(exerciseId: string, teamId: string, payload: InjectPayload): void {
    this.handlers.release(exerciseId, teamId, payload);
    if (this.clustered) this.ns?.serverSideEmit(RELEASE_SIGNAL, exerciseId, teamId, payload);
  }

  /** Hands a new ISM report to every replica, each of which pushes it to those of its sockets TLP lets see it. */
  announceReport(exerciseId: string, report: IsmReport, exerciseTeamIds: string[], view: unknown): void {
    this.handlers.report(exerciseId, report, exerciseTeamIds, view);
    if (this.clustered) this.ns?.serverSideEmit(REPORT_SIGNAL, exerciseId, report, exerciseTeamIds, view);
  }

  emitState(state: ExerciseStatePayload): void {
    this.ns?.to(exerciseRoom(state.exerciseId)).emit('exercise.state', state);
  }

  toControl(exerciseId: string, event: string, data: unknown): void {
    this.ns?.to(controlRoom(exerciseId)).emit(event, data);
  }

  toScorers(exerciseId: string, event: string, data: unknown): void {
    this.ns?.to(scoresRoom(exerciseId)).emit(event, data);
  }

  toTeam(exerciseId: string, teamId: string, event: string, data: unknown): void {
    this.ns?.to(teamRoom(exerciseId, teamId)).emit(event, data);
  }

  get namespace(): Namespace | undefined {
    return this.ns;
  }
}
