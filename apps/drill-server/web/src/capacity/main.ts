// Capacity page (controllers and evaluators): each CERT's figures across completed drills, for the people who plan
// capacity building. The latest drill's heat map (team × capability, the score and rating written in each cell,
// colour only repeating them), trend lines per team and per tier drawn as inline SVG, and the improvement-plan items
// earlier AARs assigned. The filters live in the page's address, so a filtered view can be bookmarked or shared.
import { TEAM_TIER_LABELS, TEAM_TIERS, type TeamTier } from '@drill/contracts';
import {
  signed,
  type CapabilityFigure,
  type CapacityResponse,
  type CooperationFigure,
  type Series,
} from '@drill/capacity';
import { RATING_TEXT } from '@drill/reporting';
import { api, errorText } from '../common/api.js';
import { announce, byId, clear, controlValue, downloadText, h, type Child } from '../common/dom.js';
import { requireUser, setupHeader } from '../common/page.js';
import { LINE_COLOURS, trendChart, type ChartLine } from './chart.js';

const me = await requireUser(['controller', 'evaluator']);
setupHeader(me);

const FILTERS = ['from', 'to', 'tier', 'capability'] as const;
type Filters = Partial<Record<(typeof FILTERS)[number], string>>;

/** Every capability seen unfiltered, so the capability filter can offer them all while one is chosen. */
const knownCapabilities = new Set<string>();

const tierText = (tier: TeamTier | null) => (tier === null ? 'No tier recorded' : TEAM_TIER_LABELS[tier]);
const figure = (v: number | null | undefined) => (v === null || v === undefined ? '—' : String(v));
const change = (v: number | null) => (v === null ? '—' : signed(v));
const dateOf = (iso: string) => iso.slice(0, 10);

function filtersFromUrl(): Filters {
  const q = new URLSearchParams(location.search);
  return Object.fromEntries(FILTERS.flatMap((k) => (q.get(k) ? [[k, q.get(k)!]] : []))) as Filters;
}

function query(f: Filters, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams();
  for (const k of FILTERS) if (f[k]) q.set(k, f[k]);
  for (const [k, v] of Object.entries(extra)) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}

function fillFilters(f: Filters): void {
  byId('f-from', HTMLInputElement).value = f.from ?? '';
  byId('f-to', HTMLInputElement).value = f.to ?? '';
  clear(
    byId('f-tier', HTMLSelectElement),
    h('option', { value: '' }, 'All tiers'),
    TEAM_TIERS.map((t) => h('option', { value: String(t), selected: f.tier === String(t) }, TEAM_TIER_LABELS[t])),
  );
  if (f.capability) knownCapabilities.add(f.capability);
  clear(
    byId('f-capability', HTMLSelectElement),
    h('option', { value: '' }, 'All capabilities'),
    [...knownCapabilities].sort().map((c) => h('option', { value: c, selected: f.capability === c }, c)),
  );
}

function readFilters(): Filters {
  const f: Filters = {};
  for (const [k, id] of [
    ['from', 'f-from'],
    ['to', 'f-to'],
    ['tier', 'f-tier'],
    ['capability', 'f-capability'],
  ] as const) {
    const v = controlValue(id).trim();
    if (v) f[k] = v;
  }
  return f;
}

/** A team's cooperation in the latest drill: its score, and how it answered the requests it was asked. */
function cooperationCell(c: CooperationFigure | null): Child {
  if (!c) return h('td', { class: 'num', title: 'no request for assistance asked or sent' }, '—');
  const median = c.medianToFirstResponseMinutes === null ? '' : `, median ${c.medianToFirstResponseMinutes} min`;
  return h(
    'td',
    { class: 'num cooperation', title: `asked ${c.asked}, sent ${c.sent}` },
    h('span', { class: 'heat-score' }, figure(c.score)),
    ' ',
    h(
      'span',
      { class: 'trend-change' },
      c.asked === 0 ? `(asked nothing, sent ${c.sent})` : `(answered ${c.answered}/${c.asked}${median})`,
    ),
  );
}

/** The heat map's colour band: the HSEEP rating's, so the colour says what the letter in the cell says. */
const band = (c: CapabilityFigure) => `heat heat-${(c.rating ?? 'none').toLowerCase()}`;

