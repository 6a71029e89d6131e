import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  Conflict,
  Forbidden,
  isRsitPair,
  NotFound,
  parseTlp,
  RateLimited,
  RSIT,
  ValidationFailed,
  type FieldProblem,
} from '@drill/contracts';
import { isControl, type Principal } from '@drill/auth';
import { normaliseIoc } from '@drill/ioc';
import {
  buildStixBundle,
  canSeeReport,
  checkRecipients,
  checkReplyRecipients,
  checkReplyTlp,
  reportAudience,
  type IsmReport,
  type Person,
  type Viewer,
} from '@drill/ism';
import { scenarioMsAt } from '@drill/exercise';
import type { ExerciseEntity } from '@drill/persistence';
import { IsmReportEntity } from '@drill/persistence';
import { AuditService } from '../audit/audit.service.js';
import { RateLimiter } from '../common/rate-limit.js';
import { DRILL_CONFIG } from '../config/config.module.js';
import type { DrillConfig } from '../config/drill-config.js';
import { DeliveryRepository } from '../runtime/delivery.repository.js';
import type { EnrolledTeamRow } from '../runtime/exercise.repository.js';
import { clockOf, ExerciseRuntime } from '../runtime/exercise-runtime.js';
import { ExercisesService } from '../runtime/exercises.service.js';
import { LiveChannel } from '../runtime/live-channel.js';
import { ScenarioCache, type PinnedScenario } from '../runtime/scenario-cache.js';
import type { CreateReportDto } from './ism.dto.js';
import { ReportRepository } from './report.repository.js';

export type ReportView = Omit<IsmReport, 'recipients'> & {
  teamCode: string | null;
  tlpAsSubmitted: string;
  recipients: { teams: string[] | 'all'; users: string[] };
  submittedScenarioMs: number;
};

/** Listeners told of every accepted report (scoring recomputes on it). */
export type ReportListener = (exerciseId: string, report: IsmReport) => Promise<void> | void;

const viewerOf = (p: Principal): Viewer => ({ userId: p.userId, role: p.role, teamId: p.teamId });

/** Reports are taken while the exercise runs or is paused. */
const takesReports = (ex: ExerciseEntity) => ex.status === 'running' || ex.status === 'paused';
const notTakingReports = (ex: ExerciseEntity) =>
  new Conflict(`the exercise is ${ex.status}; reports are accepted while it runs or is paused`);

/** Tries at storing a report while lifecycle changes keep moving the exercise under it. */
const STORE_ATTEMPTS = 5;

interface TeamMaps {
  ids: string[];
  codeToId: Map<string, string>;
  idToCode: Map<string, string>;
  names: Record<string, string>;
}

/**
 * The ifReportMatches injects of the scenario a report on `injectIds` with `classification` matches: those
 * ReleaseEngine.armOnReport would schedule if their row is armed for the team. When there are none, the
 * conditional-inject check and its statements are skipped.
 */
function followUpsMatching(
  pinned: PinnedScenario,
  injectIds: readonly string[],
  classification: { class: string; type: string } | undefined,
): string[] {
  if (!classification) return [];
  return injectIds.flatMap((id) =>
    (pinned.dependents.get(id) ?? [])
      .filter((dep) => {
        const t = dep.trigger;
        return (
          t?.kind === 'ifReportMatches' &&
          t.classification.class === classification.class &&
          (!t.classification.type || t.classification.type === classification.type)
        );
      })
      .map((dep) => dep.id),
  );
}

export function toDomain(r: IsmReportEntity): IsmReport {
  return {
    id: r.id,
    exerciseId: r.exerciseId,
    authorUserId: r.authorUserId,
    teamId: r.teamId,
    ...(r.inReplyTo ? { inReplyTo: r.inReplyTo } : {}),
    kind: r.kind,
    injectIds: r.injectIds,
    title: r.title,
    ...(r.summary !== null ? { summary: r.summary } : {}),
    tlp: r.tlp,
    recipients: r.recipients,
    ...(r.classification ? { classification: r.classification } : {}),
    ...(r.determination ? { determination: r.determination } : {}),
    ...(r.severity ? { severity: r.severity } : {}),
    affectedAssets: r.affectedAssets,
    iocs: r.iocs,
    timeline: r.timeline,
    actions: r.actions,
    recommendations: r.recommendations,
    assistanceRequests: r.assistanceRequests,
    submittedAt: new Date(r.submittedAt).toISOString(),
  };
}

