// Teams page (controllers): the CERTs an exercise can enrol, with their GCI tier, tags and points of contact;
// create a team, or edit one (its code stays). The server's field errors appear under the field they name.
import {
  MAX_POINTS_OF_CONTACT,
  TEAM_TIER_LABELS,
  TEAM_TIERS,
  type PointOfContact,
  type TeamTier,
  type TeamView,
} from '@drill/contracts';
import { api, errorText } from '../common/api.js';
import { announce, byId, clear, controlValue, h, toast } from '../common/dom.js';
import { requireUser, setupHeader } from '../common/page.js';
import { clearFieldErrors, showFieldErrors } from './field-errors.js';
import { setupNav } from './nav.js';

const me = await requireUser(['controller']);
setupHeader(me);
setupNav('teams');

const form = byId('team-form', HTMLFormElement);
const ERRORS = 'team-form-errors';
let teams: TeamView[] = [];
/** The team the form edits; null: the form creates one. */
let editing: TeamView | null = null;

const list = (s: string) =>
  s
    .split(/[,\s]+/)
    .map((x) => x.trim())
    .filter(Boolean);

const tierText = (tier: TeamTier | null) => (tier === null ? '—' : TEAM_TIER_LABELS[tier]);

function contactLine(p: PointOfContact): HTMLLIElement {
  return h(
    'li',
    {},
    h('strong', {}, p.name),
    p.role ? ` (${p.role})` : '',
    p.email ? [' · ', h('a', { href: `mailto:${p.email}` }, p.email)] : '',
    p.phone ? [' · ', h('a', { href: `tel:${p.phone.replace(/[^+0-9]/g, '')}` }, p.phone)] : '',
  );
}

function renderTeams(): void {
  const box = byId('team-table');
  if (!teams.length) {
    clear(box, h('p', { class: 'empty' }, 'No team yet. Create the first one with the form.'));
    return;
  }
  clear(
    box,
    h(
      'table',
      { class: 'data setup-table' },
      h('caption', { class: 'visually-hidden' }, 'Teams'),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Code', 'Name', 'Country', 'Tier', 'Tags', 'Points of contact', ''].map((c) => h('th', { scope: 'col' }, c)),
        ),
      ),
      h(
        'tbody',
        {},
        teams.map((t) =>
          h(
            'tr',
            { dataset: { team: t.code }, class: editing?.id === t.id ? 'editing' : undefined },
            h('th', { scope: 'row', class: 'mono' }, t.code),
            h('td', {}, t.name),
            h('td', {}, t.country ?? ''),
            h('td', {}, tierText(t.tier)),
            h(
              'td',
              {},
              t.tags.map((tag) => h('span', { class: 'badge tag' }, tag)),
            ),
            h(
              'td',
              {},
              t.pointsOfContact.length ? h('ul', { class: 'contacts' }, t.pointsOfContact.map(contactLine)) : '',
            ),
            h(
              'td',
              {},
              h(
                'button',
                { type: 'button', class: 'small', onclick: () => startEditing(t) },
                'Edit',
                h('span', { class: 'visually-hidden' }, ` ${t.code}`),
              ),
            ),
          ),
        ),
      ),
    ),
  );
}

/**
 * The contact rows as sent: trimmed, blank rows dropped from the form too, so that the server's paths
 * (/pointsOfContact/2/email) name the rows on screen.
 */
function contactsToSend(): PointOfContact[] {
  const kept = contactsOfRows()
    .map((p) => ({ name: p.name.trim(), email: p.email?.trim(), phone: p.phone?.trim(), role: p.role?.trim() }))
    .filter((p) => p.name || p.email || p.phone || p.role);
  renderContacts(kept);
  return kept.map(({ name, email, phone, role }) => ({
    name,
    ...(email ? { email } : {}),
    ...(phone ? { phone } : {}),
    ...(role ? { role } : {}),
  }));
}

function renderContacts(contacts: PointOfContact[]): void {
  const input = (n: number, part: keyof PointOfContact, label: string, type = 'text', value = '') => {
    const id = `poc-${n}-${part}`;
    return h(
      'div',
      { class: 'field' },
      h('label', { for: id }, label),
      h('input', { id, type, value, autocomplete: 'off', dataset: { part, path: `/pointsOfContact/${n}/${part}` } }),
    );
  };
  clear(
    byId('poc-rows'),
    contacts.map((p, n) =>
      h(
        'fieldset',
        { class: 'poc-row' },
        h('legend', {}, `Contact ${n + 1}`),
        h(
          'div',
          { class: 'row' },
          input(n, 'name', 'Name', 'text', p.name),
          input(n, 'email', 'E-mail', 'email', p.email),
          input(n, 'phone', 'Phone', 'tel', p.phone),
          input(n, 'role', 'Role', 'text', p.role),
          h(
            'button',
            {
              type: 'button',
              class: 'small danger',
              onclick: () => {
                const rest = contactsOfRows();
                rest.splice(n, 1);
                renderContacts(rest);
                byId('poc-add').focus();
              },
            },
            `Remove contact ${n + 1}`,
          ),
        ),
      ),
    ),
  );
  byId('poc-add', HTMLButtonElement).disabled = contacts.length >= MAX_POINTS_OF_CONTACT;
}

