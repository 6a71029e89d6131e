import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { COMPONENT_KEYS } from '@drill/scoring';
import { escapeHtml } from './format.js';
import type { Aar } from './model.js';

// The four AAR charts as Vega-Lite specs with inline data only (nothing for Vega to fetch), rendered to SVG on
// the server by Vega's headless renderer so the report is one file that prints without JavaScript.

export const CHART_IDS = ['timeline', 'response-times', 'completeness', 'sharing'] as const;
export type ChartId = (typeof CHART_IDS)[number];

const MIN = 60_000;
const FONT = 'Helvetica, Arial, sans-serif';
const INK = '#1f2933';
const MUTED = '#52606d';

const config = {
  background: 'white',
  font: FONT,
  padding: 8,
  view: { stroke: '#cbd2d9' },
  axis: {
    labelFont: FONT,
    titleFont: FONT,
    labelFontSize: 10,
    titleFontSize: 11,
    labelColor: MUTED,
    titleColor: INK,
    domainColor: '#9aa5b1',
    tickColor: '#9aa5b1',
    gridColor: '#e4e7eb',
  },
  legend: {
    labelFont: FONT,
    titleFont: FONT,
    labelFontSize: 10,
    titleFontSize: 11,
    labelColor: MUTED,
    titleColor: INK,
    orient: 'bottom',
    direction: 'horizontal',
  },
  title: { font: FONT, fontSize: 12, color: INK, anchor: 'start' },
} as const;

/** A thin vertical bar (Vega custom shape, scaled like the unit symbols): releases read as ticks on each team's line. */
const RELEASE_SHAPE = 'M-0.15,-1.8H0.15V1.8H-0.15Z';

const rowStep = (n: number, step: number, min = 60) => Math.max(min, n * step);

/** Releases, acknowledgements and reports per team over scenario time. */
export function timelineSpec(aar: Aar): TopLevelSpec {
  const teams = aar.overview.teams.map((t) => t.code);
  const values = aar.timeline
    .filter((r) => r.kind !== 'event' && r.teamCode !== null && r.scenarioMs !== null)
    .map((r) => ({
      team: r.teamCode,
      minute: r.scenarioMs! / MIN,
      event: r.kind === 'release' ? 'inject released' : r.kind === 'acknowledgement' ? 'acknowledged' : 'report sent',
      inject: r.injectId ?? '',
    }));
  const xMax = values.reduce(
    (m, v) => Math.max(m, v.minute),
    Math.max(aar.overview.scenario.plannedDurationMinutes, aar.overview.exercise.scenarioMinutes ?? 0, 1),
  );
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description: 'Inject releases, acknowledgements and reports per team over scenario time',
    config,
    width: 760,
    height: rowStep(teams.length, 22),
    data: { values },
    mark: { type: 'point', filled: true, size: 50, opacity: 0.85 },
    encoding: {
      // An explicit domain keeps the axis meaningful before anything happened (and covers the planned duration).
      x: {
        field: 'minute',
        type: 'quantitative',
        title: 'Scenario time (minutes after STARTEX)',
        scale: { domain: [0, xMax], nice: true },
      },
      y: { field: 'team', type: 'nominal', title: 'Team', sort: teams, scale: { domain: teams } },
      color: {
        field: 'event',
        type: 'nominal',
        title: null,
        scale: { domain: ['inject released', 'acknowledged', 'report sent'], range: ['#7b8794', '#f0b429', '#2680c2'] },
      },
      shape: {
        field: 'event',
        type: 'nominal',
        title: null,
        scale: {
          domain: ['inject released', 'acknowledged', 'report sent'],
          range: [RELEASE_SHAPE, 'triangle-up', 'circle'],
        },
      },
    },
  } as TopLevelSpec;
}

