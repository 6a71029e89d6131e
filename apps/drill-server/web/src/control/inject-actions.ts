// Inject actions in the preview of the selected inject (opened from its column, row or a cell): release now (to all
// its teams or one), skip what is pending, retime. The detail line says where the inject stands.
import { api, errorText } from '../common/api.js';
import { announce, byId, clear, h, toast, valueOf } from '../common/dom.js';
import { progress, refreshAges, statusLabel } from './board.js';
import { cellKey, exerciseId, state, type Cell } from './context.js';
import { scheduleTimeline } from './data.js';
import { refreshDetail } from './detail.js';
import { isReleased } from './msel.js';

const teamSelect = () => byId('team-select', HTMLSelectElement);
const injectPath = (injectId: string) => `/api/exercises/${exerciseId}/injects/${encodeURIComponent(injectId)}`;

/** The action part of an inject's preview: where the inject stands, and for which team the buttons act. */
export function renderInjectDetail(): void {
  const i = state.injects.find((x) => x.id === state.selectedInject);
  if (!i) {
    byId('inject-detail').textContent = 'Choose an inject.';
    return;
  }
  const team = state.teams.find((t) => t.id === state.selectedTeam);
  teamSelect().value = team?.id ?? '';
  const cells = state.teams.map((t) => state.cells.get(cellKey(t.id, i.id))).filter((c): c is Cell => Boolean(c));
  const count = (...s: string[]) => cells.filter((c) => s.includes(c.status ?? '')).length;
  const parts = [
    i.offset ? `planned ${i.offset}` : '',
    i.trigger ? 'conditional inject' : '',
    `${cells.filter(isReleased).length} released, ${count('scheduled', 'armed')} pending, ${count('skipped')} skipped`,
  ];
  if (team) {
    // Its times are in the preview's table of teams.
    parts.push(`${team.code}: ${statusLabel(progress(state.cells.get(cellKey(team.id, i.id))).st)}`);
  }
  byId('inject-detail').textContent = parts.filter(Boolean).join(' · ');
  byId('release-now').textContent = team ? `Release now to ${team.code}` : 'Release now to its teams';
}

function injectError(e: unknown): void {
  const box = byId('inject-error');
  box.textContent = errorText(e);
  box.hidden = false;
}

const codes = (ids: readonly string[]) => ids.map((id) => state.teams.find((t) => t.id === id)?.code ?? id).join(', ');

async function releaseNow(): Promise<void> {
  const injectId = state.selectedInject;
  if (!injectId) return;
  const body = state.selectedTeam ? { teamIds: [state.selectedTeam] } : {};
  try {
    const r = await api<{ released: string[]; alreadyReleased: string[] }>(`${injectPath(injectId)}/release`, {
      method: 'POST',
      body,
    });
    toast(
      r.released.length
        ? `Released ${injectId} to ${codes(r.released)}.`
        : `${injectId} was already released to ${codes(r.alreadyReleased) || 'its teams'}.`,
      'ok',
    );
    announce(`Released ${injectId}.`);
    scheduleTimeline(0);
  } catch (e) {
    injectError(e);
  }
}

async function skip(injectId: string): Promise<void> {
  try {
    const r = await api<{ skipped?: number }>(injectPath(injectId), { method: 'PATCH', body: { skip: true } });
    toast(`Skipped ${injectId} (${r.skipped ?? 0} pending releases).`, 'ok');
    scheduleTimeline(0);
  } catch (e) {
    injectError(e);
  }
}

/** Skipping asks first, beside the button. */
function confirmSkip(): void {
  const injectId = state.selectedInject;
  if (!injectId) return;
  const box = byId('skip-confirm');
  const cancel = h(
    'button',
    {
      type: 'button',
      onclick: () => {
        box.hidden = true;
        byId('skip').focus();
      },
    },
    'Cancel',
  );
  clear(
    box,
    h(
      'span',
      { class: 'confirm', role: 'alertdialog', 'aria-label': `Confirm skipping ${injectId}` },
      `Skip every pending release of ${injectId}?`,
      h(
        'button',
        {
          type: 'button',
          class: 'danger primary',
          onclick: () => {
            box.hidden = true;
            void skip(injectId);
          },
        },
        'Yes, skip',
      ),
      cancel,
    ),
  );
  box.hidden = false;
  cancel.focus();
}

async function retime(): Promise<void> {
  const input = byId('retime-offset', HTMLInputElement);
  const offset = input.value.trim();
  const injectId = state.selectedInject;
  if (!/^\+\d{2,3}:[0-5]\d(:[0-5]\d)?$/.test(offset)) {
    input.setAttribute('aria-invalid', 'true');
    injectError(new Error('The offset must look like +HH:MM or +HH:MM:SS, e.g. +01:30.'));
    input.focus();
    return;
  }
  input.removeAttribute('aria-invalid');
  try {
    await api(injectPath(injectId), { method: 'PATCH', body: { offset } });
    toast(`${injectId} retimed to ${offset}.`, 'ok');
    const i = state.injects.find((x) => x.id === injectId);
    if (i) i.offset = offset;
    input.value = '';
    scheduleTimeline(0);
  } catch (err) {
    injectError(err);
  }
}

export function setupInjectActions(): void {
  for (const t of state.teams) teamSelect().append(h('option', { value: t.id }, `Only ${t.code} (${t.name})`));
  teamSelect().addEventListener('change', (e) => {
    state.selectedTeam = valueOf(e);
    renderInjectDetail();
    refreshAges();
    refreshDetail();
  });
  byId('release-now').addEventListener('click', () => void releaseNow());
  byId('skip').addEventListener('click', confirmSkip);
  byId('retime-form').addEventListener('submit', (e) => {
    e.preventDefault();
    void retime();
  });
}
