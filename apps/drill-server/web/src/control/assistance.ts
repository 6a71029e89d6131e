// The control board's requests for assistance: every request between teams and with drill control, newest first,
// with the time to the first answer and to fulfilment against the targets (overdue marked), live from
// `assistance.request` and `assistance.update`. Controllers answer the requests addressed to drill control here.
// Each team's cooperation score (from the scorecards) sits above the list, its explanation a click away, and in
// the board's score cell and the team's drill-down.
import type { AssistanceRequestView, CooperationView } from '@drill/contracts';
import {
  cooperationPercent,
  formatMinutes,
  isFinal,
  isNewer,
  kindLabel,
  newestFirst,
  requestStanding,
  statusLabel,
} from '../common/assistance.js';
import { answerForm, cooperationBlock, cue, partyName, refreshCues, statusBadge } from '../common/assistance-view.js';
import { api, errorText } from '../common/api.js';
import { announce, byId, clear, h, toast } from '../common/dom.js';
import { formatWall, tlpBadge, wallTime } from '../common/format.js';
import type { DrillSocket } from '../common/socket.js';
import { canControl, clock, exerciseId, me, state } from './context.js';

const requests = new Map<string, AssistanceRequestView>();
/** Requests whose answer form a controller opened. */
const answering = new Set<string>();
const cooperation = new Map<string, CooperationView>();
let flashIds = new Set<string>();

const addressedToControl = (r: AssistanceRequestView) => r.to.teamId === null;

function answerCell(r: AssistanceRequestView): HTMLTableCellElement {
  if (!canControl || !addressedToControl(r) || isFinal(r.status)) return h('td', {});
  const open = answering.has(r.id);
  return h(
    'td',
    {},
    h(
      'button',
      {
        type: 'button',
        class: 'small',
        'aria-expanded': String(open),
        dataset: { answerToggle: r.id },
        onclick: () => {
          if (open) answering.delete(r.id);
          else answering.add(r.id);
          render();
          // The toggle was redrawn: focus goes to the answer's text, or back to the toggle when it closed.
          const id = CSS.escape(r.id);
          document
            .querySelector<HTMLElement>(open ? `[data-answer-toggle="${id}"]` : `[data-rfa-answer="${id}"] textarea`)
            ?.focus();
        },
      },
      open ? 'Close' : 'Answer…',
    ),
  );
}

function rows(r: AssistanceRequestView): HTMLTableRowElement[] {
  const now = clock.scenarioMs;
  const s = r.status;
  const row = h(
    'tr',
    { dataset: { rfa: r.id, status: s }, class: flashIds.has(r.id) ? 'flash' : '' },
    h('td', { class: 'mono' }, h('span', { title: `Wall time ${formatWall(r.requestedAt)}` }, r.requestedScenarioTime)),
    h(
      'td',
      {},
      h('strong', {}, partyName(r.from)),
      ' → ',
      h('strong', {}, partyName(r.to)),
      r.scripted ? [' ', h('span', { class: 'badge tag' }, 'scripted')] : '',
      h('div', { class: 'hint rfa-text', title: r.text }, r.text),
    ),
    h(
      'td',
      {},
      kindLabel(r.kind),
      ' ',
      tlpBadge(r.tlp),
      r.iocs.length ? h('div', { class: 'hint' }, `${r.iocs.length} IOC${r.iocs.length === 1 ? '' : 's'}`) : '',
    ),
    h('td', {}, statusBadge(r)),
    h('td', { class: 'rfa-first' }, cue(r, 'answer', now, true)),
    h(
      'td',
      { class: 'rfa-fulfil' },
      cue(r, 'fulfil', now, true),
      s === 'open' ? h('span', { class: 'muted' }, `target ${formatMinutes(r.targets.fulfilMinutes)}`) : '',
      s === 'declined' ? h('span', { class: 'muted' }, '—') : '',
    ),
    answerCell(r),
  );
  const out = [row];
  if (r.responses.length)
    out.push(
      h(
        'tr',
        { class: 'rfa-answers', dataset: { rfaAnswers: r.id } },
        h(
          'td',
          { colspan: '7' },
          h(
            'ul',
            { class: 'rfa-responses' },
            r.responses.map((a) =>
              h(
                'li',
                {},
                h('strong', {}, statusLabel(a.status)),
                ` by ${a.byName} at ${a.scenarioTime} (`,
                wallTime(a.at),
                `): ${a.text}`,
              ),
            ),
          ),
        ),
      ),
    );
  if (answering.has(r.id) && canControl && addressedToControl(r) && !isFinal(r.status))
    out.push(
      h(
        'tr',
        { class: 'rfa-answer-row' },
        h(
          'td',
          { colspan: '7' },
          answerForm(r, exerciseId, (view) => {
            answering.delete(view.id);
            receive(view, false);
            toast(`Answered ${partyName(view.from)}: ${statusLabel(view.status)}.`, 'ok');
          }),
        ),
      ),
    );
  return out;
}

/** How many requests, how many still awaited, how many past a target. */
function renderSummary(): void {
  const all = [...requests.values()];
  const open = all.filter((r) => !isFinal(r.status));
  const now = clock.scenarioMs;
  const overdue = open.filter((r) => {
    const st = requestStanding(r, now);
    return st.answer.state === 'overdue' || st.fulfil?.state === 'overdue';
  }).length;
  const text = all.length
    ? `${all.length} request${all.length === 1 ? '' : 's'} · ${open.length} not final${overdue ? ` · ${overdue} overdue` : ''}`
    : 'No request yet.';
  // A status region repeats what is written into it: write only a change.
  const summary = byId('assistance-summary');
  if (summary.textContent !== text) summary.textContent = text;
}

