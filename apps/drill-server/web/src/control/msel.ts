// The board's model in scenario time, with no page attached (so it is tested beside it): where each inject sits on
// the exercise's timeline, how far each (team, inject) pair has got and since when, and conditions in words.
//
// Controllers read a drill as a Master Scenario Events List: injects in the order they go out. The planned offset
// alone does not give that order: a conditional inject is authored at +00:00 and goes out when its condition
// holds, and drill control releases injects early or retimes them. So an inject sits at its earliest actual
// release, else its earliest pending due time, else its planned offset; a conditional inject that nothing has
// armed yet has no place and waits in a group of its own.
import { wasReleased, type DeliveryStatus } from '@drill/contracts';
import type { Inject, InjectTrigger } from '@drill/scenario';

export type { DeliveryStatus };

/** How far a (team, inject) pair has got: the delivery's status, its latest receipt, or the team's first report. */
export type Progress = DeliveryStatus | 'none' | 'reported';

/** A column of the grid and a row of the timeline: an inject of the scenario, or one seen in a live event. */
export interface InjectColumn {
  id: string;
  title: string;
  offset?: string;
  offsetSeconds?: number;
  responseRequired?: boolean;
  deadlineMinutes?: number | null;
  /** Present on conditional injects. */
  trigger?: InjectTrigger;
  /** The authored inject (body, artefacts, answer key) when the viewer may read the scenario. */
  authored?: Inject;
}

/** One delivery, as the timeline lists it and live events update it, plus the team's first report on it. */
export interface Cell {
  teamId: string;
  injectId: string;
  /** A status this console does not know yet is shown as sent. */
  status?: DeliveryStatus | string;
  seq?: number | null;
  dueScenarioMs?: number | null;
  releasedScenarioMs?: number | null;
  releasedAt?: string | null;
  deliveredAt?: string | null;
  acknowledgedAt?: string | null;
  reportedAt?: string;
  reportedScenarioMs?: number;
}

/** Whether the inject went out to the team (whatever receipt followed). */
export const isReleased = (c: Cell | undefined): boolean => wasReleased(c?.status);
const PENDING: ReadonlySet<string> = new Set(['scheduled', 'armed']);

/**
 * The scenario time of a wall instant after the release: the release's scenario time plus the wall time since,
 * times the clock's speed. Exact unless the exercise was paused in between, when it is at most the pause late.
 */
export function scenarioMsAt(c: Cell, iso: string | null | undefined, speed: number): number | undefined {
  if (c.releasedScenarioMs == null) return undefined;
  if (!iso || !c.releasedAt) return c.releasedScenarioMs;
  const wall = Date.parse(iso) - Date.parse(c.releasedAt);
  return c.releasedScenarioMs + Math.max(0, Number.isFinite(wall) ? wall : 0) * speed;
}

export interface CellProgress {
  st: Progress;
  /** Scenario time of the last change, when known. */
  sinceMs?: number;
  /** Wall time of the last change (ISO), when known. */
  sinceWall?: string;
}

/** The furthest a (team, inject) pair has got, and since when in scenario time. */
export function progressOf(c: Cell | undefined, speed: number): CellProgress {
  if (!c?.status) return { st: 'none' };
  if (!isReleased(c)) return { st: c.status as Progress };
  if (c.reportedAt)
    return {
      st: 'reported',
      sinceMs: c.reportedScenarioMs ?? scenarioMsAt(c, c.reportedAt, speed),
      sinceWall: c.reportedAt,
    };
  for (const [st, at] of [
    ['acknowledged', c.acknowledgedAt],
    ['delivered', c.deliveredAt],
  ] as const)
    if (at || c.status === st) return { st, sinceMs: scenarioMsAt(c, at, speed), sinceWall: at ?? undefined };
  return { st: 'released', sinceMs: c.releasedScenarioMs ?? undefined, sinceWall: c.releasedAt ?? undefined };
}