function heatMap(view: CapacityResponse): Child {
  const latest = view.latest;
  byId('heatmap-title').textContent = latest
    ? `Latest drill: ${latest.exerciseName} (ended ${dateOf(latest.endedAt)})`
    : 'Latest drill';
  if (!latest) return h('p', { class: 'empty' }, 'No completed drill in range.');
  return h(
    'table',
    { class: 'data heatmap', id: 'heatmap-table' },
    h(
      'caption',
      {},
      'Score (0–100) and HSEEP rating per team and capability; cooperation score (0–100) and the requests for assistance the team answered',
    ),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, 'Team'),
        h('th', { scope: 'col' }, 'Tier'),
        h('th', { scope: 'col' }, 'Overall score'),
        latest.capabilities.map((c) => h('th', { scope: 'col' }, c)),
        h('th', { scope: 'col' }, 'Cooperation'),
      ),
    ),
    h(
      'tbody',
      {},
      latest.rows.map((r) =>
        h(
          'tr',
          { dataset: { team: r.teamCode } },
          h('th', { scope: 'row' }, h('span', { class: 'mono' }, r.teamCode), ' ', r.teamName),
          h('td', {}, r.tier === null ? '—' : String(r.tier)),
          h('td', { class: 'num' }, figure(r.score)),
          r.cells.map((c) =>
            h(
              'td',
              { class: band(c), title: c.rating ? RATING_TEXT[c.rating] : 'not rated' },
              h('span', { class: 'heat-score' }, figure(c.score)),
              c.rating ? [' ', h('span', { class: 'heat-rating' }, c.rating)] : '',
            ),
          ),
          cooperationCell(r.cooperation),
        ),
      ),
    ),
  );
}

/** A chart of a team's or tier's overall score and capabilities, with its legend and the changes in words. */
function chartCard(
  heading: string,
  drills: readonly string[],
  series: { name: string; s: Series; bold?: boolean }[],
  drillIds: readonly string[],
): HTMLElement {
  const lines: ChartLine[] = series.map(({ name, s, bold }) => ({
    name,
    bold,
    values: drillIds.map((id) => s.points.find((p) => p.exerciseId === id)?.value ?? null),
  }));
  return h(
    'figure',
    { class: 'trend-card' },
    h('figcaption', {}, heading),
    trendChart(`${heading}: trend over drills`, drills, lines),
    h(
      'ul',
      { class: 'trend-legend' },
      series.map(({ name, s }, k) =>
        h(
          'li',
          {},
          h('span', {
            class: 'swatch',
            style: `background:${LINE_COLOURS[k % LINE_COLOURS.length]}`,
            'aria-hidden': 'true',
          }),
          ` ${name}: ${figure(s.last)} `,
          h('span', { class: 'trend-change' }, `(${change(s.change)} since first)`),
        ),
      ),
    ),
  );
}

function trends(view: CapacityResponse): Child {
  if (!view.teams.length) return h('p', { class: 'empty' }, 'No team took part in a completed drill in range.');
  const labels = view.drills.map((d, i) => `#${i + 1}`);
  const ids = view.drills.map((d) => d.exerciseId);
  return [
    h(
      'p',
      { class: 'hint' },
      'Drills: ',
      view.drills.map((d, i) => `#${i + 1} ${d.exerciseName} (${dateOf(d.endedAt)})`).join(' · '),
    ),
    h(
      'div',
      { class: 'trend-grid' },
      view.teams.map((t) =>
        chartCard(
          `${t.teamCode} ${t.teamName} · ${tierText(t.tier)}`,
          labels,
          [
            { name: 'Overall score', s: t.score, bold: true },
            ...t.capabilities.map((c) => ({ name: c.capability, s: c })),
            ...(t.cooperation ? [{ name: 'Cooperation', s: t.cooperation }] : []),
          ],
          ids,
        ),
      ),
    ),
  ];
}

