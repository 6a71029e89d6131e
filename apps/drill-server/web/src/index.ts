// Sign-in page: takes an access token, checks it, and lists the exercises the user can open with the console
// that fits the role.
import type { Role } from '@drill/contracts';
import { api, ApiError, errorText } from './common/api.js';
import { byId, clear, h } from './common/dom.js';
import { formatScenario, statusBadge } from './common/format.js';
import { consoleFor, setupHeader } from './common/page.js';
import { session } from './common/session.js';
import type { ExerciseListItem, Me } from './common/views.js';

const ROLE_HELP: Readonly<Record<Role, string>> = {
  participant: 'Open an exercise to receive injects and report through the ISM.',
  controller: 'Open the control board to run an exercise, or the review to read its scores.',
  evaluator: 'Open the review to score an exercise; the control board shows its live state.',
  observer: 'You can watch the control board (read-only).',
};

const form = byId('signin-form', HTMLFormElement);
const errorBox = byId('signin-error');
const tokenInput = byId('token', HTMLInputElement);

function showError(text: string): void {
  errorBox.hidden = false;
  errorBox.textContent = text;
}

/** The ways into an exercise for this role, the one the role works in first. */
function links(me: Me, exerciseId: string): HTMLAnchorElement[] {
  const q = `?exercise=${encodeURIComponent(exerciseId)}`;
  const link = (href: string, text: string, primary = false) =>
    h('a', { class: primary ? 'button primary' : 'button', href: `${href}${q}` }, text);
  switch (me.role) {
    case 'participant':
      return [link('team.html', 'Open team console', true)];
    case 'evaluator':
      return [link('evaluator.html', 'Open review', true), link('control.html', 'Control board')];
    case 'controller':
      return [link('control.html', 'Open control board', true), link('evaluator.html', 'Review scores')];
    default:
      return [link(consoleFor(me.role), 'Watch', true)];
  }
}

const EMPTY_LIST = 'No exercise includes you yet. Drill control will tell you when one is ready.';

/** What a controller does before there is any exercise to open, in the order it has to be done. */
function firstSteps(): HTMLLIElement {
  const step = (href: string, page: string, what: string) => h('li', {}, h('a', { href }, page), `: ${what}`);
  return h(
    'li',
    { class: 'first-steps' },
    h('p', {}, 'No exercise yet. To run your first drill:'),
    h(
      'ol',
      {},
      step('teams.html', 'Teams', 'add the participating CERTs, with tags to enrol them by'),
      step('users.html', 'Users', 'give each analyst, evaluator and observer an access token'),
      step('scenarios.html', 'Scenarios', 'upload a scenario or an MSEL and check it'),
      step('exercises.html', 'New exercise', 'pick the scenario, enrol the teams, set the speed'),
    ),
  );
}

async function showExercises(me: Me): Promise<void> {
  byId('signin-panel').hidden = true;
  byId('exercises-panel').hidden = false;
  byId('sign-out').hidden = false;
  setupHeader(me);
  byId('role-help').textContent = ROLE_HELP[me.role] ?? '';
  byId('controller-setup').hidden = me.role !== 'controller';
  const list = byId('exercise-list');
  let exercises: ExerciseListItem[];
  try {
    exercises = await api<ExerciseListItem[]>('/api/exercises');
  } catch (e) {
    clear(list, h('li', { class: 'error-box' }, errorText(e)));
    return;
  }
  if (exercises.length === 0) {
    clear(list, me.role === 'controller' ? firstSteps() : h('li', { class: 'empty' }, EMPTY_LIST));
    return;
  }
  clear(
    list,
    exercises.map((ex) =>
      h(
        'li',
        {},
        h(
          'div',
          { class: 'report-head' },
          h('strong', {}, ex.name),
          statusBadge(ex.status),
          h('span', { class: 'mono muted' }, ex.clock ? formatScenario(ex.clock.scenarioMs) : ''),
          h('span', { class: 'muted' }, ex.scenarioId),
        ),
        h('div', { class: 'actions', style: 'margin-top:0.3rem' }, links(me, ex.id)),
      ),
    ),
  );
  document.querySelector<HTMLElement>('#exercise-list a')?.focus();
}

async function signIn(): Promise<void> {
  errorBox.hidden = true;
  const token = tokenInput.value.trim();
  if (!token) {
    tokenInput.setAttribute('aria-invalid', 'true');
    showError('Enter your access token.');
    tokenInput.focus();
    return;
  }
  try {
    const me = await api<Me>('/api/me', { token });
    tokenInput.removeAttribute('aria-invalid');
    session.token = token;
    await showExercises(me);
  } catch (err) {
    tokenInput.setAttribute('aria-invalid', 'true');
    showError(
      err instanceof ApiError && err.status === 401
        ? 'This token is not valid. Check it and try again.'
        : errorText(err),
    );
    tokenInput.focus();
  }
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  void signIn();
});

const params = new URLSearchParams(location.search);
if (params.has('expired')) showError('Your session ended or the token is no longer valid. Sign in again.');
if (params.has('wrongRole')) showError('That console is not for your role. Pick one below.');

if (session.token) {
  api<Me>('/api/me')
    .then((me) => showExercises(me))
    .catch(() => {
      session.token = null;
    });
} else {
  tokenInput.focus();
}
