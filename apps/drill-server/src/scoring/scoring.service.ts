import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Forbidden, NotFound, type CooperationView } from '@drill/contracts';
import { isControl, type Principal } from '@drill/auth';
import { scenarioMsAt, wallTimeFor } from '@drill/exercise';
import {
  explainInjectScore,
  explainRating,
  explainRedactedInjectScore,
  redactTeamScore,
  IncrementalScores,
  resolveScoringConfig,
  validateRatingOverride,
  validateScoreOverride,
  type ExerciseScores,
  type InjectScore,
  type Rating,
  type ScoresOptions,
  type ScoringConfig,
} from '@drill/scoring';
import type { ExerciseEntity } from '@drill/persistence';
import { AuditService } from '../audit/audit.service.js';
import { IsmService } from '../ism/ism.service.js';
import { AarRepository } from '../reporting/aar.repository.js';
import { DeliveryRepository } from '../runtime/delivery.repository.js';
import { clockOf, ExerciseRuntime } from '../runtime/exercise-runtime.js';
import { ExercisesService } from '../runtime/exercises.service.js';
import { LiveChannel } from '../runtime/live-channel.js';
import { ScenarioCache } from '../runtime/scenario-cache.js';
import { holdDraftAar } from './aar-freeze.js';
import { ScoreRepository } from './score.repository.js';

/** Each enrolled team's cooperation figures (requests for assistance it was asked), by team id. */
export type CooperationSource = (exerciseId: string) => Promise<Map<string, CooperationView>>;

const MIN = 60_000;
/** ENDEX: the exercise is over; from then on a team may read the full explanation of its own scores. */
const ended = (ex: ExerciseEntity) => ex.status === 'completed' || ex.status === 'aborted';
/**
 * Reports arriving together are scored together: one update per exercise per this many ms. An update reads only the
 * rows changed since the last one and re-scores their pairs (see snapshot), so it is cheap; the wait bounds how
 * often a burst of reports is pushed to the board, and the board lags a report by about this much (the issue asks
 * for a `score.update` within 1 s of a report; the ingest benchmark measures it).
 */
const RECOMPUTE_DEBOUNCE_MS = 250;
/** Rows timestamped this long before the previous read are read again (a commit may land after its timestamp). */
const DELTA_MARGIN_MS = 15_000;
/** Exercises whose scores are kept between reads. */
const LIVE_EXERCISES = 16;

interface KeptScores {
  teamKey: string;
  scenarioKey: string;
  config: ScoringConfig;
  scores: IncrementalScores;
  /** The drill clock when the rows last read were read; undefined before the first (full) read. */
  readUpTo: number | undefined;
}

export interface ScoringSnapshot {
  exercise: ExerciseEntity;
  config: ScoringConfig;
  scores: ExerciseScores;
  teams: { id: string; code: string; name: string }[];
  injectTitles: Map<string, string>;
  userNames: Map<string, string>;
}

/**
 * Feeds the pure scoring engine from what the drill recorded (releases, acknowledgements, ISM reports, evaluator
 * overrides), keeps the control room's live board current, and records overrides with their justification.
 */
@Injectable()
export class ScoringService implements OnModuleInit, OnModuleDestroy {
  private readonly log = new Logger('scoring');
  private readonly pending = new Map<string, NodeJS.Timeout>();
  private readonly deadlineTimers = new Set<NodeJS.Timeout>();
  private readonly lastPercent = new Map<string, Map<string, number | null>>();
  private readonly kept = new Map<string, KeptScores>();

  constructor(
    private readonly overrides: ScoreRepository,
    private readonly aar: AarRepository,
    private readonly deliveries: DeliveryRepository,
    private readonly exercises: ExercisesService,
    private readonly runtime: ExerciseRuntime,
    private readonly scenarios: ScenarioCache,
    private readonly ism: IsmService,
    private readonly live: LiveChannel,
    private readonly audit: AuditService,
  ) {}

