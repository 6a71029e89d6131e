import { Injectable, type OnModuleInit } from '@nestjs/common';
import { NotFound, type TeamTier } from '@drill/contracts';
import {
  capacityView,
  figuresFromAar,
  handlingFaultsOf,
  rangeBound,
  sinceLastDrill,
  renderCapacityCsv,
  teamHistory,
  type CapacityFilter,
  type CapacityResponse,
  type CapacityView,
  type DrillFigures,
  type OpenPlanItem,
  type TeamDrillResult,
  type TeamHistoryResponse,
} from '@drill/capacity';
import type { Aar } from '@drill/reporting';
import type { TeamScore } from '@drill/scoring';
import { AarRepository } from '../reporting/aar.repository.js';
import { ReportingService } from '../reporting/reporting.service.js';
import { ScoringService } from '../scoring/scoring.service.js';
import { CapacityRepository, type CountedDrill } from './capacity.repository.js';

/** Drills whose figures are kept between requests; an older one is computed again if asked for. */
const KEPT_DRILLS = 200;

/**
 * Capacity across drills. Only completed drills count: an aborted drill stopped part-way, so its teams were scored
 * on part of the MSEL, and counting it would show a slip that is the drill's, not the team's.
 *
 * Each drill's figures are its after-action report's (ReportingService.report: the frozen copy once published,
 * the draft assembled from the record otherwise), so the capacity page and the AAR never disagree. They are
 * computed once per drill and kept while what they depend on is unchanged: the AAR's state and the counts of score
 * inputs that publication itself checks (overrides, reports, releases; see AarRepository.scoreInputs). A completed
 * drill's teams and scenario cannot change. The team's name and tier are read afresh on every request: they belong
 * to the CERT, not to the drill.
 */
@Injectable()
export class CapacityService implements OnModuleInit {
  private readonly kept = new Map<string, { key: string; figures: DrillFigures[] }>();

  constructor(
    private readonly repo: CapacityRepository,
    private readonly reporting: ReportingService,
    private readonly scoring: ScoringService,
    private readonly aar: AarRepository,
  ) {}

  onModuleInit(): void {
    this.reporting.useSinceLastDrill((aar, teams) => this.sinceLastDrillOf(aar, teams));
  }

  /**
   * The AAR's "since last drill" line of each team of a completed drill: its figures (from the report being built)
   * against the team's previous completed drill. Earlier drills' figures come from their own reports, which look only
   * further back, so this never reads the drill it is building.
   */
  private async sinceLastDrillOf(aar: Aar, teams: readonly TeamScore[]): Promise<Map<string, string>> {
    const ex = aar.overview.exercise;
    if (ex.status !== 'completed' || ex.endedAt === null) return new Map();
    const endedAt = Date.parse(ex.endedAt);
    const earlier = (await this.repo.completedDrills(-Infinity, endedAt)).filter(
      (d) => d.id !== ex.id && d.endedAt! < endedAt,
    );
    if (!earlier.length) return new Map();
    const results = [
      ...(await this.results(earlier)),
      ...figuresFromAar(aar, handlingFaultsOf(teams)).map((f) => ({ ...f, tier: null })),
    ];
    const lines = new Map<string, string>();
    for (const card of aar.scorecards) {
      const line = sinceLastDrill(teamHistory(results, card.code), ex.id);
      if (line) lines.set(card.teamId, line.text);
    }
    return lines;
  }

  /** What a drill's AAR figures depend on, as one string: equal strings mean equal figures. */
  private async keyOf(exerciseId: string): Promise<string> {
    const [state, inputs] = await Promise.all([this.aar.state(exerciseId), this.aar.scoreInputs(exerciseId)]);
    return `${state?.status ?? 'draft'}@${state?.publishedAt ?? ''}/${inputs.join('/')}`;
  }

