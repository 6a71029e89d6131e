// The team console's requests for assistance: the form to ask another team (picked by name from the exercise's
// directory) or drill control, and the requests the team sent and was asked, newest first, with where each stands
// against its targets in scenario time and the answers so far. Requests asked of the team can be answered here;
// new ones arrive live (`assistance.request`, `assistance.update`) with the same cue as a new inject.
import {
  ASSISTANCE_KINDS,
  IOC_TYPES,
  TLP_LABELS,
  type AssistanceRequestBody,
  type AssistanceRequestView,
  type ExerciseDirectory,
  type FieldProblem,
  type IocType,
} from '@drill/contracts';
import { isNewer, kindLabel, newestFirst, parseIocLines, statusLabel } from '../common/assistance.js';
import { partyName, placeCard, refreshCues, requestCard } from '../common/assistance-view.js';
import { api, ApiError, errorText } from '../common/api.js';
import { announce, byId, clear, h, toast } from '../common/dom.js';
import type { DrillSocket } from '../common/socket.js';
import { IOC_TYPE_LABEL } from '../common/vocab.js';
import { clearFieldErrors, showFieldErrors } from '../setup/field-errors.js';
import { clock, exerciseId, me, onClockTick, sortedInjects, state } from './context.js';
import { beep } from './sound.js';

const requests = new Map<string, AssistanceRequestView>();
/** Requests asked of the team that arrived while the panel was out of sight. */
const unseen = new Set<string>();

const panel = () => byId('panel-assistance');
const list = () => byId('rfa-list');

const sideOf = (r: AssistanceRequestView): 'sent' | 'asked' | undefined =>
  r.to.teamId !== null && r.to.teamId === me.teamId ? 'asked' : r.from.teamId === me.teamId ? 'sent' : undefined;

function card(r: AssistanceRequestView, flash = false): HTMLElement {
  const side = sideOf(r);
  const el = requestCard(r, {
    exerciseId,
    nowMs: clock.scenarioMs,
    side,
    answerable: side === 'asked',
    injectTitle: (id) => state.injects.get(id)?.title,
    onAnswered: (view) => {
      receive(view, false);
      toast(`You answered: ${statusLabel(view.status)}.`, 'ok');
      byId('rfa-list')
        .querySelector<HTMLElement>(`[data-rfa="${CSS.escape(view.id)}"] h3`)
        ?.focus();
    },
  });
  if (flash) el.classList.add('flash');
  el.querySelector('h3')?.setAttribute('tabindex', '-1');
  return el;
}

function renderCount(): void {
  const badge = byId('assistance-count');
  const open = [...requests.values()].filter((r) => sideOf(r) === 'asked' && r.status === 'open').length;
  badge.hidden = unseen.size === 0 && open === 0;
  badge.textContent = unseen.size ? `${unseen.size} new` : `${open} open`;
  badge.className = `badge${unseen.size ? ' rfa-new' : ''}`;
  byId('rfa-empty').hidden = requests.size > 0;
}

function renderList(): void {
  clear(
    list(),
    [...requests.values()].sort(newestFirst).map((r) => card(r)),
  );
  renderCount();
}

/** A request from the GET, the socket or our own POST; `live` ones asked of the team are announced and chime. */
export function receive(r: AssistanceRequestView, live: boolean): void {
  const known = requests.get(r.id);
  if (!isNewer(r, known)) return;
  requests.set(r.id, r);
  const side = sideOf(r);
  const isNew = !known && live && side === 'asked';
  placeCard(list(), card(r, live && (!known || known.status !== r.status)), (other) => {
    const o = requests.get(other.dataset.rfa ?? '');
    return o !== undefined && newestFirst(r, o) < 0;
  });
  if (isNew) {
    if (panel().hidden) unseen.add(r.id);
    announce(`Request for assistance from ${partyName(r.from)}: ${kindLabel(r.kind)}`);
    beep();
  } else if (live && known && known.status !== r.status && side === 'sent') {
    announce(`${partyName(r.to)} answered your ${kindLabel(r.kind)} request: ${statusLabel(r.status)}`);
  }
  renderCount();
}