  onModuleInit(): void {
    this.ism.onReport((exerciseId) => this.scheduleRecompute(exerciseId));
    // When a response deadline passes without a report, the score becomes final: tell the board then.
    this.runtime.onReleased((ex, _teamId, inject) => {
      if (!inject.responseRequired || inject.deadlineMinutes === undefined || ex.status !== 'running') return;
      const due = wallTimeFor(clockOf(ex), scenarioMsAt(clockOf(ex), Date.now()) + inject.deadlineMinutes * MIN);
      const t = setTimeout(
        () => {
          this.deadlineTimers.delete(t);
          this.scheduleRecompute(ex.id);
        },
        Math.max(0, due - Date.now()) + 50,
      );
      this.deadlineTimers.add(t);
    });
  }

  onModuleDestroy(): void {
    for (const t of [...this.pending.values(), ...this.deadlineTimers]) clearTimeout(t);
  }

  private scheduleRecompute(exerciseId: string): void {
    if (this.pending.has(exerciseId)) return;
    this.pending.set(
      exerciseId,
      setTimeout(() => {
        this.pending.delete(exerciseId);
        this.pushUpdates(exerciseId).catch((e: unknown) => this.log.error(e as Error));
      }, RECOMPUTE_DEBOUNCE_MS),
    );
  }

  /** Recomputes and sends `score.update` for each team whose figure moved (control room; the team itself if allowed). */
  private async pushUpdates(exerciseId: string): Promise<void> {
    const { live, exercise } = await this.refresh(exerciseId);
    const last = this.lastPercent.get(exerciseId) ?? new Map<string, number | null>();
    for (const t of live.scores.totals()) {
      if (last.has(t.teamId) && last.get(t.teamId) === t.percent) continue;
      last.set(t.teamId, t.percent);
      // Figures only (no explanation, no answer-key items): the same payload may go to the team itself.
      const update = {
        exerciseId,
        teamId: t.teamId,
        percent: t.percent,
        autoPercent: t.autoPercent,
        injects: t.injects.map((i) => ({ injectId: i.injectId, final: i.final.score })),
      };
      this.live.toScorers(exerciseId, 'score.update', update);
      if (exercise.settings.teamsSeeOwnScores) this.live.toTeam(exerciseId, t.teamId, 'score.update', update);
    }
    this.lastPercent.set(exerciseId, last);
  }

  /**
   * The exercise's scores from what the database holds now. The scores are kept per exercise between calls and fed
   * only what changed since the last read (reports submitted, deliveries released or acknowledged within the last
   * `DELTA_MARGIN_MS`, so that a row committed a little after its timestamp is not missed; a row seen twice counts
   * once), so a read costs a few recent rows, not the whole drill: with the debounced board push that is once a
   * second while reports flow. Overrides are few and read whole. See IncrementalScores for why this equals a full
   * recompute, and for why full inject scores are built only for the teams a read names (`options.teams`).
   */
  async snapshot(exerciseId: string, options: ScoresOptions = {}): Promise<ScoringSnapshot> {
    const { live, exercise, pinned, teams, scoreOverrides, ratingOverrides } = await this.refresh(exerciseId);
    const scores = live.scores.scores(options);
    const byIds = [...new Set([...scoreOverrides.map((o) => o.byUserId), ...ratingOverrides.map((o) => o.byUserId)])];
    const userNames = await this.aar.userNames(byIds);
    return {
      exercise,
      config: live.config,
      scores,
      teams,
      injectTitles: new Map(pinned.scenario.injects.map((i) => [i.id, i.title])),
      userNames,
    };
  }