@Injectable()
export class IsmService {
  private readonly listeners: ReportListener[] = [];
  /** A flood of reports (a script gone wrong, a stuck retry loop) must not drown the other teams' feed. */
  private readonly reportsByUser: RateLimiter;
  /**
   * The exercise as last read, per exercise. Only a hint: a report is stored only while the exercise is still at
   * that reading's epoch (ReportRepository.insertAtEpoch), and re-read when it is not, so a pause or ENDEX on any
   * replica is seen by the next report.
   */
  private readonly exerciseSeen = new Map<string, ExerciseEntity>();
  /**
   * Injects released to each team (`exerciseId/teamId`), read once and then fed by this replica's releases. A
   * release on another replica is not in it: an inject missing here is looked up again, never refused from memory.
   */
  private readonly releasedTo = new Map<string, Set<string>>();
  /**
   * ifReportMatches injects (`exerciseId/teamId/injectId`) a matching report of the team has already been checked
   * for. Their row is armed in the transaction that releases the inject they watch, which precedes any report on
   * it, so after one check it is scheduled, or was never armed for the team (skipped, other targets), for good.
   */
  private readonly followUpsChecked = new Set<string>();
  /** Team lookups built once per enrolment list (which ExerciseRepository caches and never changes). */
  private readonly teamMapsOf = new WeakMap<EnrolledTeamRow[], TeamMaps>();

  constructor(
    private readonly reports: ReportRepository,
    private readonly deliveries: DeliveryRepository,
    private readonly exercises: ExercisesService,
    private readonly runtime: ExerciseRuntime,
    private readonly scenarios: ScenarioCache,
    private readonly live: LiveChannel,
    private readonly audit: AuditService,
    @Inject(DRILL_CONFIG) config: DrillConfig,
  ) {
    this.reportsByUser = new RateLimiter(config.reportsPerMinute);
    runtime.onReleased((ex, teamId, inject) => this.releasedTo.get(`${ex.id}/${teamId}`)?.add(inject.id));
  }

  onReport(listener: ReportListener): void {
    this.listeners.push(listener);
  }

  private async teamMaps(exerciseId: string): Promise<TeamMaps> {
    const teams = await this.runtime.enrolledTeams(exerciseId);
    let maps = this.teamMapsOf.get(teams);
    if (!maps) {
      maps = {
        ids: teams.map((t) => t.id),
        codeToId: new Map(teams.map((t) => [t.code, t.id])),
        idToCode: new Map(teams.map((t) => [t.id, t.code])),
        names: Object.fromEntries(teams.map((t) => [t.id, t.name])),
      };
      this.teamMapsOf.set(teams, maps);
    }
    return maps;
  }

  /** The exercise as read now, remembered for the next report. */
  private async readExercise(exerciseId: string): Promise<ExerciseEntity> {
    const ex = await this.runtime.load(exerciseId);
    this.exerciseSeen.set(exerciseId, ex);
    if (!takesReports(ex) && ex.status !== 'draft' && ex.status !== 'scheduled') {
      // Ended: no report will be taken again, so its teams' released injects need not be kept.
      for (const key of this.releasedTo.keys()) if (key.startsWith(`${exerciseId}/`)) this.releasedTo.delete(key);
    }
    return ex;
  }

  /**
   * The exercise for a report: as last seen when that reading takes reports (insertAtEpoch checks it still holds),
   * read again otherwise (a drill may have started since).
   */
  private async exerciseForReport(exerciseId: string): Promise<ExerciseEntity> {
    const seen = this.exerciseSeen.get(exerciseId);
    if (seen && takesReports(seen)) return seen;
    return this.readExercise(exerciseId);
  }