export async function loadAssistance(): Promise<void> {
  try {
    const all = await api<AssistanceRequestView[]>(`/api/exercises/${exerciseId}/assistance`);
    for (const r of all) if (isNewer(r, requests.get(r.id))) requests.set(r.id, r);
    renderList();
  } catch (e) {
    byId('rfa-empty').textContent = `Requests for assistance cannot be read: ${errorText(e)}`;
    byId('rfa-empty').hidden = false;
  }
}

/** Call from `connectLive`'s `listen`; a reconnect reads the list again for what was missed meanwhile. */
export function listenAssistance(socket: DrillSocket): void {
  socket.on('assistance.request', (r) => receive(r, true));
  socket.on('assistance.update', (r) => receive(r, true));
  let connectedBefore = false;
  socket.on('connect', () => {
    if (connectedBefore) void loadAssistance();
    connectedBefore = true;
  });
}

/** The optional inject of the ask form: the injects the team received, newest first. */
export function renderAssistanceInjects(): void {
  const select = document.getElementById('rfa-inject');
  if (!(select instanceof HTMLSelectElement)) return;
  const chosen = select.value;
  clear(
    select,
    h('option', { value: '' }, '— none —'),
    sortedInjects().map((i) => h('option', { value: i.injectId }, `${i.injectId} · ${i.title}`)),
  );
  select.value = chosen;
  if (select.value !== chosen) select.value = '';
}

function fillRecipients(d: ExerciseDirectory): void {
  const select = byId('rfa-to', HTMLSelectElement);
  const chosen = select.value;
  clear(
    select,
    h('option', { value: '' }, '— choose who to ask —'),
    d.teams
      .filter((t) => t.id !== me.teamId)
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((t) => h('option', { value: t.code }, `${t.name} (${t.code})`)),
    h('option', { value: 'control' }, 'Drill control'),
  );
  select.value = chosen;
}

const field = (id: string, label: string, control: HTMLElement, hint?: string, extra = '') =>
  h(
    'div',
    { class: `field ${extra}`.trim() },
    h('label', { for: id }, label),
    control,
    hint ? h('span', { class: 'hint', id: `${id}-hint` }, hint) : '',
  );

function askForm(): HTMLFormElement {
  const select = (id: string, path: string, options: HTMLOptionElement[], describedBy?: string) =>
    h('select', { id, dataset: { path }, ...(describedBy ? { 'aria-describedby': describedBy } : {}) }, options);
  const form = h(
    'form',
    { id: 'rfa-form', novalidate: true, 'aria-labelledby': 'rfa-form-title' },
    h('h3', { id: 'rfa-form-title' }, 'Ask for assistance'),
    h('div', { id: 'rfa-errors', class: 'error-box', role: 'alert', tabindex: '-1', hidden: true }),
    h(
      'div',
      { class: 'row rfa-row' },
      field(
        'rfa-to',
        'Ask',
        select('rfa-to', '/to', [
          h('option', { value: '' }, '— choose who to ask —'),
          h('option', { value: 'control' }, 'Drill control'),
        ]),
      ),
      field(
        'rfa-kind',
        'For',
        select(
          'rfa-kind',
          '/kind',
          ASSISTANCE_KINDS.map((k) => h('option', { value: k }, kindLabel(k))),
        ),
      ),
      field(
        'rfa-tlp',
        'TLP',
        select(
          'rfa-tlp',
          '/tlp',
          TLP_LABELS.map((l) => h('option', { value: l, selected: l === 'TLP:AMBER' }, l)),
          'rfa-tlp-hint',
        ),
      ),
      field(
        'rfa-inject',
        'About inject (optional)',
        select('rfa-inject', '/injectId', [h('option', { value: '' }, '— none —')]),
      ),
    ),
    h(
      'p',
      { class: 'hint', id: 'rfa-tlp-hint' },
      'TLP: drill control and the asked team always see the request; TLP:RED hides it from the rest of your team. It may not be looser than the inject’s label.',
    ),
    h(
      'div',
      { class: 'row rfa-row' },
      field(
        'rfa-text',
        'What you need',
        h('textarea', { id: 'rfa-text', rows: '3', maxlength: '5000', dataset: { path: '/text' } }),
        undefined,
        'rfa-wide',
      ),
      field(
        'rfa-iocs',
        'Indicators (optional)',
        h('textarea', { id: 'rfa-iocs', rows: '3', dataset: { path: '/iocs' }, 'aria-describedby': 'rfa-iocs-hint' }),
        'One per line: "type value" (url hxxps://evil[.]example/x) or a value alone, of the type picked beside.',
        'rfa-wide',
      ),
      field(
        'rfa-ioc-type',
        'Type of a value alone',
        select(
          'rfa-ioc-type',
          '/iocType',
          IOC_TYPES.map((t) => h('option', { value: t, selected: t === 'domain' }, IOC_TYPE_LABEL[t])),
        ),
      ),
    ),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', id: 'rfa-send' }, 'Send request')),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void send(form);
  });
  return form;
}