  /** Feeds the exercise's kept scores what changed since they were last fed (see `snapshot`). */
  private async refresh(exerciseId: string) {
    const exercise = await this.runtime.load(exerciseId);
    const pinned = await this.scenarios.get(exercise.scenarioId, exercise.scenarioVersion);
    const teams = await this.exercises.teamsOf(exerciseId);
    const codeOf = new Map(teams.map((t) => [t.id, t.code]));
    const teamKey = teams.map((t) => t.id).join(',');
    let live = this.kept.get(exerciseId);
    if (
      !live ||
      live.teamKey !== teamKey ||
      live.scenarioKey !== `${exercise.scenarioId}@${exercise.scenarioVersion}`
    ) {
      const injectWeights = Object.fromEntries(pinned.scenario.injects.map((i) => [i.id, 1]));
      const config = resolveScoringConfig(pinned.scenario.scoring, injectWeights);
      live = {
        teamKey,
        scenarioKey: `${exercise.scenarioId}@${exercise.scenarioVersion}`,
        config,
        scores: new IncrementalScores({
          injects: pinned.scenario.injects,
          teams: teams.map((t) => t.id),
          objectives: pinned.scenario.objectives,
          config,
        }),
        readUpTo: undefined,
      };
      this.kept.set(exerciseId, live);
      // A handful of drills at a time; the oldest is rebuilt from the database if it is asked for again.
      if (this.kept.size > LIVE_EXERCISES) this.kept.delete(this.kept.keys().next().value!);
    } else {
      this.kept.delete(exerciseId); // most recently used last
      this.kept.set(exerciseId, live);
    }
    const readAt = this.runtime.now();
    const since = live.readUpTo === undefined ? undefined : live.readUpTo - DELTA_MARGIN_MS;
    const deliveries = await this.deliveries.listReleased(exerciseId, since);
    const reports = await this.ism.all(exerciseId, since);
    const scoreOverrides = await this.overrides.scoreOverrides(exerciseId);
    const ratingOverrides = await this.overrides.ratingOverrides(exerciseId);

    live.scores
      .setScoreOverrides(
        scoreOverrides.map((o) => ({
          teamId: o.teamId,
          injectId: o.injectId,
          ...(o.timeliness !== null ? { timeliness: o.timeliness } : {}),
          ...(o.completeness !== null ? { completeness: o.completeness } : {}),
          justification: o.justification,
          by: o.byUserId,
          at: new Date(o.at).toISOString(),
        })),
      )
      .setRatingOverrides(
        ratingOverrides.map((o) => ({
          objectiveId: o.objectiveId,
          ...(o.teamId ? { teamId: o.teamId } : {}),
          rating: o.rating,
          justification: o.justification,
          by: o.byUserId,
          at: new Date(o.at).toISOString(),
        })),
      )
      .setReleases(
        deliveries.map((d) => ({
          teamId: d.teamId,
          injectId: d.injectId,
          releasedAtScenarioMin: (d.releasedScenarioMs ?? 0) / MIN,
          ...(d.acknowledgedScenarioMs !== null ? { ackAtScenarioMin: d.acknowledgedScenarioMs / MIN } : {}),
        })),
      )
      // Answer keys name recipient teams by code; reports store team ids.
      .addReports(
        reports.map((r) => ({
          ...r,
          atScenarioMin: r.submittedScenarioMs / MIN,
          recipients: {
            teams: r.recipients.teams === 'all' ? 'all' : r.recipients.teams.map((id) => codeOf.get(id) ?? id),
          },
        })),
      );
    live.readUpTo = readAt;
    return { live, exercise, pinned, teams, scoreOverrides, ratingOverrides };
  }

  private injectView(s: InjectScore, snap: ScoringSnapshot) {
    return {
      ...s,
      title: snap.injectTitles.get(s.injectId),
      overrideBy: s.override ? snap.userNames.get(s.override.by) : undefined,
      explanation: explainInjectScore(s),
    };
  }

  /** Who may read scorecards: drill control always; a participant only its own team's, when the exercise allows it. */
  private async checkReader(exerciseId: string, p: Principal, teamId?: string): Promise<ExerciseEntity> {
    const ex = await this.exercises.forViewer(exerciseId, p);
    if (p.role === 'controller' || p.role === 'evaluator') return ex;
    if (p.role === 'participant' && ex.settings.teamsSeeOwnScores && teamId !== undefined && teamId === p.teamId)
      return ex;
    throw new Forbidden(
      isControl(p.role)
        ? 'observers do not read scorecards'
        : 'teams do not see scores in this exercise (only their own, when the exercise allows it)',
    );
  }

