// The report form's pickers, filled from the drill's vocabularies: kind (with its hint), RSIT class and type,
// determination, severity and the TLP labels with what each one means; and the recipients, picked by name.
import {
  DETERMINATIONS,
  REPORT_KINDS,
  RSIT,
  SEVERITIES,
  TLP_LABELS,
  type ExerciseDirectory,
  type ReportKind,
} from '@drill/contracts';
import { api } from '../../common/api.js';
import { byId, clear, h } from '../../common/dom.js';
import { tlpBadge } from '../../common/format.js';
import { REPORT_KIND_TEXT, TLP_MEANING } from '../../common/vocab.js';
import { exerciseId, state } from '../context.js';

export const form = () => byId('report-form', HTMLFormElement);
export const field = (id: string) => byId(id, HTMLInputElement);
export const select = (id: string) => byId(id, HTMLSelectElement);
export const textArea = (id: string) => byId(id, HTMLTextAreaElement);

/** Shows what the chosen kind of report is for. */
export function showKindHint(): void {
  byId('r-kind-hint').textContent = REPORT_KIND_TEXT[select('r-kind').value as ReportKind]?.hint ?? '';
}

/** The RSIT types of the chosen class (none until a class is chosen). */
export function fillTypes(selected = ''): void {
  const cls = select('r-class').value;
  const types = select('r-type');
  clear(
    types,
    h('option', { value: '' }, cls ? '— choose a type —' : '— choose a class first —'),
    (RSIT[cls] ?? []).map((t) => h('option', { value: t }, t)),
  );
  types.disabled = !cls;
  types.value = selected;
}

export function setupFields(): void {
  const kind = select('r-kind');
  for (const k of REPORT_KINDS) kind.append(h('option', { value: k }, REPORT_KIND_TEXT[k].label));
  kind.value = 'early-warning';
  kind.addEventListener('change', showKindHint);
  showKindHint();
  for (const c of Object.keys(RSIT)) select('r-class').append(h('option', { value: c }, c));
  for (const d of DETERMINATIONS) select('r-determination').append(h('option', { value: d }, d));
  for (const s of SEVERITIES) select('r-severity').append(h('option', { value: s }, s));
  clear(
    byId('tlp-options'),
    TLP_LABELS.map((label) => {
      const short = label.replace(/^TLP:/, '');
      return h(
        'label',
        { class: 'tlp-option' },
        h('input', { type: 'radio', name: 'tlp', value: label, 'aria-describedby': `tlp-m-${short}` }),
        tlpBadge(label),
        h('span', { id: `tlp-m-${short}` }, TLP_MEANING[label]),
      );
    }),
  );
  select('r-class').addEventListener('change', () => fillTypes());
  setupRecipientPicker();
}

// ───── recipients by name ─────
// The analyst picks teams and people by name from the exercise's directory; the request still names teams by code
// and people by id, as the API expects. The people chosen live in #r-users (ids, comma-separated), which the draft
// saves; until the directory has loaded (or if it cannot be read) that field stays visible for ids typed by hand.

/** The exercise's teams and their people (GET …/directory); empty until loaded. */
export const directory: ExerciseDirectory = { teams: [], people: [] };

type Recipient = { name: string } & ({ kind: 'team'; code: string } | { kind: 'person'; id: string });
/** What each suggestion of the picker's datalist stands for, by its text. */
const suggestions = new Map<string, Recipient>();

/** The entries of a list typed with commas, spaces or semicolons between them. */
export const commaList = (s: string) =>
  s
    .split(/[,\s;]+/)
    .map((x) => x.trim())
    .filter(Boolean);

/** A recipient's name as the analyst knows it: from the directory, else what the threads say of the id. */
function personLabel(id: string): string {
  const p = directory.people.find((x) => x.id === id);
  if (p) return `${p.name} · ${p.teamCode}`;
  const wrote = [...state.reports.values()].find((r) => r.authorUserId === id);
  if (wrote) return wrote.teamCode ? `A ${wrote.teamCode} analyst` : 'Drill control';
  return `Person ${id.slice(0, 8)}…`;
}

/** Suggestions for the recipient teams field: the exercise's teams by name, and any other the threads name. */
export function renderTeamCodes(): void {
  const codes = new Map<string, string>(directory.teams.map((t) => [t.code, t.name]));
  for (const t of state.exercise?.teams ?? []) codes.set(t.code, t.name);
  for (const r of state.reports.values()) {
    if (r.teamCode && !codes.has(r.teamCode)) codes.set(r.teamCode, '');
    if (Array.isArray(r.recipients?.teams)) for (const c of r.recipients.teams) if (!codes.has(c)) codes.set(c, '');
  }
  clear(
    byId('team-codes'),
    [...codes]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([code, name]) => h('option', { value: code, label: name || undefined })),
  );
}

