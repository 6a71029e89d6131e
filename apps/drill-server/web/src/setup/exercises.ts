// New exercise page (controllers): one run of a scenario version with its teams, enrolled by tag or one by one, at a
// speed the page puts in plain words. The server checks every field; its answer is shown next to the field it names.
import { MAX_SPEED, MIN_SPEED } from '@drill/exercise';
import { TEAM_TIER_LABELS, type FieldProblem, type ScenarioSummary, type TeamView as Team } from '@drill/contracts';
import type { InjectTargets, Scenario } from '@drill/scenario';
import { api, ApiError, errorText } from '../common/api.js';
import { announce, byId, clear, h } from '../common/dom.js';
import { formatAge, formatWallDate } from '../common/format.js';
import { requireUser, setupHeader } from '../common/page.js';
import { setupNav } from './nav.js';

/** What POST /api/exercises answers, as far as this page reads it. */
interface CreatedExercise {
  id: string;
  name: string;
  status: string;
  scheduledStartAt: string | null;
  teams: { id: string }[];
}

const form = byId('exercise-form', HTMLFormElement);
const scenarioSelect = byId('scenario', HTMLSelectElement);
const versionSelect = byId('version', HTMLSelectElement);
const nameInput = byId('name', HTMLInputElement);
const speedInput = byId('speed', HTMLInputElement);
const startInput = byId('startAt', HTMLInputElement);
const ownScores = byId('teamsSeeOwnScores', HTMLInputElement);

let scenarios: ScenarioSummary[] = [];
let teams: Team[] = [];
/** Tags whose teams are shown; none = every team. */
const shownTags = new Set<string>();
const enrolled = new Set<string>();
/** Planned duration of the chosen version, for the speed sentence. */
let plannedMinutes: number | undefined;

// ───── scenario and version ─────

function fillScenarios(preferred: string | null, preferredVersion: number | null): void {
  if (scenarios.length === 0) {
    clear(scenarioSelect, h('option', { value: '' }, 'No scenario saved yet'));
    clear(
      byId('scenario-facts'),
      'Upload a scenario first on the ',
      h('a', { href: 'scenarios.html' }, 'Scenarios page'),
      '.',
    );
    return;
  }
  clear(
    scenarioSelect,
    scenarios.map((s) => h('option', { value: s.id, selected: s.id === preferred }, `${s.title} (${s.id})`)),
  );
  fillVersions(preferredVersion);
}

function fillVersions(preferred: number | null): void {
  const s = scenarios.find((x) => x.id === scenarioSelect.value);
  if (!s) return;
  clear(
    versionSelect,
    [...s.versions]
      .reverse()
      .map((v) =>
        h(
          'option',
          { value: String(v), selected: v === (preferred ?? s.latestVersion) },
          v === s.latestVersion ? `v${v} (latest)` : `v${v}`,
        ),
      ),
  );
  void describeVersion();
}

/** How long the version runs and whom its injects address, so the right teams get enrolled. */
async function describeVersion(): Promise<void> {
  const facts = byId('scenario-facts');
  const id = scenarioSelect.value;
  const version = versionSelect.value;
  if (!id || !version) return;
  let scenario: Scenario;
  try {
    ({ scenario } = await api<{ scenario: Scenario }>(
      `/api/scenarios/${encodeURIComponent(id)}/versions/${encodeURIComponent(version)}`,
    ));
  } catch (e) {
    clear(facts, `This version cannot be read: ${errorText(e)}`);
    return;
  }
  if (scenarioSelect.value !== id || versionSelect.value !== version) return; // another choice since
  plannedMinutes = scenario.plannedDurationMinutes;
  const audience = addressees(scenario.injects.map((i) => i.targets));
  clear(
    facts,
    `${scenario.injects.length} injects over ${formatAge(plannedMinutes * 60_000)} of scenario time; addressed to ${audience}. `,
    h('a', { href: `scenarios.html?scenario=${encodeURIComponent(id)}&version=${version}` }, 'Preview its injects'),
  );
  describeSpeed();
}

function addressees(targets: readonly InjectTargets[]): string {
  const codes = new Set<string>();
  const tags = new Set<string>();
  let all = false;
  for (const t of targets) {
    if (t.all) all = true;
    else {
      t.teams.forEach((c) => codes.add(c));
      t.tags.forEach((c) => tags.add(c));
    }
  }
  const parts = [
    all ? 'all teams' : '',
    tags.size ? `teams tagged ${[...tags].join(', ')}` : '',
    codes.size ? `teams ${[...codes].join(', ')}` : '',
  ].filter(Boolean);
  return parts.join('; ') || 'no team';
}

