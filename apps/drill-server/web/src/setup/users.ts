// Users page (controllers): who signs in, in which role and team, with how many working tokens; create a person,
// issue a new token, revoke tokens. A new token is shown once, in a box with a Copy button, and never again.
import {
  ROLES,
  type CreatedUser,
  type IssuedToken,
  type Role,
  type TeamView,
  type TokenView,
  type UserView,
} from '@drill/contracts';
import { api, errorText } from '../common/api.js';
import { announce, byId, clear, controlValue, h, toast } from '../common/dom.js';
import { formatWallDate } from '../common/format.js';
import { requireUser, setupHeader } from '../common/page.js';
import { clearFieldErrors, showFieldErrors } from './field-errors.js';
import { setupNav } from './nav.js';

const ROLE_TEXT: Readonly<Record<Role, string>> = {
  participant: 'An analyst of one team: receives its injects and reports through the ISM.',
  controller: 'Drill control: sets up teams, users and scenarios, runs exercises.',
  evaluator: 'Reviews the scores, overrides them with a justification, publishes the after-action report.',
  observer: 'Watches the control board; changes nothing.',
};

const me = await requireUser(['controller']);
setupHeader(me);
setupNav('users');

const form = byId('user-form', HTMLFormElement);
const ERRORS = 'user-form-errors';
let users: UserView[] = [];
let teams: TeamView[] = [];
/** The users whose token list is open, and the ones whose "revoke all" waits for a second click. */
const open = new Set<string>();
const tokensOf = new Map<string, TokenView[]>();
const confirming = new Set<string>();

const teamLabel = (teamId: string | null) => {
  const t = teams.find((x) => x.id === teamId);
  return t ? `${t.code} — ${t.name}` : teamId ? 'unknown team' : '—';
};

// ───── the token, shown once ─────

/** Shows a token that was just issued, in the box above everything, and moves focus there. */
function showToken(holder: string, token: string): void {
  byId('token-title').textContent = `New token for ${holder}`;
  byId('new-token', HTMLInputElement).value = token;
  byId('copy-state').textContent = '';
  const box = byId('token-box');
  box.hidden = false;
  box.scrollIntoView({ block: 'nearest' });
  byId('new-token').focus();
  byId('new-token', HTMLInputElement).select();
}

async function copyToken(): Promise<void> {
  const input = byId('new-token', HTMLInputElement);
  const state = byId('copy-state');
  try {
    await navigator.clipboard.writeText(input.value);
    state.textContent = 'Copied to the clipboard.';
  } catch {
    // No clipboard access (an insecure origin, a refused permission): select the text for Ctrl+C / ⌘C.
    input.focus();
    input.select();
    state.textContent = 'Selected: press Ctrl+C (⌘C on a Mac) to copy.';
  }
}

function hideToken(): void {
  byId('new-token', HTMLInputElement).value = '';
  byId('token-box').hidden = true;
  announce('Token hidden.');
}

// ───── the list ─────

async function reload(): Promise<void> {
  users = await api<UserView[]>('/api/users');
  await Promise.all([...open].map(async (id) => tokensOf.set(id, await api<TokenView[]>(`/api/users/${id}/tokens`))));
  renderUsers();
}

async function issueToken(u: UserView): Promise<void> {
  try {
    const t = await api<IssuedToken>(`/api/users/${u.id}/tokens`, {
      method: 'POST',
      body: { label: 'issued on the users page' },
    });
    await reload();
    showToken(u.name, t.token);
  } catch (e) {
    toast(`No token issued for ${u.name}: ${errorText(e)}`, 'error');
  }
}

async function revoke(u: UserView, tokenId?: string): Promise<void> {
  confirming.delete(u.id);
  try {
    const path = tokenId ? `/api/users/${u.id}/tokens/${tokenId}/revoke` : `/api/users/${u.id}/tokens/revoke`;
    const revoked = await api<TokenView | TokenView[]>(path, { method: 'POST' });
    const n = Array.isArray(revoked) ? revoked.length : 1;
    await reload();
    const text = tokenId ? `Token revoked for ${u.name}.` : `${n} token${n === 1 ? '' : 's'} of ${u.name} revoked.`;
    toast(text, 'ok');
    announce(text);
  } catch (e) {
    toast(`Revoking failed: ${errorText(e)}`, 'error');
  }
}

async function toggleTokens(u: UserView): Promise<void> {
  if (open.delete(u.id)) return renderUsers();
  open.add(u.id);
  try {
    tokensOf.set(u.id, await api<TokenView[]>(`/api/users/${u.id}/tokens`));
  } catch (e) {
    toast(`The tokens of ${u.name} cannot be read: ${errorText(e)}`, 'error');
  }
  renderUsers();
}

function tokenRows(u: UserView): HTMLTableRowElement {
  const list = tokensOf.get(u.id) ?? [];
  return h(
    'tr',
    { class: 'token-list' },
    h(
      'td',
      { colspan: '5' },
      list.length === 0
        ? h('p', { class: 'empty' }, 'No token.')
        : h(
            'table',
            { class: 'data' },
            h('caption', { class: 'visually-hidden' }, `Tokens of ${u.name}`),
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                ['Starts with', 'Label', 'Issued', 'Expires', 'Status', ''].map((c) => h('th', { scope: 'col' }, c)),
              ),
            ),
            h(
              'tbody',
              {},
              list.map((t) =>
                h(
                  'tr',
                  {},
                  h('td', { class: 'mono' }, t.prefix ? `drl_${t.prefix}…` : '(older token)'),
                  h('td', {}, t.label ?? ''),
                  h('td', {}, formatWallDate(t.createdAt)),
                  h('td', {}, t.expiresAt ? formatWallDate(t.expiresAt) : 'when revoked'),
                  h('td', {}, h('span', { class: `badge token-${t.status}` }, t.status)),
                  h(
                    'td',
                    {},
                    t.status === 'active'
                      ? h(
                          'button',
                          { type: 'button', class: 'small danger', onclick: () => void revoke(u, t.id) },
                          'Revoke',
                          h('span', { class: 'visually-hidden' }, ` token ${t.prefix}`),
                        )
                      : '',
                  ),
                ),
              ),
            ),
          ),
    ),
  );
}

