// The control board's communications check: "Comms check" sends one to every participant of every team, and the
// panel lists, for the latest check, each team's people reached and confirmed and its time to confirm, refreshed as
// receipts come in (`comcheck.update`).
import { confirmTime, type ComcheckStatus, type ComcheckTeamStatus } from '@drill/exercise';
import { api, errorText } from '../common/api.js';
import { announce, byId, clear, h, toast } from '../common/dom.js';
import { wallTime } from '../common/format.js';
import type { DrillSocket } from '../common/socket.js';
import { canControl, exerciseId } from './context.js';

interface Overview {
  latest: ComcheckStatus | null;
  checks: { id: string; sentAt: string }[];
}

let reloadTimer: ReturnType<typeof setTimeout> | undefined;

const mark = (ok: boolean, yes: string, no: string) =>
  h('span', { class: ok ? 'comcheck-yes' : 'comcheck-no' }, ok ? yes : no);

function teamRow(t: ComcheckTeamStatus): HTMLTableRowElement {
  const waiting = t.people.filter((p) => !p.confirmed).map((p) => p.name);
  return h(
    'tr',
    {},
    h('th', { scope: 'row', title: t.name }, t.code),
    h('td', {}, mark(t.reached, 'reached', 'not reached'), ` ${t.reachedPeople}/${t.participants}`),
    h('td', {}, mark(t.confirmed, 'confirmed', 'no answer'), ` ${t.confirmedPeople}/${t.participants}`),
    h('td', { class: 'num' }, confirmTime(t.confirmMs)),
    h('td', { class: 'muted' }, waiting.length ? waiting.join(', ') : '—'),
  );
}

function render(o: Overview): void {
  const body = byId('comcheck-body');
  const summary = byId('comcheck-summary');
  if (!o.latest) {
    summary.textContent = 'No check sent yet.';
    clear(body);
    return;
  }
  const { totals } = o.latest;
  summary.textContent = `${totals.confirmed} of ${totals.teams} teams confirmed, ${totals.reached} reached`;
  clear(
    body,
    h(
      'p',
      { class: 'hint' },
      'Latest check sent ',
      wallTime(o.latest.sentAt),
      o.checks.length > 1 ? ` (${o.checks.length} sent)` : '',
    ),
    h(
      'table',
      { class: 'grid compact comcheck-table', id: 'comcheck-table' },
      h('caption', { class: 'visually-hidden' }, 'Communications check per team'),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, 'Team'),
          h('th', { scope: 'col' }, 'Reached'),
          h('th', { scope: 'col' }, 'Confirmed'),
          h('th', { scope: 'col', class: 'num' }, 'Time to confirm'),
          h('th', { scope: 'col' }, 'Not yet confirmed'),
        ),
      ),
      h('tbody', {}, o.latest.teams.map(teamRow)),
    ),
  );
}

export async function loadComcheck(): Promise<void> {
  try {
    render(await api<Overview>(`/api/exercises/${exerciseId}/comcheck`));
  } catch (e) {
    byId('comcheck-summary').textContent = `Could not load the communications check: ${errorText(e)}`;
  }
}

async function send(button: HTMLButtonElement): Promise<void> {
  button.disabled = true;
  try {
    await api(`/api/exercises/${exerciseId}/comcheck`, { method: 'POST' });
    announce('Communications check sent to every team');
    await loadComcheck();
  } catch (e) {
    toast(`Could not send the communications check: ${errorText(e)}`, 'error');
  } finally {
    button.disabled = false;
  }
}

export function setupComcheck(): void {
  const button = byId('comcheck-send', HTMLButtonElement);
  button.hidden = !canControl;
  button.addEventListener('click', () => void send(button));
  void loadComcheck();
}

/** Receipts arrive one per person: the panel reloads once per burst. */
export function listenComcheck(socket: DrillSocket): void {
  socket.on('comcheck.update', () => {
    clearTimeout(reloadTimer);
    reloadTimer = setTimeout(() => void loadComcheck(), 300);
  });
}