// ───── speed ─────

function describeSpeed(): void {
  const speed = Number(speedInput.value);
  const out = byId('speed-meaning');
  if (!Number.isFinite(speed) || speed < MIN_SPEED || speed > MAX_SPEED) {
    out.textContent = `From ${MIN_SPEED} (real time) to ${MAX_SPEED}.`;
    return;
  }
  // Scenario time = wall time × speed: a scenario span lasts span / speed on the wall.
  const wall = (scenarioMinutes: number) => formatAge((scenarioMinutes * 60_000) / speed) || '0 s';
  const drill = plannedMinutes === undefined ? '' : `; the whole drill about ${wall(plannedMinutes)}`;
  out.textContent =
    speed === 1
      ? `×1: real time, a 30-minute deadline lasts 30 min${drill}.`
      : `×${speed}: a 30-minute deadline lasts ${wall(30)}${drill}.`;
}

// ───── teams ─────

const isShown = (t: Team) => shownTags.size === 0 || t.tags.some((tag) => shownTags.has(tag));

function renderChips(): void {
  const counts = new Map<string, number>();
  for (const t of teams) for (const tag of t.tags) counts.set(tag, (counts.get(tag) ?? 0) + 1);
  const chips = byId('tag-chips');
  if (counts.size === 0) {
    clear(chips, h('span', { class: 'hint' }, 'No team has a tag; pick teams one by one.'));
    return;
  }
  clear(
    chips,
    h('span', { class: 'hint' }, 'Show teams tagged:'),
    [...counts.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([tag, n]) =>
        h(
          'button',
          {
            type: 'button',
            class: 'chip',
            'aria-pressed': String(shownTags.has(tag)),
            onclick: () => {
              if (shownTags.has(tag)) shownTags.delete(tag);
              else shownTags.add(tag);
              renderChips();
              renderTeams();
            },
          },
          `${tag} (${n})`,
        ),
      ),
  );
}

function renderTeams(): void {
  const list = byId('team-list');
  if (teams.length === 0) {
    clear(
      list,
      h(
        'li',
        { class: 'empty' },
        'No team yet. Create them on the ',
        h('a', { href: 'teams.html' }, 'Teams page'),
        '.',
      ),
    );
    renderCount();
    return;
  }
  clear(
    list,
    teams.map((t) => {
      const about = [t.country, t.tier ? TEAM_TIER_LABELS[t.tier] : ''].filter(Boolean).join(' · ');
      return h(
        'li',
        { hidden: !isShown(t) },
        h(
          'label',
          {},
          h('input', {
            type: 'checkbox',
            value: t.id,
            checked: enrolled.has(t.id),
            onchange: (e: Event) => {
              if ((e.target as HTMLInputElement).checked) enrolled.add(t.id);
              else enrolled.delete(t.id);
              renderCount();
            },
          }),
          ` ${t.code} — ${t.name}`,
        ),
        about ? h('span', { class: 'hint' }, ` ${about}`) : '',
        t.tags.map((tag) => h('span', { class: 'badge tag' }, tag)),
      );
    }),
  );
  renderCount();
}

function renderCount(): void {
  const shown = teams.filter(isShown).length;
  byId('teams-count').textContent =
    `${enrolled.size} of ${teams.length} team${teams.length === 1 ? '' : 's'} enrolled` +
    (shown < teams.length ? ` · ${shown} shown` : '');
}

function enrolShown(): void {
  for (const t of teams) if (isShown(t)) enrolled.add(t.id);
  renderTeams();
  announce(byId('teams-count').textContent ?? '');
}

// ───── create ─────

/** Form control (or group) and error line of each field the server may name. */
const FIELDS: Readonly<Record<string, { control: string; error: string }>> = {
  scenarioId: { control: 'scenario', error: 'scenario-error' },
  version: { control: 'version', error: 'version-error' },
  name: { control: 'name', error: 'name-error' },
  speed: { control: 'speed', error: 'speed-error' },
  teamIds: { control: 'teams', error: 'teams-error' },
  startAt: { control: 'startAt', error: 'startAt-error' },
  teamsSeeOwnScores: { control: 'teamsSeeOwnScores', error: 'teamsSeeOwnScores-error' },
};

function clearErrors(): void {
  byId('form-error').hidden = true;
  for (const { control, error } of Object.values(FIELDS)) {
    byId(control).removeAttribute('aria-invalid');
    const line = byId(error);
    line.hidden = true;
    line.textContent = '';
  }
}

