import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Forbidden, NotFound, ValidationFailed } from '@drill/contracts';
import { isControl, type Principal } from '@drill/auth';
import { MAX_SPEED, MIN_SPEED } from '@drill/exercise';
import { ExerciseEntity } from '@drill/persistence';
import { AuditRepository } from '../audit/audit.repository.js';
import { ReportRepository } from '../ism/report.repository.js';
import { DeliveryRepository } from './delivery.repository.js';
import { ExerciseRepository } from './exercise.repository.js';
import { DrillClock, statePayload } from './drill-clock.js';
import { injectPayload } from './release-engine.js';
import { ScenarioCache } from './scenario-cache.js';
import { InjectScheduler } from './scheduler.js';

export interface CreateExercise {
  scenarioId: string;
  version?: number;
  name: string;
  speed: number;
  teamIds: string[];
  startAt?: string;
  teamsSeeOwnScores?: boolean;
}

const iso = (v: number | null) => (v === null ? null : new Date(v).toISOString());

@Injectable()
export class ExercisesService {
  constructor(
    private readonly exercises: ExerciseRepository,
    private readonly deliveries: DeliveryRepository,
    private readonly reports: ReportRepository,
    private readonly auditLog: AuditRepository,
    private readonly clock: DrillClock,
    private readonly scenarios: ScenarioCache,
    private readonly scheduler: InjectScheduler,
  ) {}

  async create(input: CreateExercise, userId: string): Promise<ReturnType<ExercisesService['view']>> {
    const problems: { path: string; message: string }[] = [];
    if (input.speed < MIN_SPEED || input.speed > MAX_SPEED)
      problems.push({ path: '/speed', message: `must be from ${MIN_SPEED} to ${MAX_SPEED}` });
    const uniqueTeams = [...new Set(input.teamIds)];
    if (uniqueTeams.length !== input.teamIds.length) problems.push({ path: '/teamIds', message: 'lists a team twice' });
    let startAt: number | null = null;
    if (input.startAt !== undefined) {
      startAt = Date.parse(input.startAt);
      if (Number.isNaN(startAt)) problems.push({ path: '/startAt', message: 'must be an ISO 8601 date-time' });
      else if (startAt < Date.now()) problems.push({ path: '/startAt', message: 'is in the past' });
    }
    const version = input.version ?? (await this.exercises.latestScenarioVersion(input.scenarioId));
    if (version === undefined || !(await this.exercises.hasScenarioVersion(input.scenarioId, version))) {
      throw new NotFound(`no scenario ${input.scenarioId}${input.version ? ` version ${input.version}` : ''}`, [
        { path: input.version ? '/version' : '/scenarioId', message: 'unknown' },
      ]);
    }
    const found = await this.exercises.findTeams(uniqueTeams);
    for (const id of uniqueTeams)
      if (!found.some((t) => t.id === id)) problems.push({ path: '/teamIds', message: `unknown team ${id}` });
    if (problems.length) throw new ValidationFailed('the exercise cannot be created as given', problems);

    const ex: ExerciseEntity = Object.assign(new ExerciseEntity(), {
      id: randomUUID(),
      name: input.name,
      scenarioId: input.scenarioId,
      scenarioVersion: version,
      status: startAt !== null ? 'scheduled' : 'draft',
      speed: input.speed,
      scheduledStartAt: startAt,
      startedAt: null,
      pausedAt: null,
      pausedTotalMs: 0,
      endedAt: null,
      epoch: 0,
      settings: { teamsSeeOwnScores: input.teamsSeeOwnScores ?? false },
      createdBy: userId,
      createdAt: Date.now(),
    });
    await this.exercises.create(ex, uniqueTeams);
    if (startAt !== null) await this.scheduler.wakeAt(ex.id, ex.epoch, startAt);
    return this.view(
      ex,
      found.map((t) => ({ id: t.id, code: t.code, name: t.name })),
    );
  }

  view(ex: ExerciseEntity, teams: { id: string; code: string; name: string }[]) {
    return {
      id: ex.id,
      name: ex.name,
      scenarioId: ex.scenarioId,
      scenarioVersion: ex.scenarioVersion,
      status: ex.status,
      speed: ex.speed,
      clock: statePayload(ex, this.clock.now()),
      scheduledStartAt: iso(ex.scheduledStartAt),
      startedAt: iso(ex.startedAt),
      endedAt: iso(ex.endedAt),
      pausedTotalMs: ex.pausedTotalMs,
      settings: ex.settings,
      teams,
    };
  }

  /** Loads the exercise if the caller takes part in it: drill control always, participants of enrolled teams. */
  async forViewer(exerciseId: string, p: Principal): Promise<ExerciseEntity> {
    const ex = await this.exercises.get(exerciseId);
    await this.checkTakesPart(exerciseId, p);
    return ex;
  }

