import {
  api,
  ApiError,
  clear,
  consoleFor,
  errorText,
  formatScenario,
  h,
  session,
  setupHeader,
  statusBadge,
} from './common.js';

const ROLE_HELP = {
  participant: 'Open an exercise to receive injects and report through the ISM.',
  controller: 'Open the control board to run an exercise, or the review to read its scores.',
  evaluator: 'Open the review to score an exercise; the control board shows its live state.',
  observer: 'You can watch the control board (read-only).',
};

const form = document.getElementById('signin-form');
const errorBox = document.getElementById('signin-error');

function showError(text) {
  errorBox.hidden = false;
  errorBox.textContent = text;
}

async function showExercises(me) {
  document.getElementById('signin-panel').hidden = true;
  document.getElementById('exercises-panel').hidden = false;
  document.getElementById('sign-out').hidden = false;
  setupHeader(me);
  document.getElementById('role-help').textContent = ROLE_HELP[me.role] ?? '';
  const list = document.getElementById('exercise-list');
  let exercises;
  try {
    exercises = await api('/api/exercises');
  } catch (e) {
    clear(list, h('li', { class: 'error-box' }, errorText(e)));
    return;
  }
  if (exercises.length === 0) {
    clear(
      list,
      h('li', { class: 'empty' }, 'No exercise includes you yet. Drill control will tell you when one is ready.'),
    );
    return;
  }
  const links = (ex) => {
    const q = `?exercise=${encodeURIComponent(ex.id)}`;
    if (me.role === 'participant')
      return [h('a', { class: 'button primary', href: `team.html${q}` }, `Open team console`)];
    if (me.role === 'evaluator')
      return [
        h('a', { class: 'button primary', href: `evaluator.html${q}` }, 'Open review'),
        h('a', { class: 'button', href: `control.html${q}` }, 'Control board'),
      ];
    if (me.role === 'controller')
      return [
        h('a', { class: 'button primary', href: `control.html${q}` }, 'Open control board'),
        h('a', { class: 'button', href: `evaluator.html${q}` }, 'Review scores'),
      ];
    return [h('a', { class: 'button primary', href: `${consoleFor(me.role)}${q}` }, 'Watch')];
  };
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
        h('div', { class: 'actions', style: 'margin-top:0.3rem' }, links(ex)),
      ),
    ),
  );
  document.querySelector('#exercise-list a')?.focus();
}

form.addEventListener('submit', async (e) => {
  e.preventDefault();
  errorBox.hidden = true;
  const input = document.getElementById('token');
  const token = input.value.trim();
  if (!token) {
    input.setAttribute('aria-invalid', 'true');
    showError('Enter your access token.');
    input.focus();
    return;
  }
  try {
    const me = await api('/api/me', { token });
    input.removeAttribute('aria-invalid');
    session.token = token;
    await showExercises(me);
  } catch (err) {
    input.setAttribute('aria-invalid', 'true');
    showError(
      err instanceof ApiError && err.status === 401
        ? 'This token is not valid. Check it and try again.'
        : errorText(err),
    );
    input.focus();
  }
});

const params = new URLSearchParams(location.search);
if (params.has('expired')) showError('Your session ended or the token is no longer valid. Sign in again.');
if (params.has('wrongRole')) showError('That console is not for your role. Pick one below.');

if (session.token) {
  api('/api/me')
    .then((me) => showExercises(me))
    .catch(() => {
      session.token = null;
    });
} else {
  document.getElementById('token').focus();
}
