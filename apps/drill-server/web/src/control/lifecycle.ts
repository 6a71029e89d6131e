// The exercise's lifecycle (start, pause, resume, complete, abort) and its clock in the header. Complete and
// abort ask first, in place.
import { api, errorText } from '../common/api.js';
import type { ClockState } from '../common/clock.js';
import { announce, byId, clear, h, toast } from '../common/dom.js';
import { statusBadge } from '../common/format.js';
import type { ExerciseView } from '../common/views.js';
import { refreshAges } from './board.js';
import { canControl, clock, exerciseId, state } from './context.js';
import { scheduleTimeline } from './data.js';

type Action = 'start' | 'pause' | 'resume' | 'complete' | 'abort';

/** The statuses each action applies to; its button is shown only then. */
const ALLOWED: Readonly<Record<Action, readonly string[]>> = {
  start: ['draft', 'scheduled'],
  pause: ['running'],
  resume: ['paused'],
  complete: ['running', 'paused'],
  abort: ['draft', 'scheduled', 'running', 'paused'],
};

export function applyState(s: ClockState): void {
  const changed = s.status !== state.status;
  state.status = s.status;
  state.speed = s.speed;
  clock.update(s);
  clear(byId('status'), statusBadge(s.status));
  byId('speed').textContent = s.speed === 1 ? 'real time' : `×${s.speed}`;
  for (const b of byId('lifecycle').querySelectorAll<HTMLButtonElement>('button')) {
    b.hidden = !canControl || !ALLOWED[b.dataset.action as Action].includes(s.status);
  }
  if (changed) announce(`Exercise ${s.status}.`);
  refreshAges();
}

async function lifecycle(action: Action): Promise<void> {
  const confirmBox = byId('lifecycle-confirm');
  clear(confirmBox);
  confirmBox.hidden = true;
  try {
    const view = await api<ExerciseView>(`/api/exercises/${exerciseId}/${action}`, { method: 'POST' });
    applyState(view.clock);
    toast(`Exercise ${view.status}.`, 'ok');
    scheduleTimeline();
  } catch (e) {
    toast(`Could not ${action}: ${errorText(e)}`, 'error');
  }
}

export function setupLifecycle(): void {
  byId('readonly-note').hidden = canControl;
  for (const b of document.querySelectorAll<HTMLElement>('.controller-only')) b.hidden = !canControl;
  byId('lifecycle').addEventListener('click', (e) => {
    const b = (e.target as Element).closest<HTMLButtonElement>('button[data-action]');
    if (!b) return;
    const action = b.dataset.action as Action;
    if (!b.dataset.confirm) return void lifecycle(action);
    const box = byId('lifecycle-confirm');
    const cancel = h(
      'button',
      {
        type: 'button',
        onclick: () => {
          box.hidden = true;
          b.focus();
        },
      },
      'Cancel',
    );
    clear(
      box,
      h(
        'div',
        { class: 'confirm', role: 'alertdialog', 'aria-label': `Confirm ${action}` },
        h('span', {}, b.dataset.confirm),
        h(
          'button',
          { type: 'button', class: 'danger primary', onclick: () => void lifecycle(action) },
          `Yes, ${action}`,
        ),
        cancel,
      ),
    );
    box.hidden = false;
    cancel.focus();
  });
}