/** "Revoke tokens…" asks once more, in the row itself. */
function setConfirming(u: UserView, on: boolean): void {
  if (on) confirming.add(u.id);
  else confirming.delete(u.id);
  renderUsers();
  document
    .querySelector<HTMLElement>(`tr[data-user="${u.id}"] .confirm button, tr[data-user="${u.id}"] button.danger`)
    ?.focus();
}

function userActions(u: UserView): HTMLElement {
  const self = u.id === me.id;
  return h(
    'div',
    { class: 'actions' },
    h(
      'button',
      { type: 'button', class: 'small', onclick: () => void issueToken(u) },
      'Issue new token',
      h('span', { class: 'visually-hidden' }, ` for ${u.name}`),
    ),
    h(
      'button',
      { type: 'button', class: 'small', 'aria-expanded': String(open.has(u.id)), onclick: () => void toggleTokens(u) },
      'Tokens',
      h('span', { class: 'visually-hidden' }, ` of ${u.name}`),
    ),
    u.activeTokens === 0 || self
      ? ''
      : confirming.has(u.id)
        ? h(
            'span',
            { class: 'confirm', role: 'group', 'aria-label': `Revoke every token of ${u.name}?` },
            `Revoke all ${u.activeTokens}?`,
            h('button', { type: 'button', class: 'small danger primary', onclick: () => void revoke(u) }, 'Revoke'),
            h('button', { type: 'button', class: 'small', onclick: () => setConfirming(u, false) }, 'Keep'),
          )
        : h(
            'button',
            { type: 'button', class: 'small danger', onclick: () => setConfirming(u, true) },
            'Revoke tokens…',
            h('span', { class: 'visually-hidden' }, ` of ${u.name}`),
          ),
  );
}

function renderUsers(): void {
  clear(
    byId('user-table'),
    h(
      'table',
      { class: 'data setup-table' },
      h('caption', { class: 'visually-hidden' }, 'Users'),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Name', 'Role', 'Team', 'Active tokens', ''].map((c) => h('th', { scope: 'col' }, c)),
        ),
      ),
      h(
        'tbody',
        {},
        users.map((u) => [
          h(
            'tr',
            { dataset: { user: u.id } },
            h('th', { scope: 'row' }, u.name, u.id === me.id ? h('span', { class: 'muted' }, ' (you)') : ''),
            h('td', {}, h('span', { class: 'badge role' }, u.role)),
            h('td', {}, teamLabel(u.teamId)),
            h(
              'td',
              { class: u.activeTokens === 0 ? 'no-token' : undefined },
              u.activeTokens === 0 ? 'none — cannot sign in' : String(u.activeTokens),
            ),
            h('td', {}, userActions(u)),
          ),
          open.has(u.id) ? tokenRows(u) : null,
        ]),
      ),
    ),
  );
}

// ───── the form ─────

function roleChanged(): void {
  const role = controlValue('u-role') as Role;
  byId('u-role-hint').textContent = ROLE_TEXT[role];
  const team = byId('u-team', HTMLSelectElement);
  team.disabled = role !== 'participant';
  if (team.disabled) team.value = '';
}

async function submit(): Promise<void> {
  clearFieldErrors(form, ERRORS);
  const role = controlValue('u-role') as Role;
  const teamId = controlValue('u-team');
  const button = byId('user-submit', HTMLButtonElement);
  button.disabled = true;
  try {
    const created = await api<CreatedUser>('/api/users', {
      method: 'POST',
      body: { name: controlValue('u-name').trim(), role, ...(teamId ? { teamId } : {}) },
    });
    // Role and team stay: drill control usually enrols several analysts of one team in a row.
    byId('u-name', HTMLInputElement).value = '';
    await reload();
    showToken(created.name, created.token);
    toast(`User ${created.name} created.`, 'ok');
  } catch (e) {
    showFieldErrors(form, ERRORS, e);
  } finally {
    button.disabled = false;
  }
}

const roleSelect = byId('u-role', HTMLSelectElement);
for (const r of ROLES) roleSelect.append(h('option', { value: r }, r));
roleSelect.value = 'participant';
roleSelect.addEventListener('change', roleChanged);
byId('copy-token').addEventListener('click', () => void copyToken());
byId('token-done').addEventListener('click', hideToken);
form.addEventListener('submit', (e) => {
  e.preventDefault();
  void submit();
});

try {
  teams = await api<TeamView[]>('/api/teams');
  clear(
    byId('u-team'),
    h('option', { value: '' }, teams.length ? '— choose the team —' : '— no team yet: create one on the Teams page —'),
    teams.map((t) => h('option', { value: t.id }, `${t.code} — ${t.name}`)),
  );
  roleChanged();
  await reload();
} catch (e) {
  clear(byId('user-table'), h('p', { class: 'error-box', role: 'alert' }, `The users cannot be read: ${errorText(e)}`));
}