/** Minutes from release to first report, per inject: box (quartiles, whiskers min–max), one dot per team, target and deadline. */
export function responseTimesSpec(aar: Aar): TopLevelSpec {
  const scored = aar.injects.filter((i) => i.responseRequired && i.scored > 0);
  const order = scored.map((i) => i.id);
  const points = scored.flatMap((i) =>
    i.responses
      .filter((r) => r.timeToReport !== null)
      .map((r) => ({ inject: i.id, team: r.teamCode, minutes: r.timeToReport })),
  );
  const marks = scored.flatMap((i) => [
    ...(i.targetMinutes !== undefined ? [{ inject: i.id, minutes: i.targetMinutes, bound: 'target' }] : []),
    ...(i.deadlineMinutes !== undefined ? [{ inject: i.id, minutes: i.deadlineMinutes, bound: 'deadline' }] : []),
  ]);
  const y = { field: 'inject', type: 'nominal', title: 'Inject', sort: order, scale: { domain: order } } as const;
  const xMax = [...points.map((p) => p.minutes as number), ...marks.map((m) => m.minutes)].reduce(
    (m, v) => Math.max(m, v),
    1,
  );
  const x = { field: 'minutes', type: 'quantitative' as const, scale: { domain: [0, xMax], nice: true } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description: 'Time to first report per inject',
    config,
    width: 760,
    height: rowStep(order.length, 20),
    layer: [
      {
        data: { values: points },
        mark: { type: 'boxplot', extent: 'min-max', size: 12, color: '#9fb3c8', median: { color: INK }, ticks: false },
        encoding: { y, x: { ...x, title: 'Minutes from release to first report' } },
      },
      {
        data: { values: points },
        mark: { type: 'circle', size: 22, opacity: 0.75, color: '#1f4e79' },
        encoding: { y, x },
      },
      {
        data: { values: marks },
        mark: { type: 'tick', thickness: 2, size: 16 },
        encoding: {
          y,
          x,
          color: {
            field: 'bound',
            type: 'nominal',
            title: null,
            scale: { domain: ['target', 'deadline'], range: ['#3f9142', '#cf1124'] },
          },
        },
      },
    ],
  } as TopLevelSpec;
}

const COMPONENT_LABEL: Record<string, string> = {
  iocs: 'IOCs',
  classification: 'Classification',
  severity: 'Severity',
  actions: 'Actions',
  recipients: 'Recipients',
  structure: 'Structure',
  completeness: 'C (final)',
};

/** Mean score of each completeness component per team (only where the answer keys define the component). */
export function completenessSpec(aar: Aar): TopLevelSpec {
  const teams = aar.scorecards.map((t) => t.code);
  const columns = [...COMPONENT_KEYS, 'completeness'].map((k) => COMPONENT_LABEL[k]!);
  const values = aar.scorecards.flatMap((t) => [
    ...COMPONENT_KEYS.map((k) => ({
      team: t.code,
      component: COMPONENT_LABEL[k],
      score: t.components[k],
      label: t.components[k] === null ? 'n/a' : t.components[k]!.toFixed(2),
    })),
    {
      team: t.code,
      component: COMPONENT_LABEL.completeness,
      score: t.meanCompleteness,
      label: t.meanCompleteness === null ? 'n/a' : t.meanCompleteness.toFixed(2),
    },
  ]);
  const x = {
    field: 'component',
    type: 'nominal',
    title: null,
    sort: columns,
    scale: { domain: columns },
    axis: { orient: 'top', labelAngle: 0, labelLimit: 160, labelFontSize: 11 },
  } as const;
  const y = { field: 'team', type: 'nominal', title: 'Team', sort: teams, scale: { domain: teams } } as const;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description: 'Completeness by component per team',
    config,
    width: { step: 100 },
    height: { step: 24 },
    data: { values },
    layer: [
      {
        mark: { type: 'rect', stroke: 'white', strokeWidth: 1 },
        encoding: {
          x,
          y,
          color: {
            condition: { test: 'datum.score === null', value: '#f0f4f8' },
            field: 'score',
            type: 'quantitative',
            title: 'Mean score (0–1)',
            scale: { domain: [0, 1], scheme: 'blues' },
            legend: { gradientLength: 220 },
          },
        },
      },
      {
        mark: { type: 'text', fontSize: 10 },
        encoding: {
          x,
          y,
          text: { field: 'label' },
          color: { condition: { test: 'datum.score !== null && datum.score > 0.6', value: 'white' }, value: INK },
        },
      },
    ],
  } as TopLevelSpec;
}

