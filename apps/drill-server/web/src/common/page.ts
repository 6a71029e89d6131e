import type { Role } from '@drill/contracts';
import { api, errorText } from './api.js';
import { byId, clear, h } from './dom.js';
import { session } from './session.js';
import type { ExerciseView, Me } from './views.js';

// What every console page does first: who is signed in, which exercise, the shared header.

/** The signed-in user, or a redirect to the sign-in page. `roles` limits who may use the page. */
export async function requireUser(roles?: readonly Role[]): Promise<Me> {
  if (!session.token) {
    location.href = 'index.html';
    throw new Error('not signed in');
  }
  let me: Me;
  try {
    me = await api<Me>('/api/me');
  } catch (e) {
    session.token = null;
    location.href = 'index.html?expired=1';
    throw e;
  }
  if (roles && !roles.includes(me.role)) {
    location.href = 'index.html?wrongRole=1';
    throw new Error('wrong role');
  }
  return me;
}

export function exerciseIdFromUrl(): string {
  const id = new URLSearchParams(location.search).get('exercise');
  if (!id) {
    location.href = 'index.html';
    throw new Error('no exercise chosen');
  }
  return id;
}

const CONSOLE: Readonly<Record<Role, string>> = {
  participant: 'team.html',
  controller: 'control.html',
  evaluator: 'evaluator.html',
  observer: 'control.html',
};

/** The page each role works in. */
export const consoleFor = (role: string): string => CONSOLE[role as Role] ?? 'index.html';

/** Fills the shared page header: who is signed in, the sign-out button, and the exercise's name. */
export function setupHeader(me: Me, { exerciseName }: { exerciseName?: string } = {}): void {
  const who = document.getElementById('who');
  if (who) clear(who, h('span', { class: 'who-name' }, me.name), ' ', h('span', { class: 'badge role' }, me.role));
  document.getElementById('sign-out')?.addEventListener('click', () => session.signOut());
  if (exerciseName) {
    const title = document.getElementById('exercise-name');
    if (title) title.textContent = exerciseName;
  }
}

/** The connection indicator of the header, from `connectLive`'s status. */
export function showConnection(status: string): void {
  const el = document.getElementById('connection');
  if (!el) return;
  const state = status === 'connected' ? 'online' : status.startsWith('offline') ? 'offline' : 'reconnecting';
  el.className = `conn conn-${state}`;
  el.textContent = status === 'connected' ? 'Live' : status.startsWith('offline') ? 'Offline' : 'Reconnecting…';
  el.title = status;
}

/** The exercise the page is about; when it cannot be read, the page says why instead of its content. */
export async function loadExercise(exerciseId: string): Promise<ExerciseView> {
  try {
    return await api<ExerciseView>(`/api/exercises/${exerciseId}`);
  } catch (e) {
    clear(
      byId('main'),
      h('div', { class: 'error-box', role: 'alert' }, `This exercise cannot be opened: ${errorText(e)}`),
    );
    throw e;
  }
}