  /**
   * Forbidden unless the caller takes part in the exercise, which the caller knows exists. From the cached
   * enrolment (it never changes once the exercise is created), so no round trip after the first.
   */
  async checkTakesPart(exerciseId: string, p: Principal): Promise<void> {
    if (isControl(p.role)) return;
    const enrolled =
      p.teamId !== null && (await this.exercises.enrolledTeams(exerciseId)).some((t) => t.id === p.teamId);
    if (!enrolled) throw new Forbidden('your team does not take part in this exercise');
  }

  async get(exerciseId: string, p: Principal) {
    const ex = await this.forViewer(exerciseId, p);
    const teams = await this.teamsOf(exerciseId);
    // A participant sees the clock and its own team, not who else is enrolled.
    return this.view(ex, isControl(p.role) ? teams : teams.filter((t) => t.id === p.teamId));
  }

  async list(p: Principal) {
    const all = await this.exercises.listNewestFirst();
    let visible = all;
    if (!isControl(p.role)) {
      const mine = new Set(await this.exercises.exerciseIdsOfTeam(p.teamId ?? ''));
      visible = all.filter((e) => mine.has(e.id));
    }
    return visible.map((ex) => ({
      id: ex.id,
      name: ex.name,
      scenarioId: ex.scenarioId,
      scenarioVersion: ex.scenarioVersion,
      status: ex.status,
      speed: ex.speed,
      clock: statePayload(ex, this.clock.now()),
    }));
  }

  async teamsOf(exerciseId: string) {
    return (await this.exercises.enrolledTeams(exerciseId)).map((t) => ({ id: t.id, code: t.code, name: t.name }));
  }

  /** The injects released to a team, in sequence order, as the socket would have pushed them. */
  async releasedTo(exerciseId: string, teamId: string, afterSeq = 0) {
    const ex = await this.exercises.get(exerciseId);
    const pinned = await this.scenarios.get(ex.scenarioId, ex.scenarioVersion);
    const rows = await this.deliveries.listReleasedTo(exerciseId, teamId);
    return rows
      .filter((d) => d.seq! > afterSeq && pinned.injects.has(d.injectId))
      .map((d) => ({
        ...injectPayload(exerciseId, pinned.injects.get(d.injectId)!, d.seq!, d.releasedAt!, d.releasedScenarioMs ?? 0),
        deliveredAt: iso(d.deliveredAt),
        acknowledgedAt: iso(d.acknowledgedAt),
      }));
  }

  async injectsFor(exerciseId: string, p: Principal) {
    await this.forViewer(exerciseId, p);
    if (!p.teamId) throw new Forbidden('only participants receive injects; drill control reads the timeline');
    return this.releasedTo(exerciseId, p.teamId);
  }

  /** Deliveries and audited events of the exercise in time order, for controllers and evaluators. */
  async timeline(exerciseId: string) {
    const ex = await this.exercises.get(exerciseId);
    const codes = new Map((await this.teamsOf(exerciseId)).map((t) => [t.id, t.code]));
    const deliveries = await this.deliveries.listInReleaseOrder(exerciseId);
    const events = await this.auditLog.list({ exerciseId });
    const reports = await this.reports.listOf(exerciseId);
    const entries = [
      ...deliveries.map((d) => ({
        kind: 'delivery' as const,
        at: iso(d.releasedAt ?? null),
        injectId: d.injectId,
        teamId: d.teamId,
        teamCode: codes.get(d.teamId),
        status: d.status,
        seq: d.seq,
        dueScenarioMs: d.dueScenarioMs,
        releasedScenarioMs: d.releasedScenarioMs,
        dueAt: iso(d.dueAt),
        releasedAt: iso(d.releasedAt),
        deliveredAt: iso(d.deliveredAt),
        acknowledgedAt: iso(d.acknowledgedAt),
        lagMs: d.lagMs,
        late: d.late,
        releasedBy: d.releasedBy,
      })),
      ...reports.map((r) => ({
        kind: 'report' as const,
        at: iso(r.submittedAt),
        reportId: r.id,
        reportKind: r.kind,
        teamId: r.teamId,
        teamCode: r.teamId ? codes.get(r.teamId) : undefined,
        authorUserId: r.authorUserId,
        injectIds: r.injectIds,
        tlp: r.tlp,
        title: r.title,
        submittedScenarioMs: r.submittedScenarioMs,
      })),
      ...events
        // the delivery and report rows above already say these
        .filter((e) => e.action !== 'inject.release' && e.action !== 'ism.report')
        .map((e) => ({
          kind: 'event' as const,
          at: iso(e.at),
          action: e.action,
          actorUserId: e.actorUserId,
          actorRole: e.actorRole,
          targetType: e.targetType,
          targetId: e.targetId,
          before: e.before,
          after: e.after,
        })),
    ];
    // Pending deliveries have no time yet; they go last.
    entries.sort((a, b) => (a.at ?? '\uffff').localeCompare(b.at ?? '\uffff'));
    return { exerciseId, status: ex.status, clock: statePayload(ex, this.clock.now()), entries };
  }
}
