import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Conflict, Forbidden } from '@drill/contracts';
import type { Principal } from '@drill/auth';
import { ParticipantFeedbackEntity, type ExerciseEntity } from '@drill/persistence';
import {
  feedbackCapabilities,
  feedbackProblems,
  summariseFeedback,
  type FeedbackEntry,
  type FeedbackObjective,
  type FeedbackSubmission,
  type FeedbackSummary,
  type FeedbackView,
} from '@drill/reporting';
import { AuditService } from '../audit/audit.service.js';
import { badRequest } from '../common/error-filter.js';
import { ExerciseRuntime } from '../runtime/exercise-runtime.js';
import { ExercisesService } from '../runtime/exercises.service.js';
import { ScenarioCache } from '../runtime/scenario-cache.js';
import type { FeedbackDto } from './feedback.dto.js';
import { FeedbackRepository } from './feedback.repository.js';

/** ENDEX: the form opens when the exercise has ended, whether completed or stopped early. */
const ended = (ex: ExerciseEntity) => ex.status === 'completed' || ex.status === 'aborted';
const iso = (ms: number) => new Date(ms).toISOString();

const submissionOf = (r: ParticipantFeedbackEntity): FeedbackSubmission => ({
  objectiveRatings: r.objectiveRatings,
  capabilityRatings: r.capabilityRatings,
  ...(r.strengths !== null ? { strengths: r.strengths } : {}),
  ...(r.improvements !== null ? { improvements: r.improvements } : {}),
  anonymous: r.anonymous,
  submittedAt: iso(r.submittedAt),
});

/**
 * HSEEP participant feedback after ENDEX. Only participants fill the form: it asks how the drill served the people
 * who played it; controllers and evaluators record their view as AAR notes.
 */
@Injectable()
export class FeedbackService {
  constructor(
    private readonly repo: FeedbackRepository,
    private readonly runtime: ExerciseRuntime,
    private readonly exercises: ExercisesService,
    private readonly scenarios: ScenarioCache,
    private readonly audit: AuditService,
  ) {}

  private async objectivesOf(ex: ExerciseEntity): Promise<FeedbackObjective[]> {
    const { scenario } = await this.scenarios.get(ex.scenarioId, ex.scenarioVersion);
    return scenario.objectives.map((o) => ({
      id: o.id,
      capability: o.capability,
      ...(o.description ? { description: o.description } : {}),
    }));
  }

  /**
   * Stores the caller's form, replacing their earlier one, with its audit row in the same transaction. The audit row
   * says who and when, never what: the form may be anonymous.
   */
  async submit(
    exerciseId: string,
    p: Principal,
    dto: FeedbackDto,
    requestId?: string,
  ): Promise<FeedbackSubmission & { replaced: boolean }> {
    if (p.role !== 'participant') throw new Forbidden('only participants fill the participant feedback form');
    const ex = await this.runtime.load(exerciseId);
    await this.exercises.checkTakesPart(exerciseId, p);
    if (!ended(ex)) throw new Conflict(`exercise ${exerciseId} is ${ex.status}; the feedback form opens after ENDEX`);
    const problems = feedbackProblems(await this.objectivesOf(ex), dto);
    if (problems.length) throw badRequest(problems);
    return this.repo.transaction(async (m) => {
      const before = await this.repo.mine(exerciseId, p.userId, m);
      const written = Object.assign(new ParticipantFeedbackEntity(), {
        id: before?.id ?? randomUUID(),
        exerciseId,
        userId: p.userId,
        teamId: p.teamId,
        objectiveRatings: dto.objectiveRatings.map((r) => ({ objectiveId: r.objectiveId, rating: r.rating })),
        capabilityRatings: dto.capabilityRatings.map((r) => ({ capability: r.capability, rating: r.rating })),
        strengths: dto.strengths?.trim() || null,
        improvements: dto.improvements?.trim() || null,
        anonymous: dto.anonymous ?? true,
        submittedAt: Date.now(),
      });
      const row = await this.repo.save(m, written);
      await this.audit.record(
        {
          actorUserId: p.userId,
          actorRole: p.role,
          action: before ? 'feedback.replace' : 'feedback.submit',
          targetType: 'feedback',
          targetId: row.id,
          exerciseId,
          before: before ? { submittedAt: iso(before.submittedAt) } : null,
          after: { submittedAt: iso(row.submittedAt) },
          requestId: requestId ?? null,
        },
        m,
      );
      return { ...submissionOf(row), replaced: before !== null };
    });
  }

  /** Drill control reads the summary; a participant of the exercise their own form. */
  async view(exerciseId: string, p: Principal): Promise<FeedbackView> {
    const ex = await this.runtime.load(exerciseId);
    await this.exercises.checkTakesPart(exerciseId, p);
    const open = ended(ex);
    const objectives = open || p.role !== 'participant' ? await this.objectivesOf(ex) : [];
    const base = {
      exerciseId,
      status: ex.status,
      open,
      objectives,
      capabilities: feedbackCapabilities(objectives),
    };
    if (p.role === 'participant') {
      const mine = await this.repo.mine(exerciseId, p.userId);
      return { ...base, mine: mine ? submissionOf(mine) : null };
    }
    return { ...base, summary: await this.summary(exerciseId, objectives) };
  }

  /** The forms as the summary reads them (names only where their writers chose to be named). */
  async entries(exerciseId: string): Promise<FeedbackEntry[]> {
    const rows = await this.repo.all(exerciseId);
    const named = rows.filter((r) => !r.anonymous);
    const { names, codes } = await this.repo.writers(
      named.map((r) => r.userId),
      named.flatMap((r) => (r.teamId ? [r.teamId] : [])),
    );
    return rows.map((r) => ({
      ...submissionOf(r),
      author: r.anonymous ? '' : (names.get(r.userId) ?? r.userId),
      teamCode: r.anonymous || !r.teamId ? null : (codes.get(r.teamId) ?? null),
    }));
  }

  async summary(exerciseId: string, objectives: readonly FeedbackObjective[]): Promise<FeedbackSummary> {
    return summariseFeedback(objectives, await this.entries(exerciseId));
  }
}