  /** Whether the AAR is published: scores are then frozen (overrides refused) until an evaluator reopens it. */
  async scoresFrozen(exerciseId: string): Promise<boolean> {
    return (await this.aar.state(exerciseId))?.status === 'published';
  }

  /**
   * Scorecards. Drill control reads everything. A team (only its own, only when the exercise allows it) reads,
   * while the exercise runs, its figures and what it did but nothing of the answer key (see redactInjectScore in
   * @drill/scoring); after ENDEX it reads its full scorecard with every explanation.
   */
  /** Where each team's cooperation figures come from (the assistance module registers itself). */
  private cooperation?: CooperationSource;

  useCooperation(source: CooperationSource): void {
    this.cooperation = source;
  }

  async scorecards(exerciseId: string, p: Principal, teamId?: string) {
    const ex = await this.checkReader(exerciseId, p, teamId);
    // A team's scorecard during the drill carries no cooperation score (its explanations quote the answer key).
    const redacted = p.role === 'participant' && !ended(ex);
    const cooperation = (!redacted && (await this.cooperation?.(exerciseId))) || new Map<string, CooperationView>();
    const cooperationOf = (t: { teamId: string }) => ({ cooperation: cooperation.get(t.teamId) ?? null });
    const snap = await this.snapshot(exerciseId, teamId === undefined ? {} : { teams: [teamId] });
    const teams = snap.scores.teams;
    if (teamId !== undefined && teams.length === 0) throw new NotFound(`team ${teamId} is not in this exercise`);
    const named = new Map(snap.teams.map((t) => [t.id, t]));
    const scoresFrozen = await this.scoresFrozen(exerciseId);
    if (p.role === 'participant') {
      // The method without the per-inject weights (their keys name injects the team may never have received) and,
      // during the drill, without the critical-miss cap (it tells that a key has critical IOCs).
      const c = snap.config;
      const general = {
        timelinessWeight: c.timelinessWeight,
        timelinessFloor: c.timelinessFloor,
        weights: c.weights,
        ratingThresholds: c.ratingThresholds,
      };
      const names = (t: { teamId: string }) => ({ code: named.get(t.teamId)?.code, name: named.get(t.teamId)?.name });
      if (!ended(ex)) {
        return {
          exerciseId,
          redacted: true,
          method: general,
          teams: teams.map((t) => {
            const r = redactTeamScore(t);
            return {
              ...r,
              ...names(t),
              injects: r.injects.map((i) => ({
                ...i,
                title: snap.injectTitles.get(i.injectId),
                explanation: explainRedactedInjectScore(i),
              })),
            };
          }),
          objectives: [],
          unusedOverrides: [],
          scoresFrozen,
        };
      }
      return {
        exerciseId,
        redacted: false,
        method: { ...general, criticalMissCap: c.criticalMissCap },
        teams: teams.map((t) => ({
          ...t,
          ...names(t),
          ...cooperationOf(t),
          injects: t.injects.map((i) => this.injectView(i, snap)),
        })),
        objectives: [],
        unusedOverrides: snap.scores.unusedScoreOverrides.filter((o) => o.teamId === p.teamId),
        scoresFrozen,
      };
    }
    return {
      exerciseId,
      redacted: false,
      method: snap.config,
      teams: teams.map((t) => ({
        ...t,
        code: named.get(t.teamId)?.code,
        name: named.get(t.teamId)?.name,
        ...cooperationOf(t),
        injects: t.injects.map((i) => this.injectView(i, snap)),
      })),
      // Objective ratings compare teams: for drill control only.
      objectives:
        teamId === undefined || isControl(p.role)
          ? snap.scores.objectives
              .map((o) => ({
                ...o,
                perTeam: teamId === undefined ? o.perTeam : o.perTeam.filter((x) => x.teamId === teamId),
              }))
              .map((o) => ({ ...o, explanation: explainRating(o, snap.config.ratingThresholds) }))
          : [],
      unusedOverrides: snap.scores.unusedScoreOverrides,
      scoresFrozen,
    };
  }

