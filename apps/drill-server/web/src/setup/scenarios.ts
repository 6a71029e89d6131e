// Scenarios page (controllers): the saved scenarios and their versions; a YAML scenario or an MSEL spreadsheet
// checked before it is saved, each problem shown at its line (or spreadsheet row); and a preview of every inject of
// a version as drill control sees it, answer key included.
import type { FieldProblem, ScenarioSummary } from '@drill/contracts';
import type { AnswerKey, Artefact, Inject, InjectTargets, InjectTrigger, Scenario } from '@drill/scenario';
import { api, ApiError, errorText } from '../common/api.js';
import { announce, byId, clear, h, type Child } from '../common/dom.js';
import { formatWallDate, severityBadge, tlpBadge } from '../common/format.js';
import { renderMarkdown } from '../common/markdown.js';
import { requireUser, setupHeader } from '../common/page.js';
import { IOC_TYPE_LABEL } from '../common/vocab.js';
import { setupNav } from './nav.js';

/** GET /api/scenarios/:id/versions/:v. */
interface ScenarioVersion {
  id: string;
  version: number;
  title: string;
  createdAt: string;
  source: string;
  scenario: Scenario;
}

const source = byId('scenario-source', HTMLTextAreaElement);
const fileInput = byId('scenario-file', HTMLInputElement);
const checkButton = byId('validate-button', HTMLButtonElement);
const saveButton = byId('save-button', HTMLButtonElement);
const result = byId('validation');

/** The text that last passed the check: Save sends exactly that text, so nothing unchecked is saved. */
let checkedText: string | null = null;
/** The version on preview, to mark its button. */
let shown: { id: string; version: number } | null = null;

// The server reads a body starting with "{" as JSON, anything else as YAML (JSON is YAML too, but its own parser
// gives JSON's positions).
const mediaType = (text: string) => (text.trimStart().startsWith('{') ? 'application/json' : 'application/yaml');

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

function setChecked(text: string | null): void {
  checkedText = text;
  saveButton.disabled = text === null;
}

// ───── checking and saving ─────

async function check(origin: string): Promise<void> {
  const text = source.value;
  if (!text.trim()) {
    showProblems(null, [{ path: '', message: 'the scenario text is empty: choose a file or paste a scenario' }], {
      where: 'line',
      heading: 'Nothing to check',
    });
    return;
  }
  checkButton.disabled = true;
  clear(result, h('p', { class: 'hint' }, `Checking ${origin}…`));
  try {
    const r = await api<{ valid: boolean; errors: FieldProblem[] }>('/api/scenarios/validate', {
      method: 'POST',
      body: text,
      contentType: mediaType(text),
    });
    if (r.valid) passed(text, origin);
    else showProblems(text, r.errors, { where: 'line', heading: problemCount(r.errors, origin) });
  } catch (e) {
    // A text past one of the parser's limits is refused (422) with its problems rather than answered.
    if (e instanceof ApiError && e.details.length > 0)
      showProblems(text, e.details, { where: 'line', heading: `${origin} was refused: ${e.message}` });
    else showFailure(`Could not check ${origin}: ${errorText(e)}`);
  } finally {
    checkButton.disabled = false;
  }
}

const problemCount = (errors: readonly FieldProblem[], origin: string) =>
  `${errors.length} problem${errors.length === 1 ? '' : 's'} in ${origin}; nothing was saved`;

function passed(text: string, origin: string): void {
  setChecked(text);
  source.removeAttribute('aria-invalid');
  clear(
    result,
    h(
      'p',
      { class: 'ok-box' },
      `✓ ${capitalised(origin)} passes the check. Save it as a new version when it reads as you want.`,
    ),
  );
  announce(`${origin} passes the check.`);
}

function showFailure(text: string): void {
  setChecked(null);
  clear(result, h('div', { class: 'error-box', role: 'alert' }, text));
}