/** Reports each team sent to each other team (all TLP labels), as a heat map. */
export function sharingSpec(aar: Aar): TopLevelSpec {
  const teams = aar.sharing.teams;
  const counts = new Map(aar.sharing.cells.map((c) => [`${c.from}\u0000${c.to}`, c.total]));
  const values = teams.flatMap((from) =>
    teams.map((to) => {
      const self = from === to;
      const total = self ? null : (counts.get(`${from}\u0000${to}`) ?? 0);
      return { from, to, total, label: self ? '–' : String(total) };
    }),
  );
  const max = aar.sharing.cells.reduce((m, c) => Math.max(m, c.total), 1);
  const x = {
    field: 'to',
    type: 'nominal',
    title: 'Recipient team',
    sort: teams,
    scale: { domain: teams },
    axis: { orient: 'top', labelAngle: teams.length > 12 ? -90 : 0 },
  } as const;
  const y = { field: 'from', type: 'nominal', title: 'Author team', sort: teams, scale: { domain: teams } } as const;
  const step = teams.length > 20 ? 20 : teams.length > 12 ? 28 : 36;
  return countHeatMap({
    description: 'Information sharing between teams: reports per author and recipient',
    values,
    x,
    y,
    step,
    height: step,
    fontSize: step > 20 ? 10 : 8,
    count: { field: 'total', title: 'Reports shared', scheme: 'oranges', max },
  });
}

/**
 * A heat map of counts between two sets of parties: a coloured cell per pair (grey where the count is null, a party
 * with itself) and its label written in it, white on the darker half.
 */
function countHeatMap(o: {
  description: string;
  values: Record<string, unknown>[];
  x: object;
  y: object;
  step: number;
  height: number;
  fontSize: number;
  count: { field: string; title: string; scheme: string; max: number };
}): TopLevelSpec {
  const { x, y, count } = o;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description: o.description,
    config,
    width: { step: o.step },
    height: { step: o.height },
    data: { values: o.values },
    layer: [
      {
        mark: { type: 'rect', stroke: 'white', strokeWidth: 1 },
        encoding: {
          x,
          y,
          color: {
            condition: { test: `datum.${count.field} === null`, value: '#e4e7eb' },
            field: count.field,
            type: 'quantitative',
            title: count.title,
            scale: { domain: [0, count.max], scheme: count.scheme },
            legend: { gradientLength: 200, format: 'd', tickMinStep: 1 },
          },
        },
      },
      {
        mark: { type: 'text', fontSize: o.fontSize },
        encoding: {
          x,
          y,
          text: { field: 'label' },
          color: {
            condition: {
              test: `datum.${count.field} !== null && datum.${count.field} > ${count.max / 2}`,
              value: 'white',
            },
            value: INK,
          },
        },
      },
    ],
  } as TopLevelSpec;
}

/** The cooperation heat map's id: drawn only when the report has a cooperation section with requests in it. */
export const COOPERATION_CHART_ID = 'cooperation' as const;

/**
 * Requests for assistance from each asking party (rows: teams, drill control, the foreign CERTs it played) to each
 * asked party (columns), as a heat map: colour is the number of requests; each cell also gives the median minutes to
 * the first answer when there is room for it.
 */
