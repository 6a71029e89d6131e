import type { TeamTier } from '@drill/contracts';
import { median } from '@drill/reporting';
import type {
  CapabilityFigure,
  CapabilitySeries,
  CapacityFilter,
  CapacityView,
  DrillRef,
  LatestDrill,
  Series,
  SeriesPoint,
  SinceLastDrill,
  TeamCapacity,
  TeamDrillResult,
  TierCapacity,
} from './model.js';
import { round2 } from './round.js';

const DAY_MS = 86_400_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * A range bound as epoch ms: a calendar date covers its whole UTC day (so `to=2027-03-31` includes drills that
 * ended that evening), an ISO instant is taken as it is. NaN when `s` is neither (2027-02-30 is not a date).
 */
export function rangeBound(s: string, side: 'from' | 'to'): number {
  const d = DATE.exec(s);
  if (d) {
    const start = Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3]));
    if (new Date(start).toISOString().slice(0, 10) !== s) return Number.NaN;
    return side === 'from' ? start : start + DAY_MS - 1;
  }
  return INSTANT.test(s) ? Date.parse(s) : Number.NaN;
}

export const isRangeBound = (s: string): boolean => !Number.isNaN(rangeBound(s, 'from'));

/** Oldest first; drills that ended at the same instant by id, so that every reader sees one order. */
const byEnd = (a: DrillRef, b: DrillRef) =>
  Date.parse(a.endedAt) - Date.parse(b.endedAt) || a.exerciseId.localeCompare(b.exerciseId);

/** The results inside the filter's date range and tier (the capability filter narrows figures, not drills). */
export function inFilter(results: readonly TeamDrillResult[], filter: CapacityFilter): TeamDrillResult[] {
  const from = filter.from === undefined ? -Infinity : rangeBound(filter.from, 'from');
  const to = filter.to === undefined ? Infinity : rangeBound(filter.to, 'to');
  if (Number.isNaN(from) || Number.isNaN(to)) throw new RangeError('from and to must be dates or ISO instants');
  return results.filter((r) => {
    const at = Date.parse(r.endedAt);
    return at >= from && at <= to && (filter.tier === undefined || r.tier === filter.tier);
  });
}

/** One team's drills, oldest first: the same code across exercises is the same CERT. */
export function teamHistory(results: readonly TeamDrillResult[], teamCode: string): TeamDrillResult[] {
  return results.filter((r) => r.teamCode === teamCode).sort(byEnd);
}

const ref = (r: DrillRef): DrillRef => ({ exerciseId: r.exerciseId, exerciseName: r.exerciseName, endedAt: r.endedAt });

/** A figure over drills: each point's change since the first valued point; the series' change is the last point's. */
export function series(points: readonly Omit<SeriesPoint, 'change'>[]): Series {
  const firstValued = points.find((p) => p.value !== null);
  const first = firstValued?.value ?? null;
  const withChange = points.map((p) => ({
    ...p,
    change: first === null || p.value === null ? null : round2(p.value - first),
  }));
  const lastValued = [...withChange].reverse().find((p) => p.value !== null);
  const valued = points.filter((p) => p.value !== null).length;
  return {
    points: withChange,
    first,
    last: lastValued?.value ?? null,
    change: valued >= 2 ? (lastValued?.change ?? null) : null,
  };
}

const capabilityOf = (r: TeamDrillResult, capability: string): CapabilityFigure | undefined =>
  r.capabilities.find((c) => c.capability === capability);

const tierOrder = (t: TeamTier | null) => t ?? 99;

/**
 * Capacity across drills: per team and per tier, for each capability, the figures over the drills in range with
 * the change since the first; tier medians; and the heat map of the latest drill. `results` are every team's
 * figures in every completed drill (filtered here).
 */