  /** Which of `injectIds` were released to the team; read from the database when memory does not have them all. */
  private async releasedAmong(exerciseId: string, teamId: string, injectIds: string[]): Promise<Set<string>> {
    const key = `${exerciseId}/${teamId}`;
    const known = this.releasedTo.get(key);
    if (known && injectIds.every((id) => known.has(id))) return known;
    const stored = await this.deliveries.releasedInjectIds(exerciseId, teamId);
    // Releases announced while the query ran were added to the set then in memory; keep them.
    for (const id of this.releasedTo.get(key) ?? []) stored.add(id);
    this.releasedTo.set(key, stored);
    return stored;
  }

  private view(r: IsmReportEntity, idToCode: Map<string, string>): ReportView {
    const d = toDomain(r);
    return {
      ...d,
      teamCode: r.teamId ? (idToCode.get(r.teamId) ?? null) : null,
      tlpAsSubmitted: r.tlpAsSubmitted,
      recipients: {
        teams: r.recipients.teams === 'all' ? 'all' : r.recipients.teams.map((id) => idToCode.get(id) ?? id),
        users: r.recipients.users,
      },
      submittedScenarioMs: r.submittedScenarioMs,
    };
  }

  /** Validates a report against the drill (IOCs, RSIT, recipients, injects, thread, TLP) and stores it. */
  async submit(exerciseId: string, p: Principal, dto: CreateReportDto, requestId?: string): Promise<ReportView> {
    if (p.role !== 'participant' && p.role !== 'controller')
      throw new Forbidden(`role ${p.role} may not post ISM reports`);
    const wait = this.reportsByUser.take(p.userId);
    if (wait > 0) throw new RateLimited(`too many reports this minute; try again in ${wait} s`, wait);
    let ex = await this.exerciseForReport(exerciseId);
    await this.exercises.checkTakesPart(exerciseId, p);
    if (!takesReports(ex)) throw notTakingReports(ex);
    let checked: { report: IsmReport; teams: TeamMaps };
    try {
      checked = await this.check(exerciseId, ex, p, dto);
    } catch (e) {
      // A refusal of what was written must not hide that the exercise no longer takes reports at all (409 first,
      // as when the exercise is read before the checks): the exercise as remembered may be out of date.
      const current = await this.readExercise(exerciseId);
      if (!takesReports(current)) throw notTakingReports(current);
      throw e;
    }
    const { report, teams } = checked;
    const now = Date.parse(report.submittedAt);
    const injectIds = report.injectIds;

    let row: IsmReportEntity | undefined;
    for (let attempt = 1; !row; attempt++) {
      const candidate: IsmReportEntity = Object.assign(new IsmReportEntity(), {
        ...report,
        inReplyTo: report.inReplyTo ?? null,
        summary: report.summary ?? null,
        classification: report.classification ?? null,
        determination: report.determination ?? null,
        severity: report.severity ?? null,
        tlpAsSubmitted: dto.tlp,
        submittedAt: now,
        submittedScenarioMs: Math.floor(scenarioMsAt(clockOf(ex), now)),
      });
      // The report, its IOCs (a JSON column of its row) and its audit row commit together.
      const stored = await this.reports.transaction(async (m) => {
        if (!(await this.reports.insertAtEpoch(m, candidate, ex.epoch))) return false;
        await this.audit.record(
          {
            actorUserId: p.userId,
            actorRole: p.role,
            action: 'ism.report',
            targetType: 'report',
            targetId: report.id,
            exerciseId,
            after: {
              kind: report.kind,
              tlp: report.tlp,
              injectIds,
              iocs: report.iocs.length,
              inReplyTo: report.inReplyTo,
            },
            requestId,
            at: now,
          },
          m,
        );
        return true;
      });
      if (stored) row = candidate;
      else {
        // The exercise moved on since it was read (paused, resumed, ended, retimed): read it again.
        ex = await this.readExercise(exerciseId);
        if (!takesReports(ex)) throw notTakingReports(ex);
        if (attempt >= STORE_ATTEMPTS) throw new Conflict('the exercise changed meanwhile; try again');
      }
    }

    const view = this.view(row, teams.idToCode);
    this.live.announceReport(exerciseId, reportAudience(report, { exerciseTeamIds: teams.ids }), view);
    if (p.teamId) await this.checkFollowUps(exerciseId, ex, p.teamId, report, row.submittedScenarioMs);
    for (const l of this.listeners) await l(exerciseId, report);
    return view;
  }