/** Each problem beside its field ("/teamIds/2" is the teams' field); the rest, and the summary, above the form. */
function showErrors(e: unknown): void {
  const problems: FieldProblem[] = e instanceof ApiError ? e.details : [];
  const elsewhere: string[] = [];
  let first: HTMLElement | undefined;
  for (const p of problems) {
    const field = FIELDS[p.path.split('/')[1] ?? ''];
    if (!field) {
      elsewhere.push(p.path ? `${p.path}: ${p.message}` : p.message);
      continue;
    }
    const control = byId(field.control);
    control.setAttribute('aria-invalid', 'true');
    const line = byId(field.error);
    line.textContent = line.textContent ? `${line.textContent}; ${p.message}` : p.message;
    line.hidden = false;
    first ??= control instanceof HTMLFieldSetElement ? (control.querySelector('input') ?? control) : control;
  }
  const box = byId('form-error');
  box.hidden = false;
  clear(
    box,
    `The exercise was not created: ${e instanceof ApiError ? e.message : errorText(e)}`,
    elsewhere.length
      ? h(
          'ul',
          {},
          elsewhere.map((m) => h('li', {}, m)),
        )
      : '',
  );
  (first ?? box).focus();
}

async function create(): Promise<void> {
  clearErrors();
  const body: Record<string, unknown> = {
    scenarioId: scenarioSelect.value,
    name: nameInput.value.trim(),
    speed: speedInput.value === '' ? null : Number(speedInput.value),
    teamIds: teams.filter((t) => enrolled.has(t.id)).map((t) => t.id),
  };
  if (versionSelect.value) body.version = Number(versionSelect.value);
  if (startInput.value) {
    // datetime-local is the reader's wall clock without a zone; the server wants an instant.
    const at = new Date(startInput.value);
    body.startAt = Number.isNaN(at.getTime()) ? startInput.value : at.toISOString();
  }
  if (ownScores.checked) body.teamsSeeOwnScores = true;
  const button = byId('create-button', HTMLButtonElement);
  button.disabled = true;
  try {
    showCreated(await api<CreatedExercise>('/api/exercises', { method: 'POST', body }));
  } catch (e) {
    showErrors(e);
  } finally {
    button.disabled = false;
  }
}

function showCreated(ex: CreatedExercise): void {
  form.hidden = true;
  const box = byId('created');
  box.hidden = false;
  const when =
    ex.status === 'scheduled' && ex.scheduledStartAt
      ? `It starts by itself at ${formatWallDate(ex.scheduledStartAt)}.`
      : 'It is a draft: start it from the control board when the teams are ready.';
  clear(
    box,
    h('h2', {}, `Exercise “${ex.name}” created`),
    h('p', {}, `${ex.teams.length} team${ex.teams.length === 1 ? '' : 's'} enrolled. ${when}`),
    h(
      'div',
      { class: 'actions' },
      h(
        'a',
        { class: 'button primary', id: 'open-board', href: `control.html?exercise=${encodeURIComponent(ex.id)}` },
        'Open control board',
      ),
      h('a', { class: 'button', href: 'exercises.html' }, 'Create another exercise'),
    ),
  );
  byId('open-board').focus();
}

// ───── start ─────

async function main(): Promise<void> {
  const me = await requireUser(['controller']);
  setupHeader(me);
  setupNav('exercises');
  const q = new URLSearchParams(location.search);
  try {
    [scenarios, teams] = await Promise.all([api<ScenarioSummary[]>('/api/scenarios'), api<Team[]>('/api/teams')]);
  } catch (e) {
    showErrors(e);
    return;
  }
  scenarios.sort((a, b) => a.title.localeCompare(b.title));
  teams.sort((a, b) => a.code.localeCompare(b.code));
  fillScenarios(q.get('scenario'), q.has('version') ? Number(q.get('version')) : null);
  renderChips();
  renderTeams();
  describeSpeed();
  scenarioSelect.addEventListener('change', () => fillVersions(null));
  versionSelect.addEventListener('change', () => void describeVersion());
  speedInput.addEventListener('input', describeSpeed);
  byId('enrol-shown').addEventListener('click', enrolShown);
  byId('clear-enrolment').addEventListener('click', () => {
    enrolled.clear();
    renderTeams();
  });
  // A field's refusal stays until that field changes, so what is left to fix is what is still shown.
  form.addEventListener('input', (e) => {
    for (const { control, error } of Object.values(FIELDS)) {
      if (!byId(control).contains(e.target as Node)) continue;
      byId(control).removeAttribute('aria-invalid');
      byId(error).hidden = true;
      byId(error).textContent = '';
    }
    const box = byId('form-error');
    if (Object.values(FIELDS).every((f) => byId(f.error).hidden) && !box.querySelector('ul')) box.hidden = true;
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void create();
  });
}

void main();