function render(): void {
  const body = byId('assistance-body');
  // A half-typed answer survives the redraw that a live update brings.
  const typed = new Map(
    [...body.querySelectorAll<HTMLElement>('form[data-rfa-answer]')].map((f) => [
      f.dataset.rfaAnswer ?? '',
      f.querySelector('textarea')?.value ?? '',
    ]),
  );
  const all = [...requests.values()].sort(newestFirst);
  renderSummary();
  clear(
    body,
    all.length
      ? h(
          'div',
          { class: 'table-scroll' },
          h(
            'table',
            { class: 'data compact rfa-table', id: 'assistance-table' },
            h('caption', { class: 'visually-hidden' }, 'Requests for assistance, newest first, in scenario time'),
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                ['Asked', 'From → to', 'Kind and TLP', 'Status', 'First answer', 'Fulfilment', ''].map((c) =>
                  h('th', { scope: 'col' }, c),
                ),
              ),
            ),
            h('tbody', {}, all.flatMap(rows)),
          ),
        )
      : '',
  );
  for (const [id, text] of typed) {
    const area = body.querySelector<HTMLTextAreaElement>(`form[data-rfa-answer="${CSS.escape(id)}"] textarea`);
    if (area) area.value = text;
  }
  flashIds = new Set();
}

function receive(r: AssistanceRequestView, live: boolean): void {
  const known = requests.get(r.id);
  if (!isNewer(r, known)) return;
  requests.set(r.id, r);
  if (live) {
    flashIds.add(r.id);
    announce(
      known
        ? `${partyName(r.to)} answered ${partyName(r.from)}: ${statusLabel(r.status)}`
        : `Request for assistance: ${partyName(r.from)} asks ${partyName(r.to)} for ${kindLabel(r.kind).toLowerCase()}`,
    );
  }
  render();
}

export async function loadAssistance(): Promise<void> {
  try {
    for (const r of await api<AssistanceRequestView[]>(`/api/exercises/${exerciseId}/assistance`))
      if (isNewer(r, requests.get(r.id))) requests.set(r.id, r);
    render();
  } catch (e) {
    byId('assistance-summary').textContent = `Requests for assistance cannot be read: ${errorText(e)}`;
  }
}

// ───── cooperation scores ─────

/** The team's cooperation as the board last read it (a team's own scorecard may leave it out during the drill). */
export const cooperationOf = (teamId: string) => cooperation.get(teamId);

/** The board's score cell tooltip: the cooperation score and why. */
export function cooperationTitle(teamId: string): string {
  const c = cooperation.get(teamId);
  return c ? `Cooperation ${cooperationPercent(c.score)}: ${c.explanation}` : '';
}

function renderCooperation(): void {
  const box = byId('cooperation');
  // Only the teams asked something have a score to show; the others' cells say so on hover.
  const teams = state.teams.filter((t) => (cooperation.get(t.id)?.asked ?? 0) > 0);
  box.hidden = teams.length === 0;
  clear(
    box,
    h('span', { class: 'hint' }, 'Cooperation (answering requests): '),
    teams.map((t) => {
      const c = cooperation.get(t.id)!;
      return h(
        'details',
        { class: 'coop-chip', dataset: { coopTeam: t.code } },
        h('summary', { title: c.explanation }, `${t.code} ${cooperationPercent(c.score)}`),
        cooperationBlock(c),
      );
    }),
  );
  for (const t of state.teams) {
    const td = document.getElementById(`score-${t.id}`);
    if (td) td.title = cooperationTitle(t.id);
  }
}

/** Takes the cooperation of each team from a scorecards answer (the board reads them for the scores too). */
export function setCooperation(teams: { teamId: string; cooperation?: CooperationView }[]): void {
  for (const t of teams) if (t.cooperation) cooperation.set(t.teamId, t.cooperation);
  renderCooperation();
}

let scoreTimer: ReturnType<typeof setTimeout> | undefined;
/** Answers move cooperation scores: read them again once a burst of updates is over. */
function reloadCooperation(): void {
  if (me.role === 'observer') return;
  clearTimeout(scoreTimer);
  scoreTimer = setTimeout(() => {
    api<{ teams: { teamId: string; cooperation?: CooperationView }[] }>(`/api/exercises/${exerciseId}/scorecards`)
      .then((s) => setCooperation(s.teams))
      .catch(() => undefined);
  }, 500);
}

export function setupAssistance(): void {
  setInterval(() => {
    refreshCues(byId('assistance-body'), requests, clock.scenarioMs);
    renderSummary();
  }, 1000);
  void loadAssistance();
}

/** Call from `connectLive`'s `listen`; a reconnect reads the list again for what was missed meanwhile. */
export function listenAssistance(socket: DrillSocket): void {
  socket.on('assistance.request', (r) => {
    receive(r, true);
    reloadCooperation();
  });
  socket.on('assistance.update', (r) => {
    receive(r, true);
    reloadCooperation();
  });
  let connectedBefore = false;
  socket.on('connect', () => {
    if (connectedBefore) void loadAssistance();
    connectedBefore = true;
  });
}
