import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { Conflict, NotFound, ValidationFailed, type FieldProblem, type TlpLabel } from '@drill/contracts';
import type { Principal } from '@drill/auth';
import { scenarioMsAt } from '@drill/exercise';
import { AarNoteEntity, AarPlanItemEntity, type AarStateEntity } from '@drill/persistence';
import type { TeamScore } from '@drill/scoring';
import {
  buildAar,
  DEFAULT_AAR_MARKING,
  renderAarCsv,
  renderAarHtml,
  type Aar,
  type AarNote,
  type AarState,
  type ImprovementItem,
} from '@drill/reporting';
import { AssistanceService } from '../assistance/assistance.service.js';
import { AuditRepository } from '../audit/audit.repository.js';
import { AuditService } from '../audit/audit.service.js';
import { ComcheckService } from '../comcheck/comcheck.service.js';
import { FeedbackService } from '../feedback/feedback.service.js';
import { IsmService } from '../ism/ism.service.js';
import { DeliveryRepository } from '../runtime/delivery.repository.js';
import { clockOf, ExerciseRuntime } from '../runtime/exercise-runtime.js';
import { ExercisesService } from '../runtime/exercises.service.js';
import { ScenarioCache } from '../runtime/scenario-cache.js';
import { holdDraftAar } from '../scoring/aar-freeze.js';
import { ScoringService } from '../scoring/scoring.service.js';
import { AarPdfPrinter } from './aar-pdf.js';
import { AarRepository } from './aar.repository.js';
import type { AarNoteDto, PlanItemDto } from './reporting.dto.js';

/**
 * The "since last drill" sentence of each team (by team id) of a drill's report, from the drills of the same teams
 * that ended before it; `teams` are the drill's scores (handling faults are counted from them).
 */
export type SinceLastDrillSource = (aar: Aar, teams: readonly TeamScore[]) => Promise<ReadonlyMap<string, string>>;

export const REPORT_FORMATS = ['html', 'pdf', 'json', 'csv'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());
// Releases, acknowledgements and reports have rows of their own in the AAR's raw timeline, and the writing of the
// AAR itself is not part of the exercise.
const inTimeline = (action: string) =>
  action !== 'inject.release' &&
  action !== 'ism.report' &&
  action !== 'inject.acknowledge' &&
  !action.startsWith('aar.') &&
  // who gave feedback, and when, would undo the anonymity of the feedback section
  !action.startsWith('feedback.');

/** The marking stored on the AAR's state row; none (or one from before markings) is the default. */
const markingOf = (row: AarStateEntity | null): TlpLabel => (row?.marking as TlpLabel | null) ?? DEFAULT_AAR_MARKING;