  async overrideScore(
    exerciseId: string,
    teamId: string,
    injectId: string,
    input: { timeliness?: number; completeness?: number; justification: string },
    p: Principal,
    requestId?: string,
  ) {
    await this.checkReader(exerciseId, p);
    const before = await this.snapshot(exerciseId, { teams: [teamId] });
    const current = before.scores.teams.find((t) => t.teamId === teamId)?.injects.find((i) => i.injectId === injectId);
    if (!current)
      throw new NotFound(
        `team ${teamId} has no scored response to inject ${injectId} (it was not released to the team or needs no response)`,
      );
    const at = Date.now();
    validateScoreOverride({ ...input, by: p.userId, at: new Date(at).toISOString() });
    await this.overrides.transaction(async (m) => {
      await holdDraftAar(this.aar, m, exerciseId, 'a score override');
      await this.overrides.addScoreOverride(m, {
        id: randomUUID(),
        exerciseId,
        teamId,
        injectId,
        timeliness: input.timeliness ?? null,
        completeness: input.completeness ?? null,
        justification: input.justification,
        byUserId: p.userId,
        at,
      });
    });
    const afterSnap = await this.snapshot(exerciseId, { teams: [teamId] });
    const after = afterSnap.scores.teams[0]!.injects.find((i) => i.injectId === injectId)!;
    await this.audit.record({
      actorUserId: p.userId,
      actorRole: p.role,
      action: 'score.override',
      targetType: 'score',
      targetId: `${teamId}/${injectId}`,
      exerciseId,
      before: { auto: current.auto, final: current.final, override: current.override ?? null },
      after: { final: after.final, override: after.override, justification: input.justification },
      requestId,
      at,
    });
    this.scheduleRecompute(exerciseId);
    return this.injectView(after, afterSnap);
  }

  async overrideRating(
    exerciseId: string,
    objectiveId: string,
    input: { rating: Rating; justification: string; teamId?: string },
    p: Principal,
    requestId?: string,
  ) {
    await this.checkReader(exerciseId, p);
    const snap = await this.snapshot(exerciseId, { teams: [] });
    const objective = snap.scores.objectives.find((o) => o.objectiveId === objectiveId);
    if (!objective) throw new NotFound(`the scenario has no objective ${objectiveId}`);
    if (input.teamId && !snap.teams.some((t) => t.id === input.teamId))
      throw new NotFound(`team ${input.teamId} is not in this exercise`, [
        { path: '/teamId', message: 'unknown team' },
      ]);
    const at = Date.now();
    validateRatingOverride({ objectiveId, ...input, by: p.userId, at: new Date(at).toISOString() });
    await this.overrides.transaction(async (m) => {
      await holdDraftAar(this.aar, m, exerciseId, 'a rating override');
      await this.overrides.addRatingOverride(m, {
        id: randomUUID(),
        exerciseId,
        objectiveId,
        teamId: input.teamId ?? null,
        rating: input.rating,
        justification: input.justification,
        byUserId: p.userId,
        at,
      });
    });
    await this.audit.record({
      actorUserId: p.userId,
      actorRole: p.role,
      action: 'rating.override',
      targetType: 'objective',
      targetId: input.teamId ? `${objectiveId}/${input.teamId}` : objectiveId,
      exerciseId,
      before: { computed: objective.computedRating, rating: objective.rating },
      after: { rating: input.rating, justification: input.justification },
      requestId,
      at,
    });
    return (await this.scorecards(exerciseId, p)).objectives.find((o) => o.objectiveId === objectiveId);
  }
}