async function save(): Promise<void> {
  const text = checkedText;
  if (text === null || source.value !== text) return;
  saveButton.disabled = true;
  try {
    const v = await api<{ id: string; version: number; title: string; injects: number }>('/api/scenarios', {
      method: 'POST',
      body: text,
      contentType: mediaType(text),
    });
    // Saving the same text again would only add an identical version: the button waits for the next change.
    setChecked(null);
    clear(
      result,
      h(
        'p',
        { class: 'ok-box' },
        `✓ Saved “${v.title}” as ${v.id} version ${v.version} (${v.injects} inject${v.injects === 1 ? '' : 's'}). `,
        h('a', { href: newExerciseHref(v.id, v.version) }, 'Create an exercise with it'),
      ),
    );
    announce(`Saved ${v.id} version ${v.version}.`);
    await loadList();
    await showVersion(v.id, v.version);
  } catch (e) {
    if (e instanceof ApiError && e.details.length > 0)
      showProblems(text, e.details, { where: 'line', heading: `Not saved: ${e.message}` });
    else showFailure(`Not saved: ${errorText(e)}`);
  }
}

// ───── problems at their line ─────

interface ProblemPlace {
  /** `line`: a line and column of the text; `row`: a row (and column) of the uploaded spreadsheet. */
  where: 'line' | 'row';
  heading: string;
}

/** The problems, each with its place: for a text, the line itself with a caret under the column. */
function showProblems(text: string | null, problems: readonly FieldProblem[], { where, heading }: ProblemPlace): void {
  setChecked(null);
  if (text !== null) source.setAttribute('aria-invalid', 'true');
  const lines = text?.split('\n');
  clear(
    result,
    h(
      'div',
      { class: 'error-box problems', role: 'alert' },
      h('h3', { id: 'problems-title' }, heading),
      h(
        'ol',
        {},
        problems.map((p) => problemItem(p, where, lines)),
      ),
    ),
  );
}

function problemItem(p: FieldProblem, where: ProblemPlace['where'], lines: string[] | undefined): HTMLLIElement {
  const column = p.column ?? 1;
  // A spreadsheet problem's path names its row and column header ("row 5, column "Title""): it is the place.
  const rowPath = where === 'row' && p.path.startsWith('row ');
  let place: Child;
  if (p.line === undefined) place = h('strong', {}, where === 'row' ? 'The spreadsheet' : 'The document');
  else if (where === 'row') place = h('strong', {}, rowPath ? capitalised(p.path) : `Row ${p.line}`);
  else
    place = h(
      'button',
      { type: 'button', class: 'link', onclick: () => goToLine(p.line!, column) },
      `Line ${p.line}, column ${column}`,
    );
  return h(
    'li',
    { dataset: p.line === undefined ? {} : { line: String(p.line) } },
    place,
    p.path && !rowPath ? [' ', h('code', {}, p.path)] : '',
    `: ${p.message}`,
    lines && p.line !== undefined ? excerpt(lines, p.line, column) : '',
  );
}

/** The line a problem is on, between its neighbours, with a caret under its column. */
function excerpt(lines: readonly string[], line: number, column: number): HTMLPreElement {
  const first = Math.max(1, line - 1);
  const last = Math.min(lines.length, line + 1);
  const width = String(last).length;
  const rows: Child[] = [];
  for (let n = first; n <= last; n++) {
    const text = (lines[n - 1] ?? '').replace(/\r$/, '');
    rows.push(h('span', { class: n === line ? 'at' : undefined }, `${String(n).padStart(width)} │ ${text}`), '\n');
    if (n === line) rows.push(h('span', { class: 'caret' }, `${' '.repeat(width)} │ ${' '.repeat(column - 1)}^`), '\n');
  }
  return h('pre', { class: 'excerpt', 'aria-label': `Line ${line} and its neighbours` }, rows);
}

/** Puts the cursor on the problem in the editor and selects the rest of its line. */
function goToLine(line: number, column: number): void {
  const lines = source.value.split('\n');
  let start = 0;
  for (let n = 0; n < line - 1 && n < lines.length; n++) start += lines[n]!.length + 1;
  const length = lines[line - 1]?.length ?? 0;
  source.focus();
  source.setSelectionRange(start + Math.min(column - 1, length), start + length);
  const lineHeight = parseFloat(getComputedStyle(source).lineHeight) || 20;
  source.scrollTop = Math.max(0, (line - 3) * lineHeight);
}