/** A real calendar date: 2027-02-30 matches the pattern but is not one. */
function isCalendarDate(s: string): boolean {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/**
 * The after-action report: evaluators' notes and improvement plan (editable while the AAR is a draft), the report
 * assembled from the drill's record and scores, and publishing, which freezes the report as it then stands.
 */
@Injectable()
export class ReportingService {
  constructor(
    private readonly aar: AarRepository,
    private readonly deliveries: DeliveryRepository,
    private readonly auditLog: AuditRepository,
    private readonly scoring: ScoringService,
    private readonly ism: IsmService,
    private readonly scenarios: ScenarioCache,
    private readonly runtime: ExerciseRuntime,
    private readonly exercises: ExercisesService,
    private readonly audit: AuditService,
    private readonly pdf: AarPdfPrinter,
    private readonly feedback: FeedbackService,
    private readonly comchecks: ComcheckService,
    private readonly assistance: AssistanceService,
  ) {}

  private async names(ids: (string | null | undefined)[]): Promise<Map<string, string>> {
    return this.aar.userNames([...new Set(ids.filter((x): x is string => typeof x === 'string'))]);
  }

  private stateView(row: AarStateEntity | null, names: Map<string, string>): AarState {
    if (!row || row.status !== 'published') return { status: 'draft' };
    return {
      status: 'published',
      publishedAt: iso(row.publishedAt)!,
      ...(row.publishedBy ? { publishedBy: names.get(row.publishedBy) ?? row.publishedBy } : {}),
    };
  }

  private noteView(n: AarNoteEntity, names: Map<string, string>): AarNote {
    return {
      id: n.id,
      objectiveId: n.objectiveId,
      kind: n.kind,
      text: n.text,
      author: names.get(n.authorUserId) ?? n.authorUserId,
      authorId: n.authorUserId,
      at: iso(n.at)!,
    };
  }

  private planView(p: AarPlanItemEntity, names: Map<string, string>): ImprovementItem {
    return {
      id: p.id,
      ...(p.objectiveId !== null ? { objectiveId: p.objectiveId } : {}),
      capability: p.capability,
      issue: p.issue,
      correctiveAction: p.correctiveAction,
      capabilityElement: p.capabilityElement,
      ...(p.responsibleTeamId !== null ? { responsibleTeamId: p.responsibleTeamId } : {}),
      ...(p.organisation !== null ? { organisation: p.organisation } : {}),
      ...(p.poc !== null ? { poc: p.poc } : {}),
      ...(p.startDate !== null ? { startDate: p.startDate } : {}),
      dueDate: p.dueDate,
      createdBy: names.get(p.createdBy) ?? p.createdBy,
      createdAt: iso(p.createdAt)!,
    };
  }

  /** The evaluators' part of the AAR as it stands: state, notes and improvement plan. */
  async workspace(exerciseId: string) {
    await this.runtime.load(exerciseId); // 404 for an unknown exercise
    const [row, notes, plan] = await Promise.all([
      this.aar.state(exerciseId),
      this.aar.notes(exerciseId),
      this.aar.planItems(exerciseId),
    ]);
    const names = await this.names([
      row?.publishedBy,
      ...notes.map((n) => n.authorUserId),
      ...plan.map((p) => p.createdBy),
    ]);
    return {
      exerciseId,
      state: this.stateView(row, names),
      marking: markingOf(row),
      notes: notes.map((n) => this.noteView(n, names)),
      plan: plan.map((p) => this.planView(p, names)),
    };
  }

  /** Draft edits only: a published AAR is frozen. */
  private async assertDraft(exerciseId: string): Promise<void> {
    const row = await this.aar.state(exerciseId);
    if (row?.status === 'published')
      throw new Conflict(
        `the AAR of exercise ${exerciseId} was published on ${iso(row.publishedAt)} and can no longer be changed`,
      );
  }

  /**
   * Sets the report's TLP marking. Draft only: a published report keeps the marking it was published with (reopen
   * it to change it). Returns the marking before and after, for the audit log.
   */
  async setMarking(exerciseId: string, marking: TlpLabel): Promise<{ before: TlpLabel; marking: TlpLabel }> {
    await this.runtime.load(exerciseId);
    await this.assertDraft(exerciseId);
    const before = markingOf(await this.aar.state(exerciseId));
    if (!(await this.aar.setMarking(exerciseId, marking)))
      throw new Conflict(`the AAR of exercise ${exerciseId} was published meanwhile; reopen it to change its marking`);
    return { before, marking };
  }

  private async objectivesOf(exerciseId: string) {
    const ex = await this.runtime.load(exerciseId);
    return (await this.scenarios.get(ex.scenarioId, ex.scenarioVersion)).scenario.objectives;
  }

  async addNote(exerciseId: string, dto: AarNoteDto, p: Principal): Promise<AarNote> {
    const objectives = await this.objectivesOf(exerciseId);
    await this.assertDraft(exerciseId);
    if (!objectives.some((o) => o.id === dto.objectiveId)) {
      throw new ValidationFailed(`the scenario has no objective ${dto.objectiveId}`, [
        { path: '/objectiveId', message: `must be one of ${objectives.map((o) => o.id).join(', ') || '(none)'}` },
      ]);
    }
    const row: AarNoteEntity = Object.assign(new AarNoteEntity(), {
      id: randomUUID(),
      exerciseId,
      objectiveId: dto.objectiveId,
      kind: dto.kind,
      text: dto.text,
      authorUserId: p.userId,
      at: Date.now(),
    });
    await this.aar.addNote(row);
    return this.noteView(row, new Map([[p.userId, p.name]]));
  }

  async deleteNote(exerciseId: string, noteId: string): Promise<AarNote> {
    await this.runtime.load(exerciseId);
    await this.assertDraft(exerciseId);
    const row = await this.aar.findNote(exerciseId, noteId);
    if (!row) throw new NotFound(`exercise ${exerciseId} has no AAR note ${noteId}`);
    await this.aar.deleteNote(exerciseId, noteId);
    return this.noteView(row, await this.names([row.authorUserId]));
  }

  async addPlanItem(exerciseId: string, dto: PlanItemDto, p: Principal): Promise<ImprovementItem> {
    const objectives = await this.objectivesOf(exerciseId);
    await this.assertDraft(exerciseId);
    const teams = await this.exercises.teamsOf(exerciseId);
    const problems: FieldProblem[] = [];
    const objective = dto.objectiveId === undefined ? undefined : objectives.find((o) => o.id === dto.objectiveId);
    if (dto.objectiveId !== undefined && !objective)
      problems.push({ path: '/objectiveId', message: `the scenario has no objective ${dto.objectiveId}` });
    const capability = dto.capability ?? objective?.capability;
    if (capability === undefined && dto.objectiveId === undefined)
      problems.push({ path: '/capability', message: 'give the capability, or an objectiveId to take it from' });
    if (dto.responsibleTeamId === undefined && dto.organisation === undefined) {
      problems.push({
        path: '/responsibleTeamId',
        message: 'name the responsible team (responsibleTeamId) or organisation',
      });
    }
    if (dto.responsibleTeamId !== undefined && !teams.some((t) => t.id === dto.responsibleTeamId)) {
      problems.push({ path: '/responsibleTeamId', message: 'is not a team of this exercise' });
    }
    if (dto.startDate !== undefined && !isCalendarDate(dto.startDate))
      problems.push({ path: '/startDate', message: 'is not a calendar date' });
    if (!isCalendarDate(dto.dueDate)) problems.push({ path: '/dueDate', message: 'is not a calendar date' });
    else if (dto.startDate !== undefined && isCalendarDate(dto.startDate) && dto.startDate > dto.dueDate)
      problems.push({ path: '/dueDate', message: 'is before startDate' });
    if (problems.length > 0)
      throw new ValidationFailed('the improvement-plan item cannot be recorded as given', problems);

    const row: AarPlanItemEntity = Object.assign(new AarPlanItemEntity(), {
      id: randomUUID(),
      exerciseId,
      objectiveId: dto.objectiveId ?? null,
      capability: capability!,
      issue: dto.issue,
      correctiveAction: dto.correctiveAction,
      capabilityElement: dto.capabilityElement,
      responsibleTeamId: dto.responsibleTeamId ?? null,
      organisation: dto.organisation ?? null,
      poc: dto.poc ?? null,
      startDate: dto.startDate ?? null,
      dueDate: dto.dueDate,
      createdBy: p.userId,
      createdAt: Date.now(),
    });
    await this.aar.addPlanItem(row);
    return this.planView(row, new Map([[p.userId, p.name]]));
  }

  async deletePlanItem(exerciseId: string, itemId: string): Promise<ImprovementItem> {
    await this.runtime.load(exerciseId);
    await this.assertDraft(exerciseId);
    const row = await this.aar.findPlanItem(exerciseId, itemId);
    if (!row) throw new NotFound(`exercise ${exerciseId} has no improvement-plan item ${itemId}`);
    await this.aar.deletePlanItem(exerciseId, itemId);
    return this.planView(row, await this.names([row.createdBy]));
  }

  /** Assembles the report from the current record; `state` and `marking` say how it is to be labelled. */
  private async assemble(exerciseId: string, state: AarState, marking: TlpLabel): Promise<Aar> {
    const snap = await this.scoring.snapshot(exerciseId);
    const ex = snap.exercise;
    const scenario = (await this.scenarios.get(ex.scenarioId, ex.scenarioVersion)).scenario;
    const [deliveries, reports, events, notes, plan, country] = await Promise.all([
      this.deliveries.listAll(exerciseId),
      this.ism.all(exerciseId),
      this.auditLog.list({ exerciseId }),
      this.aar.notes(exerciseId),
      this.aar.planItems(exerciseId),
      this.aar.teamCountries(snap.teams.map((t) => t.id)),
    ]);
    const timelineEvents = events.filter((e) => inTimeline(e.action));
    const ended = ex.status === 'completed' || ex.status === 'aborted';
    const feedback = ended ? await this.feedback.entries(exerciseId) : undefined;
    const comcheck = await this.comchecks.ofRecord(exerciseId, ex.endedAt ?? null);
    // Requests for assistance and each team's cooperation score: the report's cooperation section.
    const { assistance, cooperation } = await this.assistance.forReport(exerciseId);
    const names = await this.names([
      ...notes.map((n) => n.authorUserId),
      ...plan.map((p) => p.createdBy),
      ...timelineEvents.map((e) => e.actorUserId),
    ]);
    for (const [id, name] of snap.userNames) names.set(id, name);
    const aar = buildAar({
      exercise: {
        id: ex.id,
        name: ex.name,
        status: ex.status,
        speed: ex.speed,
        createdAt: iso(ex.createdAt),
        startedAt: iso(ex.startedAt),
        endedAt: iso(ex.endedAt),
        scenarioMsAtEnd: ex.startedAt === null ? null : scenarioMsAt(clockOf(ex), ex.endedAt ?? Date.now()),
      },
      scenario: {
        id: scenario.id,
        version: ex.scenarioVersion,
        title: scenario.title,
        summary: scenario.summary,
        plannedDurationMinutes: scenario.plannedDurationMinutes,
        objectives: scenario.objectives,
        phases: scenario.phases,
        injects: scenario.injects,
      },
      teams: snap.teams.map((t) => ({ ...t, country: country.get(t.id) ?? null })),
      deliveries: deliveries.map((d) => ({
        teamId: d.teamId,
        injectId: d.injectId,
        status: d.status,
        releasedAt: iso(d.releasedAt),
        releasedScenarioMs: d.releasedScenarioMs,
        acknowledgedAt: iso(d.acknowledgedAt),
        acknowledgedScenarioMs: d.acknowledgedScenarioMs,
      })),
      reports,
      events: timelineEvents.map((e) => ({
        at: iso(e.at)!,
        action: e.action,
        actor: e.actorUserId ? (names.get(e.actorUserId) ?? e.actorUserId) : null,
        actorRole: e.actorRole,
        targetType: e.targetType,
        targetId: e.targetId,
      })),
      scores: snap.scores,
      method: {
        timelinessWeight: snap.config.timelinessWeight,
        ratingThresholds: snap.config.ratingThresholds,
        weights: snap.config.weights,
      },
      notes: notes.map((n) => this.noteView(n, names)),
      plan: plan.map((p) => this.planView(p, names)),
      state,
      marking,
      userNames: Object.fromEntries(names),
      generatedAt: new Date().toISOString(),
      ...(feedback ? { feedback } : {}),
      ...(comcheck ? { comcheck } : {}),
      assistance,
      cooperation,
    });
    const lines = (await this.sinceLastDrill?.(aar, snap.scores.teams)) ?? new Map<string, string>();
    for (const card of aar.scorecards) {
      const line = lines.get(card.teamId);
      if (line) card.sinceLastDrill = line;
    }
    return aar;
  }

  /**
   * Where each team's "since last drill" line comes from: capacity across drills (CapacityService), which itself reads
   * earlier drills' reports through this service, so it registers here rather than being injected (a cycle).
   */
  private sinceLastDrill?: SinceLastDrillSource;

  useSinceLastDrill(source: SinceLastDrillSource): void {
    this.sinceLastDrill = source;
  }

  /** The report: the frozen copy once published, otherwise assembled now and labelled DRAFT. */
  async report(exerciseId: string): Promise<Aar> {
    await this.runtime.load(exerciseId);
    const row = await this.aar.state(exerciseId);
    if (row?.status === 'published' && row.snapshot) {
      // A report published before reports carried a marking has none in its frozen copy.
      const aar = JSON.parse(row.snapshot) as Omit<Aar, 'marking'> & { marking?: TlpLabel };
      return { ...aar, marking: aar.marking ?? markingOf(row) };
    }
    return this.assemble(exerciseId, { status: 'draft' }, markingOf(row));
  }

  async render(exerciseId: string, format: ReportFormat): Promise<{ aar: Aar; body: string | Buffer }> {
    const aar = await this.report(exerciseId);
    if (format === 'pdf') {
      await this.pdf.chromium(); // 501 before the report is rendered for nothing
      return { aar, body: await this.pdf.print(await renderAarHtml(aar)) };
    }
    const body =
      format === 'html' ? await renderAarHtml(aar) : format === 'csv' ? renderAarCsv(aar) : JSON.stringify(aar);
    return { aar, body };
  }

  /**
   * What the scores are computed from, counted: overrides are append-only and reports and releases stop at ENDEX, so
   * equal counts before assembling the report and under the publication's hold mean the report shows the same
   * figures as the scorecards.
   */
  private async scoreInputs(exerciseId: string, m?: EntityManager): Promise<string> {
    return (await this.aar.scoreInputs(exerciseId, m)).join('/');
  }

  /**
   * Publishes the AAR once the exercise is over. The report as it stands is stored and served from then on; notes,
   * plan, score and rating overrides can no longer change until an evaluator reopens it. Exactly once: the state
   * moves from draft under the hold that overrides also take (holdDraftAar), and only if no score input changed
   * while the report was assembled, so the published figures are the scorecards' figures.
   */
  async publish(exerciseId: string, p: Principal, requestId?: string) {
    const ex = await this.runtime.load(exerciseId);
    if (ex.status !== 'completed' && ex.status !== 'aborted') {
      throw new Conflict(`the AAR can be published once the exercise is completed or aborted (it is ${ex.status})`);
    }
    await this.assertDraft(exerciseId);
    for (let attempt = 1; ; attempt++) {
      const inputs = await this.scoreInputs(exerciseId);
      const at = Date.now();
      const marking = markingOf(await this.aar.state(exerciseId));
      const aar = await this.assemble(
        exerciseId,
        { status: 'published', publishedAt: new Date(at).toISOString(), publishedBy: p.name },
        marking,
      );
      const published = await this.aar.transaction(async (m) => {
        await holdDraftAar(this.aar, m, exerciseId, 'publishing again');
        if ((await this.scoreInputs(exerciseId, m)) !== inputs) return undefined; // assemble again
        if (markingOf(await this.aar.state(exerciseId, m)) !== marking) return undefined; // re-marked meanwhile
        const done = await this.aar.publish(m, exerciseId, {
          publishedAt: at,
          publishedBy: p.userId,
          snapshot: JSON.stringify(aar),
        });
        if (!done) throw new Conflict(`the AAR of exercise ${exerciseId} is already published`);
        const result = { exerciseId, state: aar.state, marking: aar.marking, keyFigures: aar.keyFigures };
        await this.audit.record(
          {
            actorUserId: p.userId,
            actorRole: p.role,
            action: 'aar.publish',
            targetType: 'aar',
            targetId: exerciseId,
            exerciseId,
            before: { state: { status: 'draft' } },
            after: { state: aar.state, marking: aar.marking, keyFigures: aar.keyFigures },
            requestId,
            at,
          },
          m,
        );
        return result;
      });
      if (published) return published;
      if (attempt >= 3)
        throw new Conflict(`the scores of exercise ${exerciseId} kept changing while the AAR was being published`);
    }
  }

  /**
   * Returns a published AAR to draft, with the reason on record: scores, ratings, notes and plan can change again
   * and the report is assembled afresh until it is published again. The published copy is dropped (its key figures
   * stay in the audit log).
   */
  async reopen(exerciseId: string, reason: string | undefined, p: Principal, requestId?: string) {
    await this.runtime.load(exerciseId);
    if (reason === undefined || reason.trim() === '')
      throw new ValidationFailed('say why the AAR is reopened', [{ path: '/reason', message: 'is required' }]);
    const at = Date.now();
    return this.aar.transaction(async (m) => {
      const row = await this.aar.state(exerciseId, m);
      const done = row?.status === 'published' && (await this.aar.reopen(m, exerciseId));
      if (!row || !done)
        throw new Conflict(`the AAR of exercise ${exerciseId} is not published: there is nothing to reopen`);
      const was = row.snapshot ? (JSON.parse(row.snapshot) as Aar) : undefined;
      await this.audit.record(
        {
          actorUserId: p.userId,
          actorRole: p.role,
          action: 'aar.reopen',
          targetType: 'aar',
          targetId: exerciseId,
          exerciseId,
          before: { state: was?.state ?? { status: 'published' }, keyFigures: was?.keyFigures ?? null },
          after: { state: { status: 'draft' }, reason: reason.trim() },
          requestId,
          at,
        },
        m,
      );
      return { exerciseId, state: { status: 'draft' as const }, reason: reason.trim(), reopenedAt: iso(at) };
    });
  }
}