/** Every contact row, blank ones included (to re-render after adding or removing one). */
function contactsOfRows(): PointOfContact[] {
  return [...byId('poc-rows').querySelectorAll<HTMLElement>('.poc-row')].map((row) => {
    const v = (part: string) => row.querySelector<HTMLInputElement>(`[data-part=${part}]`)?.value ?? '';
    return { name: v('name'), email: v('email'), phone: v('phone'), role: v('role') };
  });
}

function fillForm(t: TeamView | null): void {
  clearFieldErrors(form, ERRORS);
  const code = byId('t-code', HTMLInputElement);
  code.value = t?.code ?? '';
  code.disabled = t !== null;
  byId('t-name', HTMLInputElement).value = t?.name ?? '';
  byId('t-country', HTMLInputElement).value = t?.country ?? '';
  byId('t-tier', HTMLSelectElement).value = t?.tier ? String(t.tier) : '';
  byId('t-tags', HTMLInputElement).value = t?.tags.join(', ') ?? '';
  renderContacts(t?.pointsOfContact ?? []);
  byId('team-form-title').textContent = t ? `Edit team ${t.code}` : 'New team';
  byId('team-submit').textContent = t ? 'Save changes' : 'Create team';
  byId('team-cancel').hidden = t === null;
}

function startEditing(t: TeamView): void {
  editing = t;
  fillForm(t);
  renderTeams();
  byId('t-name').focus();
  announce(`Editing team ${t.code}.`);
}

function stopEditing(): void {
  editing = null;
  fillForm(null);
  renderTeams();
}

async function submit(): Promise<void> {
  clearFieldErrors(form, ERRORS);
  const tier = controlValue('t-tier');
  const profile = {
    name: controlValue('t-name').trim(),
    tags: list(controlValue('t-tags')),
    pointsOfContact: contactsToSend(),
  };
  const button = byId('team-submit', HTMLButtonElement);
  button.disabled = true;
  try {
    if (editing) {
      const saved = await api<TeamView>(`/api/teams/${editing.id}`, {
        method: 'PATCH',
        body: { ...profile, country: controlValue('t-country').trim() || null, tier: tier ? Number(tier) : null },
      });
      teams = teams.map((t) => (t.id === saved.id ? saved : t));
      toast(`Team ${saved.code} saved.`, 'ok');
      announce(`Team ${saved.code} saved.`);
      stopEditing();
    } else {
      const country = controlValue('t-country').trim();
      const created = await api<TeamView>('/api/teams', {
        method: 'POST',
        body: {
          code: controlValue('t-code').trim().toUpperCase(),
          ...profile,
          ...(country ? { country } : {}),
          ...(tier ? { tier: Number(tier) } : {}),
        },
      });
      teams = [...teams, created].sort((a, b) => a.code.localeCompare(b.code));
      toast(`Team ${created.code} created.`, 'ok');
      announce(`Team ${created.code} created.`);
      fillForm(null);
      renderTeams();
      byId('t-code').focus();
    }
  } catch (e) {
    showFieldErrors(form, ERRORS, e);
  } finally {
    button.disabled = false;
  }
}

clear(
  byId('t-tier'),
  h('option', { value: '' }, '— not recorded —'),
  TEAM_TIERS.map((t) => h('option', { value: String(t) }, TEAM_TIER_LABELS[t])),
);
byId('poc-add').addEventListener('click', () => {
  const rows = contactsOfRows();
  renderContacts([...rows, { name: '' }]);
  document.getElementById(`poc-${rows.length}-name`)?.focus();
});
byId('team-cancel').addEventListener('click', stopEditing);
form.addEventListener('submit', (e) => {
  e.preventDefault();
  void submit();
});
fillForm(null);

try {
  teams = await api<TeamView[]>('/api/teams');
  renderTeams();
} catch (e) {
  clear(byId('team-table'), h('p', { class: 'error-box', role: 'alert' }, `The teams cannot be read: ${errorText(e)}`));
}