/** "45s", "12m", "2h05": an age on one line of a grid cell. */
export function compactAge(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}`;
}

/** A conditional inject's condition, in the words a controller would use. */
export function conditionText(t: InjectTrigger): string {
  switch (t.kind) {
    case 'after':
      return `${t.delayMinutes} min after ${t.inject} reaches the team`;
    case 'ifNoReport':
      return `if the team has not reported on ${t.inject} by its deadline`;
    case 'ifReportMatches':
      return `if the team reports ${t.inject} as ${t.classification.class}${t.classification.type ? `/${t.classification.type}` : ''}`;
  }
}

/** An inject's place on the timeline. */
export interface Placement {
  inject: InjectColumn;
  /** Scenario ms it sits at (Infinity: nothing to place it by, e.g. an observer's column with no row yet). */
  atMs: number;
  /** What `atMs` is: an actual release, a pending due time, the planned offset, or when its condition was armed. */
  by: 'released' | 'due' | 'planned' | 'armed';
  /** Earliest and latest actual release over the teams (scenario ms). */
  firstReleasedMs?: number;
  lastReleasedMs?: number;
  released: number;
  /** Rows: one per team the inject is for (so far, for a conditional inject). */
  teams: number;
}

export interface Msel {
  /** Injects in scenario-time order. */
  placed: Placement[];
  /** Conditional injects nothing has armed yet (no delivery row): they have no time. */
  unarmed: InjectColumn[];
}

const byNumberedId = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });

/** Orders the injects as the exercise runs them (see the head of this file). */
export function placeInjects(injects: readonly InjectColumn[], cells: Iterable<Cell>): Msel {
  const rows = new Map<string, Cell[]>();
  for (const c of cells) {
    const list = rows.get(c.injectId) ?? [];
    list.push(c);
    rows.set(c.injectId, list);
  }
  const byId = new Map(injects.map((i) => [i.id, i]));
  const memo = new Map<string, Omit<Placement, 'inject'> | null>();
  const place = (id: string, seen: Set<string>): Omit<Placement, 'inject'> | null => {
    const known = memo.get(id);
    if (known !== undefined) return known;
    const inject = byId.get(id);
    const list = rows.get(id) ?? [];
    const releasedAt = list
      .filter(isReleased)
      .map((c) => c.releasedScenarioMs)
      .filter((ms): ms is number => ms != null);
    const dues = list
      .filter((c) => PENDING.has(c.status ?? ''))
      .map((c) => c.dueScenarioMs)
      .filter((ms): ms is number => ms != null);
    const counts = {
      firstReleasedMs: releasedAt.length ? Math.min(...releasedAt) : undefined,
      lastReleasedMs: releasedAt.length ? Math.max(...releasedAt) : undefined,
      released: list.filter(isReleased).length,
      teams: list.length,
    };
    let result: Omit<Placement, 'inject'> | null;
    const earliest = Math.min(...releasedAt, ...dues);
    if (Number.isFinite(earliest))
      result = { ...counts, atMs: earliest, by: releasedAt.includes(earliest) ? 'released' : 'due' };
    else if (inject?.trigger && !list.length) result = null;
    else if (inject?.trigger) {
      // Armed but no time yet: it sits where its condition was armed, when the inject it watches went out.
      seen.add(id);
      const watched = seen.has(inject.trigger.inject) ? null : place(inject.trigger.inject, seen);
      result = { ...counts, atMs: watched?.firstReleasedMs ?? watched?.atMs ?? Infinity, by: 'armed' };
    } else
      result = {
        ...counts,
        atMs: inject?.offsetSeconds != null ? inject.offsetSeconds * 1000 : Infinity,
        by: 'planned',
      };
    memo.set(id, result);
    return result;
  };
  const placed: Placement[] = [];
  const unarmed: InjectColumn[] = [];
  for (const inject of injects) {
    const p = place(inject.id, new Set());
    if (p) placed.push({ inject, ...p });
    else unarmed.push(inject);
  }
  placed.sort(
    (a, b) =>
      a.atMs - b.atMs ||
      // An inject armed with no time sits just after the one whose release armed it.
      Number(a.by === 'armed') - Number(b.by === 'armed') ||
      (a.inject.offsetSeconds ?? Infinity) - (b.inject.offsetSeconds ?? Infinity) ||
      byNumberedId(a.inject.id, b.inject.id),
  );
  unarmed.sort((a, b) => byNumberedId(a.id, b.id));
  return { placed, unarmed };
}

/** The grid's column order: the timeline's, then the conditional injects not armed yet. */
export const columnOrder = (m: Msel): InjectColumn[] => [...m.placed.map((p) => p.inject), ...m.unarmed];