// ───── files ─────

async function loadFile(): Promise<void> {
  const file = fileInput.files?.[0];
  if (!file) return;
  const name = file.name.toLowerCase();
  if (name.endsWith('.xlsx') || name.endsWith('.csv')) {
    await importMsel(file);
    return;
  }
  source.value = await file.text();
  setChecked(null);
  await check(file.name);
}

/** An MSEL becomes YAML on the server (not saved yet); its problems name spreadsheet rows. */
async function importMsel(file: File): Promise<void> {
  const form = new FormData();
  form.append('file', file, file.name);
  setChecked(null);
  clear(result, h('p', { class: 'hint' }, `Reading ${file.name}…`));
  try {
    const r = await api<{ id: string; yaml: string; injects: number }>('/api/scenarios/import?dryRun=true', {
      method: 'POST',
      body: form,
    });
    source.value = r.yaml;
    await check(`${file.name} (as YAML, ${r.injects} injects)`);
  } catch (e) {
    if (e instanceof ApiError && e.details.length > 0)
      showProblems(null, e.details, { where: 'row', heading: `${file.name}: ${e.message}; nothing was saved` });
    else showFailure(`Could not read ${file.name}: ${errorText(e)}`);
  }
}

// ───── saved scenarios ─────

const newExerciseHref = (id: string, version: number) =>
  `exercises.html?scenario=${encodeURIComponent(id)}&version=${version}`;

async function loadList(): Promise<void> {
  const list = byId('scenario-list');
  let rows: ScenarioSummary[];
  try {
    rows = await api<ScenarioSummary[]>('/api/scenarios');
  } catch (e) {
    clear(list, h('li', { class: 'error-box' }, errorText(e)));
    return;
  }
  if (rows.length === 0) {
    clear(
      list,
      h(
        'li',
        { class: 'empty' },
        'No scenario yet. Upload one: scenarios/acid-ransomware-health-bank.yaml in the repository is a full drill.',
      ),
    );
    return;
  }
  rows.sort((a, b) => a.title.localeCompare(b.title));
  clear(
    list,
    rows.map((s) =>
      h(
        'li',
        {},
        h('strong', {}, s.title),
        h(
          'div',
          { class: 'hint' },
          h('span', { class: 'mono' }, s.id),
          ` · ${s.injects} injects in v${s.latestVersion}`,
        ),
        h(
          'div',
          { class: 'actions', role: 'group', 'aria-label': `Versions of ${s.title}` },
          [...s.versions].reverse().map((v) =>
            h(
              'button',
              {
                type: 'button',
                class: 'small',
                'aria-pressed': String(shown?.id === s.id && shown.version === v),
                title: `Preview version ${v}`,
                onclick: () => void showVersion(s.id, v),
              },
              `v${v}`,
            ),
          ),
        ),
      ),
    ),
  );
}

async function showVersion(id: string, version?: number): Promise<void> {
  const panel = byId('preview-panel');
  const box = byId('preview');
  panel.hidden = false;
  clear(box, h('p', { class: 'hint' }, 'Loading…'));
  let v: ScenarioVersion;
  try {
    const path = `/api/scenarios/${encodeURIComponent(id)}`;
    v = await api<ScenarioVersion>(version === undefined ? path : `${path}/versions/${version}`);
  } catch (e) {
    clear(box, h('div', { class: 'error-box', role: 'alert' }, `This version cannot be shown: ${errorText(e)}`));
    return;
  }
  shown = { id: v.id, version: v.version };
  history.replaceState(null, '', `?scenario=${encodeURIComponent(v.id)}&version=${v.version}`);
  for (const group of document.querySelectorAll<HTMLElement>('#scenario-list [role=group]')) {
    const of = group.getAttribute('aria-label') === `Versions of ${v.title}`;
    for (const b of group.querySelectorAll('button'))
      b.setAttribute('aria-pressed', String(of && b.textContent === `v${v.version}`));
  }
  renderPreview(box, v);
  byId('preview-title').focus();
}

// ───── preview ─────