  /** The conditional-inject check, when the report may fire an ifReportMatches inject not checked for yet. */
  private async checkFollowUps(
    exerciseId: string,
    ex: ExerciseEntity,
    teamId: string,
    report: IsmReport,
    atScenarioMs: number,
  ): Promise<void> {
    const pinned = await this.scenarios.get(ex.scenarioId, ex.scenarioVersion);
    const keys = followUpsMatching(pinned, report.injectIds, report.classification).map(
      (id) => `${exerciseId}/${teamId}/${id}`,
    );
    if (keys.every((k) => this.followUpsChecked.has(k))) return;
    await this.runtime.onReport(exerciseId, teamId, report.injectIds, report.classification, atScenarioMs);
    for (const k of keys) this.followUpsChecked.add(k);
  }

  /** The report as written, checked against the drill and TLP; ValidationFailed (or NotFound for the thread) if not. */
  private async check(
    exerciseId: string,
    ex: ExerciseEntity,
    p: Principal,
    dto: CreateReportDto,
  ): Promise<{ report: IsmReport; teams: TeamMaps }> {
    const teams = await this.teamMaps(exerciseId);
    const problems: FieldProblem[] = [];

    const tlp = parseTlp(dto.tlp);
    if (!tlp)
      problems.push({
        path: '/tlp',
        message: `"${dto.tlp}" is not a TLP 2.0 label (TLP:CLEAR, TLP:GREEN, TLP:AMBER, TLP:AMBER+STRICT, TLP:RED)`,
      });

    const iocs = (dto.iocs ?? []).flatMap((ioc, n) => {
      const norm = normaliseIoc(ioc.type, ioc.value);
      if (!norm.ok) {
        problems.push({
          path: `/iocs/${n}/value`,
          message: `IOC ${n + 1} (${ioc.type} "${ioc.value}"): ${norm.message}`,
        });
        return [];
      }
      return [
        {
          type: ioc.type,
          value: norm.value,
          original: ioc.value,
          ...(ioc.role ? { role: ioc.role } : {}),
          toIds: ioc.toIds,
        },
      ];
    });

    if (dto.classification && !isRsitPair(dto.classification.class, dto.classification.type)) {
      const allowed = RSIT[dto.classification.class];
      problems.push(
        allowed
          ? {
              path: '/classification/type',
              message: `"${dto.classification.type}" is not an RSIT type of class ${dto.classification.class} (allowed: ${allowed.join(', ')})`,
            }
          : { path: '/classification/class', message: `"${dto.classification.class}" is not an RSIT class` },
      );
    }

    let recipientTeams: string[] | 'all' = [];
    const rt = dto.recipients?.teams;
    if (rt === 'all') recipientTeams = 'all';
    else if (rt) {
      recipientTeams = [];
      rt.forEach((code, n) => {
        const id = teams.codeToId.get(code);
        if (id) (recipientTeams as string[]).push(id);
        else problems.push({ path: `/recipients/teams/${n}`, message: `team ${code} is not in this exercise` });
      });
    }
    const recipientUsers = [...new Set(dto.recipients?.users ?? [])];
    const people = recipientUsers.length ? await this.reports.recipients(recipientUsers) : new Map<string, Person>();
    if (recipientUsers.length) {
      recipientUsers.forEach((u, n) => {
        const user = people.get(u);
        const inDrill = user && (isControl(user.role) || (user.teamId !== null && teams.ids.includes(user.teamId)));
        if (!inDrill)
          problems.push({ path: `/recipients/users/${n}`, message: `user ${u} does not take part in this exercise` });
      });
    }

    const injectIds = [...new Set(dto.injectIds ?? [])];
    if (injectIds.length) {
      const pinned = await this.scenarios.get(ex.scenarioId, ex.scenarioVersion);
      const released = p.teamId ? await this.releasedAmong(exerciseId, p.teamId, injectIds) : new Set<string>();
      injectIds.forEach((id, n) => {
        if (!pinned.injects.has(id))
          problems.push({ path: `/injectIds/${n}`, message: `the scenario has no inject ${id}` });
        else if (p.teamId && !released.has(id))
          problems.push({ path: `/injectIds/${n}`, message: `inject ${id} has not been released to your team` });
      });
    }
    if (problems.length || !tlp) throw new ValidationFailed('the report cannot be accepted as written', problems);

    const now = this.runtime.now(); // the drill's clock: a report and a deadline are compared on one clock
    const report: IsmReport = {
      id: randomUUID(),
      exerciseId,
      authorUserId: p.userId,
      teamId: p.teamId,
      ...(dto.inReplyTo ? { inReplyTo: dto.inReplyTo } : {}),
      kind: dto.kind,
      injectIds,
      title: dto.title,
      ...(dto.summary !== undefined ? { summary: dto.summary } : {}),
      tlp,
      recipients: { teams: recipientTeams, users: recipientUsers },
      ...(dto.classification
        ? { classification: { class: dto.classification.class, type: dto.classification.type } }
        : {}),
      ...(dto.determination ? { determination: dto.determination } : {}),
      ...(dto.severity ? { severity: dto.severity } : {}),
      affectedAssets: (dto.affectedAssets ?? []).map((a) => ({ ...a })),
      iocs,
      timeline: (dto.timeline ?? []).map((t) => ({ at: t.at, event: t.event })),
      actions: (dto.actions ?? []).map((a) => ({ ...(a.code ? { code: a.code } : {}), text: a.text })),
      recommendations: dto.recommendations ?? [],
      assistanceRequests: dto.assistanceRequests ?? [],
      submittedAt: new Date(now).toISOString(),
    };
    const rules = checkRecipients(report);
    if (dto.inReplyTo) {
      const parentRow = await this.reports.findInExercise(dto.inReplyTo, exerciseId);
      const parent = parentRow ? toDomain(parentRow) : undefined;
      if (!parent || !canSeeReport(parent, viewerOf(p), { exerciseTeamIds: teams.ids })) {
        throw new NotFound(`no report ${dto.inReplyTo} that you can see in this exercise`, [
          { path: '/inReplyTo', message: 'unknown report' },
        ]);
      }
      const loosened = checkReplyTlp(parent, report);
      if (loosened) rules.push(loosened);
      rules.push(...checkReplyRecipients(parent, report, { exerciseTeamIds: teams.ids, people }));
    }
    if (rules.length) throw new ValidationFailed('the report breaks the TLP rules', rules);
    return { report, teams };
  }