  private async figuresOf(drill: CountedDrill): Promise<DrillFigures[]> {
    const key = await this.keyOf(drill.id);
    const hit = this.kept.get(drill.id);
    if (hit?.key === key) {
      this.kept.delete(drill.id); // most recently used last
      this.kept.set(drill.id, hit);
      return hit.figures;
    }
    const aar = await this.reporting.report(drill.id);
    // Handling faults are not in the report's model: counted from the same scores (frozen too once published, as
    // overrides are then refused and a completed drill takes no reports).
    const snap = await this.scoring.snapshot(drill.id);
    const figures = figuresFromAar(aar, handlingFaultsOf(snap.scores.teams));
    this.kept.set(drill.id, { key, figures });
    if (this.kept.size > KEPT_DRILLS) this.kept.delete(this.kept.keys().next().value!);
    return figures;
  }

  /** Every team's figures in the completed drills that ended in range, with each team's current name and tier. */
  private async results(drills: CountedDrill[]): Promise<TeamDrillResult[]> {
    const figures: DrillFigures[] = [];
    // One drill after another: on SQLite every query shares one connection anyway.
    for (const d of drills) figures.push(...(await this.figuresOf(d)));
    const teams = await this.repo.teams([...new Set(figures.map((f) => f.teamId))]);
    return figures.map((f) => {
      const t = teams.get(f.teamId);
      return { ...f, teamName: t?.name ?? f.teamName, tier: (t?.tier ?? null) as TeamTier | null };
    });
  }

  private async openPlanItems(teamIds: string[]): Promise<Map<string, OpenPlanItem[]>> {
    const drills = await this.repo.completedDrills();
    const names = new Map(drills.map((d) => [d.id, d.name]));
    const items = await this.repo.planItemsFor(teamIds, [...names.keys()]);
    const today = new Date().toISOString().slice(0, 10);
    const byTeam = new Map<string, OpenPlanItem[]>();
    for (const p of items) {
      const list = byTeam.get(p.responsibleTeamId!) ?? [];
      list.push({
        id: p.id,
        exerciseId: p.exerciseId,
        exerciseName: names.get(p.exerciseId) ?? p.exerciseId,
        capability: p.capability,
        issue: p.issue,
        correctiveAction: p.correctiveAction,
        capabilityElement: p.capabilityElement,
        dueDate: p.dueDate,
        overdue: p.dueDate < today,
      });
      byTeam.set(p.responsibleTeamId!, list);
    }
    return byTeam;
  }

  /**
   * Per team and per tier, per capability, the series over the completed drills in range with the change since the
   * first; tier medians; the latest drill's heat map; and each team's improvement-plan items from earlier AARs.
   * The query was validated by CapacityQueryDto.
   */
  async capacity(filter: CapacityFilter): Promise<CapacityResponse> {
    const from = filter.from === undefined ? -Infinity : rangeBound(filter.from, 'from');
    const to = filter.to === undefined ? Infinity : rangeBound(filter.to, 'to');
    const view = capacityView(await this.results(await this.repo.completedDrills(from, to)), filter);
    const plan = await this.openPlanItems(view.teams.map((t) => t.teamId));
    return { ...view, teams: view.teams.map((t) => ({ ...t, openPlanItems: plan.get(t.teamId) ?? [] })) };
  }

  capacityCsv(view: CapacityView): string {
    return renderCapacityCsv(view);
  }

  /** Every completed drill of the team, oldest first, with its figures, and its improvement-plan items. */
  async history(teamId: string): Promise<TeamHistoryResponse> {
    const team = await this.repo.team(teamId);
    if (!team) throw new NotFound(`no team ${teamId}`);
    const enrolled = await this.repo.exerciseIdsOf(teamId);
    const drills = (await this.repo.completedDrills()).filter((d) => enrolled.has(d.id));
    const drillsOfTeam = teamHistory(await this.results(drills), team.code);
    const plan = await this.openPlanItems([teamId]);
    return {
      team: {
        id: team.id,
        code: team.code,
        name: team.name,
        country: team.country,
        tier: team.tier as TeamTier | null,
      },
      drills: drillsOfTeam,
      openPlanItems: plan.get(teamId) ?? [],
    };
  }
}