function bodyOf(): { body: AssistanceRequestBody; problems: FieldProblem[] } {
  const value = (id: string) => (byId(id) as HTMLInputElement).value;
  const iocs = parseIocLines(value('rfa-iocs'), value('rfa-ioc-type') as IocType);
  const body: AssistanceRequestBody = {
    to: value('rfa-to'),
    kind: value('rfa-kind') as AssistanceRequestBody['kind'],
    text: value('rfa-text').trim(),
    tlp: value('rfa-tlp'),
    ...(value('rfa-inject') ? { injectId: value('rfa-inject') } : {}),
    ...(iocs.length ? { iocs } : {}),
  };
  // What is plainly missing is said before the round trip; the server checks the rest (and these again).
  const problems: FieldProblem[] = [];
  if (!body.to) problems.push({ path: '/to', message: 'Choose a team or drill control to ask.' });
  if (!body.text) problems.push({ path: '/text', message: 'Say what you need.' });
  return { body, problems };
}

async function send(form: HTMLFormElement): Promise<void> {
  clearFieldErrors(form, 'rfa-errors');
  const { body, problems } = bodyOf();
  if (problems.length) {
    showFieldErrors(
      form,
      'rfa-errors',
      new ApiError(400, { message: 'The request is not complete.', details: problems }),
    );
    return;
  }
  const button = byId('rfa-send', HTMLButtonElement);
  button.disabled = true;
  try {
    const view = await api<AssistanceRequestView>(`/api/exercises/${exerciseId}/assistance`, {
      method: 'POST',
      body,
    });
    receive(view, false);
    for (const id of ['rfa-text', 'rfa-iocs']) (byId(id) as HTMLTextAreaElement).value = '';
    toast(`Request sent to ${partyName(view.to)}.`, 'ok');
  } catch (e) {
    showFieldErrors(form, 'rfa-errors', e);
  } finally {
    button.disabled = false;
  }
}

/** Builds the panel (form and list), reads the directory and the requests. */
export function setupAssistance(): void {
  clear(
    panel(),
    h('h2', {}, 'Requests for assistance'),
    h(
      'p',
      { class: 'hint' },
      'Ask another team or drill control for a takedown, a sinkhole, a block, a log check or an analysis, and answer what other teams ask of yours. Times are scenario time.',
    ),
    askForm(),
    h('h3', { id: 'rfa-list-title' }, 'Sent and asked, newest first'),
    h('p', { class: 'empty', id: 'rfa-empty' }, 'No request yet.'),
    h('div', { id: 'rfa-list', class: 'rfa-list', 'aria-labelledby': 'rfa-list-title' }),
  );
  renderAssistanceInjects();
  renderCount();
  // Showing the panel is seeing what is new in it.
  new MutationObserver(() => {
    if (panel().hidden || unseen.size === 0) return;
    unseen.clear();
    renderCount();
  }).observe(panel(), { attributes: true, attributeFilter: ['hidden'] });
  api<ExerciseDirectory>(`/api/exercises/${exerciseId}/directory`)
    .then(fillRecipients)
    .catch((e: unknown) => toast(`The list of teams cannot be read: ${errorText(e)}`, 'error'));
  onClockTick((ms) => refreshCues(list(), requests, ms));
  void loadAssistance();
}