function tiers(view: CapacityResponse): Child {
  if (!view.tiers.length) return h('p', { class: 'empty' }, 'No tier to show.');
  const labels = view.drills.map((_, i) => `#${i + 1}`);
  const ids = view.drills.map((d) => d.exerciseId);
  return [
    h(
      'table',
      { class: 'data compact', id: 'tier-table' },
      h(
        'caption',
        { class: 'visually-hidden' },
        'Tier medians in the latest drill of each tier, and change since the first',
      ),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, 'Tier'),
          h('th', { scope: 'col' }, 'Teams'),
          h('th', { scope: 'col' }, 'Overall score'),
          view.capabilities.map((c) => h('th', { scope: 'col' }, c)),
        ),
      ),
      h(
        'tbody',
        {},
        view.tiers.map((t) =>
          h(
            'tr',
            {},
            h('th', { scope: 'row' }, tierText(t.tier)),
            h('td', {}, t.teamCodes.join(', ')),
            [t.score, ...t.capabilities].map((s) =>
              h(
                'td',
                { class: 'num' },
                figure(s.last),
                ' ',
                h('span', { class: 'trend-change' }, `(${change(s.change)})`),
              ),
            ),
          ),
        ),
      ),
    ),
    h(
      'div',
      { class: 'trend-grid' },
      view.tiers.map((t) =>
        chartCard(
          `${tierText(t.tier)} (median of ${t.teamCodes.join(', ')})`,
          labels,
          [
            { name: 'Overall score', s: t.score, bold: true },
            ...t.capabilities.map((c) => ({ name: c.capability, s: c })),
          ],
          ids,
        ),
      ),
    ),
  ];
}

function planItems(view: CapacityResponse): Child {
  const teams = view.teams.filter((t) => t.openPlanItems.length);
  if (!teams.length) return h('p', { class: 'empty' }, 'No improvement-plan item assigned to these teams.');
  return teams.map((t) =>
    h(
      'section',
      { class: 'plan-team', 'aria-label': `${t.teamCode} improvement plan` },
      h('h3', {}, `${t.teamCode} ${t.teamName}`),
      h(
        'ul',
        { class: 'plan-list' },
        t.openPlanItems.map((p) =>
          h(
            'li',
            {},
            h('strong', {}, p.capability),
            ': ',
            p.issue,
            ' — ',
            p.correctiveAction,
            h(
              'span',
              { class: 'plan-meta' },
              ` (${p.capabilityElement}; from ${p.exerciseName}; due ${p.dueDate}`,
              p.overdue ? [', ', h('span', { class: 'badge overdue' }, 'overdue')] : '',
              ')',
            ),
          ),
        ),
      ),
    ),
  );
}

async function load(f: Filters): Promise<void> {
  const errorBox = byId('capacity-error');
  errorBox.hidden = true;
  let view: CapacityResponse;
  try {
    view = await api<CapacityResponse>(`/api/capacity${query(f)}`);
  } catch (e) {
    clear(errorBox, `The capacity figures cannot be read: ${errorText(e)}`);
    errorBox.hidden = false;
    errorBox.focus();
    byId('capacity-summary').textContent = '';
    return;
  }
  if (!f.capability) for (const c of view.capabilities) knownCapabilities.add(c);
  fillFilters(f);
  const range = view.drills.length
    ? ` from ${dateOf(view.drills[0]!.endedAt)} to ${dateOf(view.drills.at(-1)!.endedAt)}`
    : '';
  const summary = `${view.drills.length} completed drill${view.drills.length === 1 ? '' : 's'}${range}, ${view.teams.length} team${view.teams.length === 1 ? '' : 's'}.`;
  byId('capacity-summary').textContent = summary;
  clear(byId('heatmap'), heatMap(view));
  clear(byId('trends'), trends(view));
  clear(byId('tiers'), tiers(view));
  clear(byId('plan-items'), planItems(view));
  document.body.dataset.loaded = 'true';
  announce(summary);
}

byId('filters', HTMLFormElement).addEventListener('submit', (e) => {
  e.preventDefault();
  const f = readFilters();
  history.replaceState(null, '', `${location.pathname}${query(f)}`);
  void load(f);
});
byId('f-clear').addEventListener('click', () => {
  history.replaceState(null, '', location.pathname);
  fillFilters({});
  void load({});
});
// The CSV comes through the API with the bearer token (never in a link's address), then is offered as a file.
byId('download-csv').addEventListener('click', () => {
  const f = readFilters();
  api<string>(`/api/capacity${query(f, { format: 'csv' })}`, { accept: 'text/csv' })
    .then((csv) => downloadText(`capacity-${new Date().toISOString().slice(0, 10)}.csv`, 'text/csv', csv))
    .catch((e: unknown) => announce(`The CSV cannot be downloaded: ${errorText(e)}`, { assertive: true }));
});
byId('print').addEventListener('click', () => print());

const initial = filtersFromUrl();
fillFilters(initial);
await load(initial);