function renderPreview(box: HTMLElement, v: ScenarioVersion): void {
  const s = v.scenario;
  const phases = new Map(s.phases.map((p) => [p.id, p.title]));
  // Sorted by offset as they would go out; Array.prototype.sort is stable, so authored order breaks ties.
  const injects = [...s.injects].sort((a, b) => a.offsetSeconds - b.offsetSeconds);
  clear(
    box,
    h('h2', { id: 'preview-title', tabindex: '-1' }, `${s.title} — version ${v.version}`),
    h(
      'p',
      { class: 'hint' },
      h('span', { class: 'mono' }, s.id),
      ` · saved ${formatWallDate(v.createdAt)} · ${s.injects.length} injects · planned duration ` +
        `${Math.floor(s.plannedDurationMinutes / 60)} h ${String(s.plannedDurationMinutes % 60).padStart(2, '0')}`,
    ),
    h(
      'div',
      { class: 'actions' },
      h('a', { class: 'button primary', href: newExerciseHref(v.id, v.version) }, 'New exercise with this version'),
      h(
        'button',
        {
          type: 'button',
          title: 'Copies this version into the editor above; saving it adds a new version',
          onclick: () => {
            source.value = v.source;
            setChecked(null);
            clear(result, h('p', { class: 'hint' }, `Version ${v.version} of ${v.id} is in the editor.`));
            source.focus();
          },
        },
        'Edit as a new version',
      ),
    ),
    s.summary ? h('p', {}, s.summary) : '',
    h(
      'details',
      {},
      h('summary', {}, `Objectives (${s.objectives.length}) and phases (${s.phases.length})`),
      h(
        'ul',
        {},
        s.objectives.map((o) =>
          h(
            'li',
            {},
            h('strong', {}, o.id),
            ` ${o.capability}`,
            o.description ? ` — ${o.description}` : '',
            h('span', { class: 'hint' }, ` (evidenced by ${o.injects.join(', ') || 'no inject'})`),
          ),
        ),
      ),
      h(
        'ul',
        {},
        s.phases.map((p) => h('li', {}, h('strong', {}, p.id), ` ${p.title}`)),
      ),
    ),
    h(
      'ol',
      { class: 'inject-previews', 'aria-label': `Injects of version ${v.version}` },
      injects.map((i) => h('li', {}, injectPreview(i, i.phase ? (phases.get(i.phase) ?? i.phase) : undefined))),
    ),
  );
}

const CHANNEL_COLUMN = /channel|method|medium/i;

function injectPreview(i: Inject, phase: string | undefined): HTMLElement {
  const extra = Object.entries(i.extraColumns ?? {});
  const channel = extra.find(([k]) => CHANNEL_COLUMN.test(k));
  const timing =
    i.targetMinutes === undefined && i.deadlineMinutes === undefined
      ? 'no target or deadline'
      : [
          i.targetMinutes === undefined ? '' : `target ${i.targetMinutes} min`,
          i.deadlineMinutes === undefined ? '' : `deadline ${i.deadlineMinutes} min`,
        ]
          .filter(Boolean)
          .join(', ') + ' after release (scenario time)';
  return h(
    'article',
    { class: 'inject-preview', 'aria-labelledby': `inject-${i.id}` },
    h('h3', { id: `inject-${i.id}` }, h('span', { class: 'mono' }, i.offset), ` · ${i.id} · ${i.title}`),
    h(
      'div',
      { class: 'inject-head' },
      tlpBadge(i.tlp),
      severityBadge(i.severity),
      h('span', { class: 'badge' }, i.responseRequired ? 'response required' : 'for information'),
      i.trigger ? h('span', { class: 'badge' }, 'conditional') : '',
    ),
    h(
      'dl',
      { class: 'facts' },
      fact('Offset', i.trigger ? `${i.offset} at the earliest` : i.offset),
      phase ? fact('Phase', phase) : '',
      fact('From', i.from ?? '—'),
      fact('To', targetsText(i.targets)),
      fact('Channel', channel ? channel[1] : 'team console, live'),
      fact('Timing', timing),
      i.trigger ? fact('Condition', triggerText(i.trigger)) : '',
      i.expectedActions ? fact('Expected actions', i.expectedActions) : '',
      extra.filter((e) => e !== channel).map(([k, value]) => fact(k, value)),
    ),
    h('div', { class: 'inject-body' }, renderMarkdown(i.body)),
    artefactList(i.artefacts),
    answerKey(i.answerKey),
  );
}