export function cooperationSpec(aar: Aar): TopLevelSpec {
  const m = aar.cooperation?.matrix ?? { rows: [], columns: [], cells: [] };
  const rows = m.rows.map((p) => p.label);
  const columns = m.columns.map((p) => p.label);
  const labelOf = new Map([...m.rows, ...m.columns].map((p) => [p.key, p.label]));
  const cellOf = new Map(m.cells.map((c) => [`${c.from}\u0000${c.to}`, c]));
  const wide = columns.length <= 12;
  const values = m.rows.flatMap((from) =>
    m.columns.map((to) => {
      const self = from.kind === 'team' && from.key === to.key;
      const c = cellOf.get(`${from.key}\u0000${to.key}`);
      const requests = self ? null : (c?.requests ?? 0);
      const med = c?.medianToFirstResponseMinutes ?? null;
      const label = self
        ? '–'
        : !c
          ? '0'
          : wide
            ? `${c.requests} · ${med === null ? 'no answer' : `${m1(med)} min`}`
            : String(c.requests);
      return { from: labelOf.get(from.key) ?? from.key, to: labelOf.get(to.key) ?? to.key, requests, label };
    }),
  );
  const max = m.cells.reduce((n, c) => Math.max(n, c.requests), 1);
  const step = wide ? 72 : columns.length > 20 ? 20 : 28;
  const x = {
    field: 'to',
    type: 'nominal',
    title: 'Asked party',
    sort: columns,
    scale: { domain: columns },
    axis: { orient: 'top', labelAngle: columns.length > 12 ? -90 : 0 },
  } as const;
  const y = {
    field: 'from',
    type: 'nominal',
    title: 'Asking party',
    sort: rows,
    scale: { domain: rows },
    axis: { labelLimit: 200 },
  } as const;
  return countHeatMap({
    description: 'Requests for assistance per asking and asked party',
    values,
    x,
    y,
    step,
    height: wide ? 32 : step,
    fontSize: wide ? 10 : 8,
    count: { field: 'requests', title: 'Requests', scheme: 'purples', max },
  });
}

/** The cooperation heat map's title and description, from the figures it draws. */
export function cooperationChartText(aar: Aar): ChartText {
  const title = 'Requests for assistance between teams and with drill control';
  const m = aar.cooperation?.matrix;
  if (!m || m.cells.length === 0)
    return {
      title,
      description: 'Heat map of requests for assistance per asking and asked party: nobody asked for assistance.',
    };
  const label = new Map([...m.rows, ...m.columns].map((p) => [p.key, p.label]));
  const cells = [...m.cells].sort((a, b) => b.requests - a.requests);
  const total = cells.reduce((n, c) => n + c.requests, 0);
  const pair = (c: (typeof cells)[number]) =>
    `${label.get(c.from)} to ${label.get(c.to)} ${c.requests}` +
    (c.medianToFirstResponseMinutes === null
      ? ', unanswered'
      : ` (median first answer ${m1(c.medianToFirstResponseMinutes)} min)`);
  return {
    title,
    description:
      `Heat map of requests for assistance from ${m.rows.length} asking parties (rows: teams, drill control and the ` +
      `foreign CERTs it played) to ${m.columns.length} asked parties (columns): ${total} request${total === 1 ? '' : 's'} ` +
      `over ${cells.length} pair${cells.length === 1 ? '' : 's'}; most: ${list(cells.map(pair), 5)}. ` +
      'The table below gives every pair.',
  };
}

export function chartSpecs(aar: Aar): Record<ChartId, TopLevelSpec> {
  return {
    timeline: timelineSpec(aar),
    'response-times': responseTimesSpec(aar),
    completeness: completenessSpec(aar),
    sharing: sharingSpec(aar),
  };
}

/**
 * Renders a spec to a standalone SVG string. Vega numbers clip paths and gradients with a process-wide counter;
 * the ids are prefixed anyway so that several charts (or reports) inlined into one document can never collide.
 */
export async function renderChartSvg(spec: TopLevelSpec, idPrefix: string): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    const prefix = idPrefix.replace(/[^A-Za-z0-9_-]/g, '');
    return svg.replace(/\bid="([^"]+)"/g, `id="${prefix}-$1"`).replace(/url\(#([^)]+)\)/g, `url(#${prefix}-$1)`);
  } finally {
    view.finalize();
  }
}

/** A chart's visible title and the text a screen reader gives for it: what it shows, and its main figures. */
export interface ChartText {
  title: string;
  description: string;
}

const list = (items: string[], max = 8) =>
  items.length <= max ? items.join('; ') : `${items.slice(0, max).join('; ')}; and ${items.length - max} more`;
const m1 = (x: number) => (Math.round(x * 10) / 10).toFixed(1);

/**
 * The title and text description of each chart, from the same figures it draws: a reader who cannot see the SVG
 * learns what it shows and its main figures; the tables next to each chart hold every figure.
 */