export function capacityView(results: readonly TeamDrillResult[], filter: CapacityFilter = {}): CapacityView {
  const kept = inFilter(results, filter);
  const drills: DrillRef[] = [];
  for (const r of [...kept].sort(byEnd)) if (!drills.some((d) => d.exerciseId === r.exerciseId)) drills.push(ref(r));
  const wanted = (c: string) => filter.capability === undefined || c === filter.capability;
  const capabilities: string[] = [];
  for (const d of drills)
    for (const r of kept)
      if (r.exerciseId === d.exerciseId)
        for (const c of r.capabilities)
          if (wanted(c.capability) && !capabilities.includes(c.capability)) capabilities.push(c.capability);

  // One CERT per code, named and tiered as in its latest drill.
  const byCode = new Map<string, TeamDrillResult[]>();
  for (const r of kept) byCode.set(r.teamCode, [...(byCode.get(r.teamCode) ?? []), r]);
  const teams: TeamCapacity[] = [...byCode.values()]
    .map((rs) => {
      const history = [...rs].sort(byEnd);
      const now = history.at(-1)!;
      return {
        teamId: now.teamId,
        teamCode: now.teamCode,
        teamName: now.teamName,
        tier: now.tier,
        score: series(history.map((r) => ({ ...ref(r), value: r.score }))),
        capabilities: capabilities.map((capability) => ({
          capability,
          ...series(
            history.flatMap((r) => {
              const f = capabilityOf(r, capability);
              return f ? [{ ...ref(r), value: f.score, rating: f.rating }] : [];
            }),
          ),
        })),
        cooperation: history.some((r) => r.cooperation !== null)
          ? series(history.map((r) => ({ ...ref(r), value: r.cooperation?.score ?? null })))
          : null,
      };
    })
    .sort((a, b) => tierOrder(a.tier) - tierOrder(b.tier) || a.teamCode.localeCompare(b.teamCode));

  const tiers: TierCapacity[] = [...new Set(teams.map((t) => t.tier))].map((tier) => {
    const codes = teams.filter((t) => t.tier === tier).map((t) => t.teamCode);
    const ofTier = kept.filter((r) => codes.includes(r.teamCode));
    const medianSeries = (value: (r: TeamDrillResult) => number | null | undefined): Series =>
      series(
        drills.flatMap((d) => {
          const inDrill = ofTier.filter((r) => r.exerciseId === d.exerciseId).map(value);
          if (inDrill.every((v) => v === undefined)) return [];
          return [{ ...d, value: round2(median(inDrill.filter((v): v is number => typeof v === 'number'))) }];
        }),
      );
    return {
      tier,
      teamCodes: codes,
      score: medianSeries((r) => r.score),
      capabilities: capabilities.map((capability): CapabilitySeries => ({
        capability,
        ...medianSeries((r) => {
          const f = capabilityOf(r, capability);
          return f ? f.score : undefined;
        }),
      })),
    };
  });

  return { filter, drills, capabilities, teams, tiers, latest: latestDrill(kept, drills, wanted) };
}

function latestDrill(
  kept: readonly TeamDrillResult[],
  drills: readonly DrillRef[],
  wanted: (capability: string) => boolean,
): LatestDrill | null {
  const last = drills.at(-1);
  if (!last) return null;
  const rows = kept
    .filter((r) => r.exerciseId === last.exerciseId)
    .sort((a, b) => tierOrder(a.tier) - tierOrder(b.tier) || a.teamCode.localeCompare(b.teamCode));
  const capabilities: string[] = [];
  for (const r of rows)
    for (const c of r.capabilities)
      if (wanted(c.capability) && !capabilities.includes(c.capability)) capabilities.push(c.capability);
  return {
    ...last,
    capabilities,
    rows: rows.map((r) => ({
      teamCode: r.teamCode,
      teamName: r.teamName,
      tier: r.tier,
      score: r.score,
      cells: capabilities.map(
        (capability) => capabilityOf(r, capability) ?? { capability, objectiveIds: [], score: null, rating: null },
      ),
      cooperation: r.cooperation,
    })),
  };
}

const diff = (now: number | null, before: number | null) =>
  now === null || before === null ? null : round2(now - before);

/** "+6.2", "−3.5" (a real minus sign), "±0". */
export function signed(x: number): string {
  if (x === 0) return '±0';
  return `${x > 0 ? '+' : '−'}${Math.abs(x)}`;
}

/**
 * How a team's drill compares with its previous one, for the after-action report's "since last drill" line; null
 * when the drill is the team's first (or not in `history`). `history` is one team's drills (teamHistory).
 */
export function sinceLastDrill(history: readonly TeamDrillResult[], exerciseId: string): SinceLastDrill | null {
  const ordered = [...history].sort(byEnd);
  const i = ordered.findIndex((r) => r.exerciseId === exerciseId);
  if (i <= 0) return null;
  const now = ordered[i]!;
  const before = ordered[i - 1]!;
  const capabilities = now.capabilities.flatMap((c) => {
    const was = capabilityOf(before, c.capability);
    return was ? [{ capability: c.capability, change: diff(c.score, was.score) }] : [];
  });
  const score = diff(now.score, before.score);
  const ack = diff(now.medianTimeToAcknowledge, before.medianTimeToAcknowledge);
  const report = diff(now.medianTimeToReport, before.medianTimeToReport);
  const cooperation = diff(now.cooperation?.score ?? null, before.cooperation?.score ?? null);
  const parts = [
    score === null ? null : `score ${signed(score)} points`,
    ...capabilities.map((c) => (c.change === null ? null : `${c.capability} ${signed(c.change)}`)),
    ack === null ? null : `median time to acknowledge ${signed(ack)} min`,
    report === null ? null : `median time to report ${signed(report)} min`,
    `handling faults ${before.handlingFaults} → ${now.handlingFaults}`,
    cooperation === null ? null : `cooperation ${signed(cooperation)} points`,
  ].filter((p): p is string => p !== null);
  return {
    exerciseId,
    previous: ref(before),
    score,
    capabilities,
    medianTimeToAcknowledge: ack,
    medianTimeToReport: report,
    handlingFaults: now.handlingFaults - before.handlingFaults,
    cooperation,
    text: `Since ${before.exerciseName} (${before.endedAt.slice(0, 10)}): ${parts.join('; ')}.`,
  };
}