/** Shows the chosen people as chips, each with its remove button. */
export function renderRecipients(): void {
  const list = document.getElementById('r-people');
  if (!list) return;
  const ids = [...new Set(commaList(field('r-users').value))];
  clear(
    list,
    ids.length === 0
      ? h('li', { class: 'hint' }, 'No one named yet (a TLP:RED report needs someone).')
      : ids.map((id) => {
          const label = personLabel(id);
          return h(
            'li',
            { class: 'recipient-chip', dataset: { user: id } },
            label,
            h(
              'button',
              {
                type: 'button',
                class: 'link',
                'aria-label': `Remove ${label}`,
                onclick: () => {
                  setPeople(ids.filter((x) => x !== id));
                  field('r-find').focus();
                },
              },
              '×',
            ),
          );
        }),
  );
}

/** Writes the chosen people back to #r-users and tells the draft (it saves on the form's change events). */
function setPeople(ids: string[]): void {
  const input = field('r-users');
  input.value = ids.join(', ');
  input.dispatchEvent(new Event('change', { bubbles: true }));
  renderRecipients();
}

/** Adds what the analyst typed or picked: a team to the recipient teams, a person to the people. */
function addRecipient(): void {
  const find = field('r-find');
  const hint = byId('r-find-status');
  const text = find.value.trim();
  if (!text) return;
  let pick = suggestions.get(text);
  if (!pick) {
    // Typed, not picked: a team's code or someone's whole name, else one unambiguous part of a name, is enough.
    const needle = text.toLowerCase();
    const all = [...suggestions.values()];
    const exact = all.filter(
      (r) => r.name.toLowerCase() === needle || (r.kind === 'team' && r.code.toLowerCase() === needle),
    );
    const matches = exact.length ? exact : all.filter((r) => r.name.toLowerCase().includes(needle));
    if (matches.length === 1) pick = matches[0]!;
    else {
      hint.textContent = matches.length
        ? `"${text}" matches ${matches.length} recipients: pick one from the list.`
        : `No team or person called "${text}" takes part in this exercise.`;
      find.setAttribute('aria-invalid', 'true');
      return;
    }
  }
  find.removeAttribute('aria-invalid');
  if (pick.kind === 'person') {
    setPeople([...new Set([...commaList(field('r-users').value), pick.id])]);
    hint.textContent = `${personLabel(pick.id)} added to the people.`;
  } else {
    const teams = field('r-teams');
    const codes = commaList(teams.value).map((c) => c.toUpperCase());
    if (!codes.includes(pick.code)) teams.value = [...codes, pick.code].join(', ');
    teams.dispatchEvent(new Event('change', { bubbles: true }));
    hint.textContent = `${pick.code} added to the recipient teams.`;
  }
  find.value = '';
}

/** Fills the picker's suggestions from the directory and swaps the id field for the chips. */
function useDirectory(d: ExerciseDirectory): void {
  Object.assign(directory, d);
  suggestions.clear();
  for (const t of d.teams)
    suggestions.set(`${t.name} (${t.code}) — team`, { kind: 'team', code: t.code, name: t.name });
  for (const p of d.people) {
    let label = `${p.name} — ${p.teamCode}`;
    for (let n = 2; suggestions.has(label); n++) label = `${p.name} — ${p.teamCode} (${n})`;
    suggestions.set(label, { kind: 'person', id: p.id, name: p.name });
  }
  clear(
    byId('r-directory'),
    [...suggestions.keys()].map((label) => h('option', { value: label })),
  );
  const idField = field('r-users').closest<HTMLElement>('.field');
  if (idField) idField.hidden = true;
  byId('r-picker').hidden = false;
  renderTeamCodes();
  renderRecipients();
}

/** Builds the picker under the recipient fields and loads the directory of the exercise. */
export function setupRecipientPicker(): void {
  const row = field('r-teams').closest('.row');
  if (!row) return;
  row.insertAdjacentElement(
    'afterend',
    h(
      'div',
      { class: 'field recipient-picker', id: 'r-picker', hidden: true },
      h('label', { for: 'r-find' }, 'Add recipients by name'),
      h(
        'div',
        { class: 'actions' },
        h('input', {
          id: 'r-find',
          type: 'search',
          list: 'r-directory',
          autocomplete: 'off',
          'aria-describedby': 'r-find-hint',
          // A suggestion picked from the list arrives whole: add it at once.
          oninput: (e: Event) => suggestions.has((e.target as HTMLInputElement).value) && addRecipient(),
          onkeydown: (e: Event) => {
            if ((e as KeyboardEvent).key !== 'Enter') return;
            e.preventDefault(); // Enter adds the recipient; it does not send the report
            addRecipient();
          },
        }),
        h('button', { type: 'button', class: 'small', onclick: addRecipient }, 'Add'),
      ),
      h('datalist', { id: 'r-directory' }),
      h(
        'span',
        { class: 'hint', id: 'r-find-hint' },
        'A name or a team code. A team joins the recipient teams (AMBER); a person joins the people a TLP:RED report is for. Drill control reads every report.',
      ),
      h('span', { class: 'hint', id: 'r-find-status', role: 'status' }),
      h('span', { class: 'recipient-heading', id: 'r-people-title' }, 'Recipient people'),
      h('ul', { id: 'r-people', class: 'recipient-chips', 'aria-labelledby': 'r-people-title' }),
    ),
  );
  api<ExerciseDirectory>(`/api/exercises/${exerciseId}/directory`)
    .then(useDirectory)
    .catch(() => {
      // The id field stays: reports can still name people, by id.
    });
}
