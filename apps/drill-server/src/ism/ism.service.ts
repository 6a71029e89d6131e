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
  type IsmReport,
  type Person,
  type Viewer,
} from '@drill/ism';
import { scenarioMsAt } from '@drill/exercise';
import { IsmReportEntity } from '@drill/persistence';
import { AuditService } from '../audit/audit.service.js';
import { RateLimiter } from '../common/rate-limit.js';
import { DRILL_CONFIG } from '../config/config.module.js';
import type { DrillConfig } from '../config/drill-config.js';
import { DeliveryRepository } from '../runtime/delivery.repository.js';
import { clockOf, ExerciseRuntime } from '../runtime/exercise-runtime.js';
import { ExercisesService } from '../runtime/exercises.service.js';
import { LiveChannel } from '../runtime/live-channel.js';
import { ScenarioCache } from '../runtime/scenario-cache.js';
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
  }

  onReport(listener: ReportListener): void {
    this.listeners.push(listener);
  }

  private async teamMaps(exerciseId: string) {
    const teams = await this.exercises.teamsOf(exerciseId);
    return {
      ids: teams.map((t) => t.id),
      codeToId: new Map(teams.map((t) => [t.code, t.id])),
      idToCode: new Map(teams.map((t) => [t.id, t.code])),
      names: Object.fromEntries(teams.map((t) => [t.id, t.name])),
    };
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
    const ex = await this.exercises.forViewer(exerciseId, p);
    if (ex.status !== 'running' && ex.status !== 'paused')
      throw new Conflict(`the exercise is ${ex.status}; reports are accepted while it runs or is paused`);
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
      const released = p.teamId ? await this.deliveries.releasedInjectIds(exerciseId, p.teamId) : new Set<string>();
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

    const row: IsmReportEntity = Object.assign(new IsmReportEntity(), {
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
    await this.reports.insert(row);
    await this.audit.record({
      actorUserId: p.userId,
      actorRole: p.role,
      action: 'ism.report',
      targetType: 'report',
      targetId: report.id,
      exerciseId,
      after: { kind: report.kind, tlp: report.tlp, injectIds, iocs: iocs.length, inReplyTo: report.inReplyTo },
      requestId,
      at: now,
    });
    const view = this.view(row, teams.idToCode);
    this.live.announceReport(exerciseId, report, teams.ids, view);
    if (p.teamId)
      await this.runtime.onReport(exerciseId, p.teamId, injectIds, report.classification, row.submittedScenarioMs);
    for (const l of this.listeners) await l(exerciseId, report);
    return view;
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
