// The HSEEP participant feedback form, shown once the exercise has ended (ENDEX): a 1–5 rating per objective and
// per capability (a fieldset with a legend and a radio group each), strengths, areas for improvement, and whether
// the person's name may appear with their comments. Submitting again replaces the person's form.
import {
  FEEDBACK_RATING_MAX,
  FEEDBACK_RATING_MIN,
  FEEDBACK_RATING_TEXT,
  FEEDBACK_TEXT_MAX,
  type FeedbackForm,
  type FeedbackSubmission,
  type FeedbackView,
} from '@drill/reporting';
import { api, errorText } from '../common/api.js';
import { announce, byId, clear, h, toast } from '../common/dom.js';
import { formatLocal } from '../common/format.js';
import { exerciseId } from './context.js';

const RATINGS = Array.from(
  { length: FEEDBACK_RATING_MAX - FEEDBACK_RATING_MIN + 1 },
  (_, i) => FEEDBACK_RATING_MIN + i,
);
let shown = false;

/** A radio group 1–5 in a fieldset; `name` keys the group, `legend` says what is rated. */
function ratingGroup(name: string, legend: string, hint: string | undefined, current: number | undefined) {
  const hintId = hint ? `${name}-hint` : undefined;
  return h(
    'fieldset',
    { class: 'feedback-rating', dataset: { rated: name }, ...(hintId ? { 'aria-describedby': hintId } : {}) },
    h('legend', {}, legend),
    hint ? h('p', { class: 'hint', id: hintId }, hint) : null,
    h(
      'div',
      { class: 'feedback-scale' },
      RATINGS.map((r) =>
        h(
          'label',
          {},
          h('input', { type: 'radio', name, value: String(r), checked: current === r }),
          ` ${r} `,
          h('span', { class: 'muted' }, FEEDBACK_RATING_TEXT[r]),
        ),
      ),
    ),
  );
}

const picked = (form: HTMLFormElement, name: string): number | undefined => {
  const v = (form.querySelector<HTMLInputElement>(`input[name="${CSS.escape(name)}"]:checked`) ?? undefined)?.value;
  return v === undefined ? undefined : Number(v);
};

function render(view: FeedbackView): void {
  const mine: FeedbackSubmission | null = view.mine ?? null;
  const objectiveName = (id: string) => `objective:${id}`;
  const capabilityName = (c: string) => `capability:${c}`;
  const errors = h('div', { class: 'error-box', role: 'alert', tabindex: '-1', hidden: true });
  const done = h(
    'p',
    { role: 'status', class: 'hint' },
    mine ? `You sent your feedback on ${formatLocal(mine.submittedAt)}; sending again replaces it.` : '',
  );
  const text = (id: string, label: string, value: string | undefined) => [
    h('label', { for: id }, label),
    h('textarea', { id, rows: '3', maxlength: String(FEEDBACK_TEXT_MAX) }, value ?? ''),
  ];
  const form = h(
    'form',
    { id: 'feedback-form', novalidate: true, 'aria-labelledby': 'feedback-heading' },
    h(
      'p',
      { class: 'hint' },
      'Rate each statement from 1 (strongly disagree) to 5 (strongly agree). Skip any you cannot judge.',
    ),
    h('h3', {}, 'Objectives: the exercise let us practise this objective'),
    view.objectives.map((o) =>
      ratingGroup(
        objectiveName(o.id),
        `${o.id} — ${o.capability}`,
        o.description,
        mine?.objectiveRatings.find((r) => r.objectiveId === o.id)?.rating,
      ),
    ),
    h('h3', {}, 'Capabilities: the exercise tested this capability of our team'),
    view.capabilities.map((c) =>
      ratingGroup(capabilityName(c), c, undefined, mine?.capabilityRatings.find((r) => r.capability === c)?.rating),
    ),
    text('feedback-strengths', 'Strengths: what worked well', mine?.strengths),
    text('feedback-improvements', 'Areas for improvement', mine?.improvements),
    h(
      'label',
      { class: 'check' },
      h('input', { type: 'checkbox', id: 'feedback-anonymous', checked: mine ? mine.anonymous : true }),
      ' Anonymous: evaluators and the after-action report do not see my name or team with my comments',
    ),
    errors,
    h(
      'button',
      { type: 'submit', class: 'primary', id: 'feedback-submit' },
      mine ? 'Replace my feedback' : 'Send feedback',
    ),
    done,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const body: FeedbackForm = {
      objectiveRatings: view.objectives.flatMap((o) => {
        const rating = picked(form, objectiveName(o.id));
        return rating === undefined ? [] : [{ objectiveId: o.id, rating }];
      }),
      capabilityRatings: view.capabilities.flatMap((capability) => {
        const rating = picked(form, capabilityName(capability));
        return rating === undefined ? [] : [{ capability, rating }];
      }),
      strengths: byId('feedback-strengths', HTMLTextAreaElement).value,
      improvements: byId('feedback-improvements', HTMLTextAreaElement).value,
      anonymous: byId('feedback-anonymous', HTMLInputElement).checked,
    };
    const button = byId('feedback-submit', HTMLButtonElement);
    button.disabled = true;
    errors.hidden = true;
    api<FeedbackSubmission & { replaced: boolean }>(`/api/exercises/${exerciseId}/feedback`, { method: 'POST', body })
      .then((saved) => {
        const said = saved.replaced ? 'Your feedback was replaced. Thank you.' : 'Your feedback was sent. Thank you.';
        render({ ...view, mine: saved });
        toast(said, 'ok'); // the toasts region is a polite live region: it is announced
      })
      .catch((err: unknown) => {
        clear(errors, errorText(err));
        errors.hidden = false;
        errors.focus();
        button.disabled = false;
      });
  });
  clear(byId('feedback'), h('h2', { id: 'feedback-heading' }, 'Participant feedback'), form);
}

/**
 * Shows the form once the exercise has ended; called with every status the console learns. Loads the scenario's
 * objectives and the person's earlier form once.
 */
export function feedbackOnStatus(status: string): void {
  if (shown || (status !== 'completed' && status !== 'aborted')) return;
  shown = true;
  const section = byId('feedback');
  section.hidden = false;
  api<FeedbackView>(`/api/exercises/${exerciseId}/feedback`)
    .then((view) => {
      render(view);
      announce('The exercise has ended: the participant feedback form is open below.');
    })
    .catch((e: unknown) => clear(section, h('p', { class: 'error-box' }, errorText(e))));
}