  /** The reports TLP and their recipients open to the caller, oldest first. */
  async list(exerciseId: string, p: Principal): Promise<ReportView[]> {
    await this.exercises.forViewer(exerciseId, p);
    const teams = await this.teamMaps(exerciseId);
    const viewer = viewerOf(p);
    return (await this.reports.listOf(exerciseId))
      .filter((r) => canSeeReport(toDomain(r), viewer, { exerciseTeamIds: teams.ids }))
      .map((r) => this.view(r, teams.idToCode));
  }

  /**
   * Every report of the exercise (or those submitted at or after `since`, epoch ms) with its scenario time of
   * submission, in submission order, for scoring and the AAR.
   */
  async all(exerciseId: string, since?: number): Promise<(IsmReport & { submittedScenarioMs: number })[]> {
    return (await this.reports.listOf(exerciseId, since)).map((r) => ({
      ...toDomain(r),
      submittedScenarioMs: r.submittedScenarioMs,
    }));
  }

  async stix(exerciseId: string, p: Principal) {
    const ex = await this.exercises.forViewer(exerciseId, p);
    const teams = await this.teamMaps(exerciseId);
    const viewer = viewerOf(p);
    const visible = (await this.reports.listOf(exerciseId))
      .map(toDomain)
      .filter((r) => canSeeReport(r, viewer, { exerciseTeamIds: teams.ids }));
    const names = Object.fromEntries(
      Object.entries(teams.names).map(([id, name]) => [id, `${name} (${teams.idToCode.get(id)})`]),
    );
    return buildStixBundle(visible, { exerciseName: ex.name, teamNames: names });
  }
}