export function chartTexts(aar: Aar): Record<ChartId, ChartText> {
  const teams = aar.overview.teams.length;
  const rows = aar.timeline.filter((r) => r.kind !== 'event' && r.teamCode !== null && r.scenarioMs !== null);
  const count = (k: string) => rows.filter((r) => r.kind === k).length;
  const lastMinute = rows.reduce((m, r) => Math.max(m, r.scenarioMs! / MIN), 0);

  const scored = aar.injects.filter((i) => i.responseRequired && i.scored > 0);
  const perInject = scored.map((i) =>
    i.timeToReport
      ? `${i.id} median ${m1(i.timeToReport.median)} min over ${i.timeToReport.n} of ${i.scored} teams` +
        (i.targetMinutes !== undefined ? `, target ${i.targetMinutes}` : '') +
        (i.deadlineMinutes !== undefined ? `, deadline ${i.deadlineMinutes}` : '')
      : `${i.id} no report`,
  );

  const perTeam = aar.scorecards.map(
    (t) => `${t.code} ${t.meanCompleteness === null ? 'n/a' : t.meanCompleteness.toFixed(2)}`,
  );

  const cells = [...aar.sharing.cells].sort((a, b) => b.total - a.total);
  const shared = cells.reduce((n, c) => n + c.total, 0);

  return {
    timeline: {
      title: 'Inject releases, acknowledgements and reports over scenario time',
      description:
        `Dot chart, one row per team (${teams}), scenario minutes after STARTEX across: ` +
        `${count('release')} inject releases, ${count('acknowledgement')} acknowledgements and ${count('report')} ` +
        `reports` +
        (rows.length ? `, the last at minute ${m1(lastMinute)}.` : '.') +
        ' Appendix C lists every entry.',
    },
    'response-times': {
      title: 'Time to first report per inject',
      description:
        scored.length === 0
          ? 'Box plot of minutes from release to first report per inject: no inject requiring a response was scored.'
          : `Box plot of minutes from release to first report for ${scored.length} inject${scored.length === 1 ? '' : 's'}, ` +
            `with target and deadline marks: ${list(perInject)}. The inject table below gives every figure.`,
    },
    completeness: {
      title: 'Completeness by component per team',
      description:
        perTeam.length === 0
          ? 'Heat map of completeness components per team: no team was scored.'
          : `Heat map of the mean score (0 to 1) of each completeness component (${COMPONENT_KEYS.join(', ')}) ` +
            `and of the final C, per team. Mean final C: ${list(perTeam, 12)}. The team scorecards give every figure.`,
    },
    sharing: {
      title: 'Information sharing between teams',
      description:
        cells.length === 0
          ? `Heat map of reports between ${aar.sharing.teams.length} teams: no team addressed a report to another team.`
          : `Heat map of reports each author team addressed to each recipient team, ${aar.sharing.teams.length} teams: ` +
            `${shared} reports over ${cells.length} pairs; most: ${list(
              cells.map((c) => `${c.from} to ${c.to} ${c.total}`),
              5,
            )}. The table below lists every pair by TLP.`,
    },
  };
}

/**
 * Makes a rendered chart one image to assistive technology: role="img" on the <svg>, named by its <title> and
 * described by its <desc>. Vega's own ARIA roles on the marks inside are then presentational, as they should be:
 * "graphics-symbol" for each of hundreds of dots reads as noise.
 */
export function accessibleSvg(svg: string, idPrefix: string, text: ChartText): string {
  const titleId = `${idPrefix}-title`;
  const descId = `${idPrefix}-desc`;
  return svg.replace(
    /^<svg\b([^>]*)>/,
    (_, attrs: string) =>
      `<svg${attrs} role="img" aria-labelledby="${titleId}" aria-describedby="${descId}">` +
      `<title id="${titleId}">${escapeHtml(text.title)}</title><desc id="${descId}">${escapeHtml(text.description)}</desc>`,
  );
}

export async function renderCharts(aar: Aar): Promise<Record<ChartId, string>> {
  const specs = chartSpecs(aar);
  const texts = chartTexts(aar);
  const out = {} as Record<ChartId, string>;
  for (const id of CHART_IDS) {
    const prefix = `chart-${id}`;
    out[id] = accessibleSvg(await renderChartSvg(specs[id], prefix), prefix, texts[id]);
  }
  return out;
}