const fact = (term: string, value: Child): Child => [h('dt', {}, term), h('dd', {}, value)];

function targetsText(t: InjectTargets): string {
  if (t.all) return 'all teams';
  return [t.teams.length ? `teams ${t.teams.join(', ')}` : '', t.tags.length ? `teams tagged ${t.tags.join(', ')}` : '']
    .filter(Boolean)
    .join(' and ');
}

function triggerText(t: InjectTrigger): string {
  switch (t.kind) {
    case 'after':
      return `${t.delayMinutes} min after ${t.inject} reaches the team`;
    case 'ifNoReport':
      return `for each team with no report on ${t.inject} by its deadline`;
    case 'ifReportMatches':
      return `for each team whose report on ${t.inject} classifies it as ${t.classification.class}${t.classification.type ? ` / ${t.classification.type}` : ''}`;
  }
}

function artefactList(artefacts: readonly Artefact[]): Child {
  if (artefacts.length === 0) return '';
  return h(
    'div',
    { class: 'artefacts' },
    artefacts.map((a) =>
      h(
        'details',
        { class: 'artefact' },
        h('summary', {}, `Artefact ${a.name} `, h('span', { class: 'hint' }, `(${a.mediaType})`)),
        h('pre', { class: 'artefact', tabindex: '0' }, a.content),
      ),
    ),
  );
}

function answerKey(k: AnswerKey | undefined): HTMLElement {
  if (!k) return h('p', { class: 'hint' }, 'No answer key: completeness is not scored for this inject.');
  return h(
    'details',
    { class: 'answer-key' },
    h('summary', {}, 'Answer key (drill control only)'),
    k.iocs.length
      ? h(
          'table',
          { class: 'data' },
          h('caption', {}, 'Expected indicators'),
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['Type', 'Value', 'Weight', 'Critical'].map((c) => h('th', { scope: 'col' }, c)),
            ),
          ),
          h(
            'tbody',
            {},
            k.iocs.map((ioc) =>
              h(
                'tr',
                {},
                h('td', {}, IOC_TYPE_LABEL[ioc.type] ?? ioc.type),
                h('td', { class: 'mono' }, ioc.original),
                h('td', {}, ioc.weight),
                h('td', {}, ioc.critical ? 'yes' : ''),
              ),
            ),
          ),
        )
      : '',
    h(
      'dl',
      { class: 'facts' },
      k.decoys.length ? fact('Decoys (reporting one costs)', k.decoys.map((d) => d.original).join(', ')) : '',
      k.classification ? fact('Classification', `${k.classification.class} / ${k.classification.type}`) : '',
      k.severity ? fact('Severity', k.severity) : '',
      k.recipients.length ? fact('Should be shared with', k.recipients.join(', ')) : '',
      k.maxTlp ? fact('Loosest TLP allowed', k.maxTlp) : '',
      k.actions.map((a) =>
        fact(
          `Action ${a.code}`,
          `${a.description ?? ''}${a.description ? ' — ' : ''}keywords: ${a.keywords.join(', ')} (weight ${a.weight})`,
        ),
      ),
    ),
  );
}

// ───── start ─────

async function main(): Promise<void> {
  const me = await requireUser(['controller']);
  setupHeader(me);
  setupNav('scenarios');
  checkButton.addEventListener('click', () => void check('the text'));
  saveButton.addEventListener('click', () => void save());
  fileInput.addEventListener('change', () => void loadFile());
  source.addEventListener('input', () => {
    // An edit after a passing check needs a new check before Save.
    if (checkedText !== null && source.value !== checkedText) {
      setChecked(null);
      clear(result, h('p', { class: 'hint' }, 'Changed since the last check: check it again before saving.'));
    }
  });
  await loadList();
  const q = new URLSearchParams(location.search);
  const id = q.get('scenario');
  if (id) await showVersion(id, q.has('version') ? Number(q.get('version')) : undefined);
}

void main();
