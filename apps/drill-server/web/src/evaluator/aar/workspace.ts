// The after-action report: whether it is a draft or published, its TLP marking, publishing it once the exercise is over (and
// reopening it, with a reason), the notes, the improvement plan and the preview.
import { api, ApiError, errorText } from '../../common/api.js';
import { announce, byId, clear, h, toast } from '../../common/dom.js';
import { formatWallDate } from '../../common/format.js';
import { canEdit, exerciseId, state, type AarWorkspace } from '../context.js';
import { loadScores } from '../scores.js';
import { formError } from './forms.js';
import { markingSection } from './marking.js';
import { notesSection } from './notes.js';
import { planSection } from './plan.js';
import { loadPreview, previewSection } from './preview.js';

export async function loadAar(): Promise<void> {
  const box = byId('aar-body');
  try {
    state.aar.workspace = await api<AarWorkspace>(`/api/exercises/${exerciseId}/aar`);
    state.aar.available = true;
  } catch (e) {
    if (e instanceof ApiError && e.status === 404 && /Cannot GET/i.test(e.message)) {
      clear(
        box,
        h(
          'p',
          { class: 'notice' },
          'The after-action report (preview, evaluator notes, improvement plan and publishing) arrives with its own issue; this server does not offer it yet. Scores, overrides and objective ratings above are what it will be built from.',
        ),
      );
      return;
    }
    clear(box, h('p', { class: 'error-box' }, `The after-action report cannot be shown: ${errorText(e)}`));
    return;
  }
  renderAar();
  await loadPreview();
}

const ended = () => state.status === 'completed' || state.status === 'aborted';

function stateLine(ws: AarWorkspace): HTMLElement {
  if (ws.state.status !== 'published')
    return h(
      'p',
      { class: 'hint', id: 'aar-state' },
      'Draft: it changes as scores, notes and the plan change, until an evaluator publishes it.',
    );
  const at = ws.state.publishedAt;
  return h(
    'p',
    { class: 'notice', id: 'aar-state' },
    `Published${ws.state.publishedBy ? ` by ${ws.state.publishedBy}` : ''} at ${formatWallDate(at)}. The report is frozen: notes, plan, scores and ratings can no longer change unless an evaluator reopens it.`,
  );
}

async function publish(): Promise<void> {
  try {
    await api(`/api/exercises/${exerciseId}/aar/publish`, { method: 'POST' });
    toast('After-action report published.', 'ok');
    announce('After-action report published.');
    await loadAar();
    await loadScores();
  } catch (e) {
    toast(`Could not publish: ${errorText(e)}`, 'error');
  }
}

/** "Publish…" asks first, beside the button; it opens once the exercise is completed or aborted. */
function publishControls(): HTMLElement[] {
  const confirmBox = h('span', { hidden: true });
  const button = h(
    'button',
    { type: 'button', class: 'primary', disabled: !ended(), 'aria-describedby': 'publish-hint' },
    'Publish…',
  );
  button.addEventListener('click', () => {
    const cancel = h(
      'button',
      {
        type: 'button',
        onclick: () => {
          confirmBox.hidden = true;
          button.focus();
        },
      },
      'Cancel',
    );
    clear(
      confirmBox,
      h(
        'span',
        { class: 'confirm', role: 'alertdialog', 'aria-label': 'Confirm publishing' },
        'Publish the AAR? It is frozen from then on.',
        h(
          'button',
          {
            type: 'button',
            class: 'primary',
            onclick: () => {
              confirmBox.hidden = true;
              void publish();
            },
          },
          'Yes, publish',
        ),
        cancel,
      ),
    );
    confirmBox.hidden = false;
    cancel.focus();
  });
  return [
    button,
    h(
      'span',
      { class: 'hint', id: 'publish-hint' },
      ended()
        ? 'Publishing freezes the report as it stands.'
        : 'Publishing opens once the exercise is completed or aborted.',
    ),
    confirmBox,
  ];
}

async function reopen(err: HTMLElement): Promise<void> {
  err.hidden = true;
  const reasonField = byId('reopen-reason', HTMLTextAreaElement);
  const reason = reasonField.value.trim();
  if (!reason) {
    reasonField.focus();
    return formError(err, new Error('Say why the AAR is reopened.'));
  }
  try {
    await api(`/api/exercises/${exerciseId}/aar/reopen`, { method: 'POST', body: { reason } });
    toast('After-action report reopened: it is a draft again.', 'ok');
    announce('After-action report reopened.');
    await loadAar();
    await loadScores();
  } catch (e) {
    formError(err, e);
  }
}

function reopenForm(): HTMLFormElement {
  const err = h('div', { class: 'error-box', role: 'alert', hidden: true });
  return h(
    'form',
    {
      novalidate: true,
      id: 'reopen-form',
      onsubmit: (e) => {
        e.preventDefault();
        void reopen(err);
      },
    },
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'reopen-reason' }, 'Reason for reopening'),
      h('textarea', { id: 'reopen-reason', rows: '2', maxlength: '5000', required: true }),
      h(
        'span',
        { class: 'hint' },
        'Reopening returns the report to draft so scores can be corrected; the reason is kept in the audit log.',
      ),
    ),
    err,
    h('button', { type: 'submit' }, 'Reopen AAR'),
  );
}

export function renderAar(): void {
  const ws = state.aar.workspace;
  if (!ws) return;
  const published = ws.state.status === 'published';
  const editable = canEdit && !published;
  const publishArea = h('div', { class: 'actions', id: 'aar-publish' });
  if (canEdit) clear(publishArea, published ? reopenForm() : publishControls());
  clear(
    byId('aar-body'),
    stateLine(ws),
    markingSection(ws, editable),
    publishArea,
    h('h3', {}, 'Evaluator notes (strengths and areas for improvement)'),
    notesSection(ws, editable),
    h('h3', { style: 'margin-top:1rem' }, 'Improvement plan'),
    planSection(ws, editable),
    previewSection(),
  );
}
