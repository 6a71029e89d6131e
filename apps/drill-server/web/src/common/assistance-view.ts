// One request for assistance as a card (who asks whom for what, under which TLP, its indicators, where it stands
// against its targets and the answers so far) and the answer form of the asked party. The team console lists these
// cards; the control board uses the answer form for requests addressed to drill control.
import type { AssistanceAnswer, AssistanceParty, AssistanceRequestView, CooperationView } from '@drill/contracts';
import { showFieldErrors, clearFieldErrors } from '../setup/field-errors.js';
import { api, ApiError } from './api.js';
import { h } from './dom.js';
import { formatScenario, tlpBadge, wallTime } from './format.js';
import { defangFor } from './indicators.js';
import { IOC_TYPE_LABEL } from './vocab.js';
import {
  ANSWER_ACTION,
  cooperationPercent,
  formatMinutes,
  isFinal,
  kindLabel,
  nextAnswers,
  requestStanding,
  statusLabel,
  shortTargetCue,
  targetCue,
  type TargetStanding,
} from './assistance.js';

/** A side of a request in words: a team's name and code, drill control, or the CERT drill control plays. */
export function partyName(p: AssistanceParty): string {
  if (p.teamId) return `${p.name} (${p.code})`;
  return p.name || 'Drill control';
}

export function statusBadge(r: AssistanceRequestView): HTMLSpanElement {
  return h(
    'span',
    { class: `badge rfa-status rfa-${r.status}`, dataset: { rfaStatus: r.status } },
    statusLabel(r.status),
  );
}

const CUE_CLASS: Readonly<Record<TargetStanding['state'], string>> = {
  open: 'due-open',
  overdue: 'due-overdue',
  met: 'due-answered',
  late: 'due-late',
};

/** Fills a target's cue; rebuilt only when what it says changes, so a reader is not interrupted every second. */
export function fillCue(el: HTMLElement, what: 'answer' | 'fulfil', t: TargetStanding | null): void {
  const text = !t ? '' : el.dataset.cueForm === 'short' ? shortTargetCue(t) : targetCue(what, t, formatScenario);
  if (el.dataset.key === text) return;
  el.dataset.key = text;
  el.hidden = !t;
  el.dataset.dueState = t?.state ?? '';
  el.className = `due-line rfa-due ${t ? CUE_CLASS[t.state] : ''}`;
  el.textContent = text;
}

/** Brings every cue under `root` to scenario time `nowMs`. */
export function refreshCues(root: ParentNode, requests: ReadonlyMap<string, AssistanceRequestView>, nowMs: number) {
  for (const el of root.querySelectorAll<HTMLElement>('[data-rfa-due]')) {
    const r = requests.get(el.dataset.rfaId ?? '');
    if (!r) continue;
    const s = requestStanding(r, nowMs);
    fillCue(el, el.dataset.rfaDue as 'answer' | 'fulfil', el.dataset.rfaDue === 'answer' ? s.answer : s.fulfil);
  }
}

/** The cue element of one target of a request; `short` for a table cell whose column says what it is. */
export function cue(r: AssistanceRequestView, what: 'answer' | 'fulfil', nowMs: number, short = false): HTMLElement {
  const el = h('span', { dataset: { rfaDue: what, rfaId: r.id, ...(short ? { cueForm: 'short' } : {}) } });
  const s = requestStanding(r, nowMs);
  fillCue(el, what, what === 'answer' ? s.answer : s.fulfil);
  return el;
}

export interface CardOptions {
  exerciseId: string;
  nowMs: number;
  /** This console answers the request: a participant of the asked team, or drill control for "control". */
  answerable: boolean;
  /** How this console stands to it, for the card's first words. */
  side?: 'sent' | 'asked';
  /** The inject's title, when the console holds it. */
  injectTitle?: (injectId: string) => string | undefined;
  onAnswered: (r: AssistanceRequestView) => void;
}

/** A request as a card (an article, `data-rfa` its id). */
export function requestCard(r: AssistanceRequestView, o: CardOptions): HTMLElement {
  const injectTitle = r.injectId ? o.injectTitle?.(r.injectId) : undefined;
  return h(
    'article',
    {
      class: `rfa rfa-${r.status}${o.side ? ` rfa-${o.side}` : ''}`,
      dataset: { rfa: r.id, status: r.status, ...(o.side ? { side: o.side } : {}) },
      'aria-labelledby': `rfa-${r.id}-head`,
    },
    h(
      'h3',
      { class: 'rfa-head', id: `rfa-${r.id}-head` },
      h('span', { class: 'rfa-parties' }, partyName(r.from), ' → ', partyName(r.to)),
      ' ',
      h('span', { class: 'badge rfa-kind' }, kindLabel(r.kind)),
      ' ',
      tlpBadge(r.tlp),
      ' ',
      statusBadge(r),
      r.scripted
        ? [
            ' ',
            h('span', { class: 'badge tag', title: 'Scripted in the scenario, played by drill control' }, 'scripted'),
          ]
        : '',
    ),
    h(
      'p',
      { class: 'hint rfa-meta' },
      o.side === 'sent' ? 'Your team asked' : o.side === 'asked' ? 'Asked of your team' : 'Asked',
      ` at ${r.requestedScenarioTime} (`,
      wallTime(r.requestedAt),
      ')',
      r.requestedBy ? ` by ${r.requestedBy.name}` : '',
      r.injectId ? ` · about inject ${r.injectId}${injectTitle ? ` — ${injectTitle}` : ''}` : '',
    ),
    h('p', { class: 'rfa-text' }, r.text),
    r.iocs.length
      ? h(
          'ul',
          { class: 'rfa-iocs', 'aria-label': 'Indicators' },
          r.iocs.map((i) =>
            h(
              'li',
              {},
              h('span', { class: 'muted' }, `${IOC_TYPE_LABEL[i.type] ?? i.type}: `),
              h('code', {}, defangFor(i.type, i.value)),
            ),
          ),
        )
      : '',
    h('p', { class: 'rfa-cues' }, cue(r, 'answer', o.nowMs), ' ', cue(r, 'fulfil', o.nowMs)),
    r.responses.length
      ? h(
          'ol',
          { class: 'rfa-responses', 'aria-label': 'Answers' },
          r.responses.map((a) =>
            h(
              'li',
              { dataset: { answer: a.status } },
              h('strong', {}, statusLabel(a.status)),
              ` by ${a.byName} at ${a.scenarioTime} (`,
              wallTime(a.at),
              `), after ${formatMinutes(a.afterMinutes)}: `,
              h('span', { class: 'rfa-answer-text' }, a.text),
            ),
          ),
        )
      : '',
    o.answerable && !isFinal(r.status) ? answerForm(r, o.exerciseId, o.onAnswered) : '',
  );
}

/** The asked party's answer: a text (required) and one button per answer the request may still take. */
export function answerForm(
  r: AssistanceRequestView,
  exerciseId: string,
  onAnswered: (r: AssistanceRequestView) => void,
): HTMLFormElement {
  const id = `rfa-answer-${r.id}`;
  const errorsId = `${id}-errors`;
  const text = h('textarea', {
    id,
    rows: '2',
    maxlength: '5000',
    required: true,
    dataset: { path: '/text' },
    'aria-describedby': `${id}-hint`,
  });
  const form = h(
    'form',
    { class: 'rfa-answer', novalidate: true, dataset: { rfaAnswer: r.id } },
    h('label', { for: id }, 'Your answer'),
    h(
      'span',
      { class: 'hint', id: `${id}-hint` },
      'What you did or will do, or why you cannot; the asking team and drill control read it.',
    ),
    text,
    h('div', { class: 'error-box', id: errorsId, role: 'alert', tabindex: '-1', hidden: true }),
    h(
      'div',
      { class: 'actions', dataset: { path: '/status' } },
      nextAnswers(r.status).map((status) =>
        h(
          'button',
          {
            type: 'button',
            class: status === 'declined' ? 'danger' : 'primary',
            dataset: { answer: status },
            onclick: (e: Event) => void answer(e.currentTarget as HTMLButtonElement, status),
          },
          ANSWER_ACTION[status],
        ),
      ),
    ),
  );
  form.addEventListener('submit', (e) => e.preventDefault());
  async function answer(button: HTMLButtonElement, status: AssistanceAnswer): Promise<void> {
    clearFieldErrors(form, errorsId);
    if (!text.value.trim()) {
      const problem = { path: '/text', message: 'Write your answer: what you did, will do, or why you cannot.' };
      showFieldErrors(form, errorsId, new ApiError(400, { message: 'The answer needs a text.', details: [problem] }));
      return;
    }
    const buttons = [...form.querySelectorAll('button')];
    for (const b of buttons) b.disabled = true;
    try {
      const view = await api<AssistanceRequestView>(
        `/api/exercises/${exerciseId}/assistance/${encodeURIComponent(r.id)}/respond`,
        { method: 'POST', body: { status, text: text.value.trim() } },
      );
      text.value = ''; // sent: the next answer (fulfilled after accepted) starts empty
      onAnswered(view);
    } catch (err) {
      for (const b of buttons) b.disabled = false;
      showFieldErrors(form, errorsId, err);
      if (!(err instanceof ApiError) || !err.details.length) button.focus();
    }
  }
  return form;
}

/**
 * Puts `card` in `list` in place of the card of the same request, keeping a half-typed answer and its focus;
 * a new card goes where `before` says (the first card it must precede), else at the end.
 */
export function placeCard(list: HTMLElement, card: HTMLElement, before?: (other: HTMLElement) => boolean): void {
  const id = card.dataset.rfa ?? '';
  const old = [...list.children].find((c) => (c as HTMLElement).dataset.rfa === id) as HTMLElement | undefined;
  if (old) {
    const typed = old.querySelector<HTMLTextAreaElement>('form.rfa-answer textarea');
    const into = card.querySelector<HTMLTextAreaElement>('form.rfa-answer textarea');
    const hadFocus = typed !== null && typed === document.activeElement;
    if (typed && into) into.value = typed.value;
    old.replaceWith(card);
    if (hadFocus) into?.focus();
    return;
  }
  const next = before ? ([...list.children] as HTMLElement[]).find(before) : undefined;
  if (next) next.before(card);
  else list.append(card);
}

/** A team's cooperation as a block: the score, its figures, and each request's score and explanation. */
export function cooperationBlock(c: CooperationView | undefined): HTMLElement {
  if (!c) return h('p', { class: 'empty' }, 'No cooperation score yet.');
  const median = (m: number | null) => (m === null ? '—' : formatMinutes(m));
  return h(
    'div',
    { class: 'cooperation-block' },
    h(
      'p',
      {},
      h('strong', { class: 'big-figure' }, c.score === null ? 'No score' : cooperationPercent(c.score)),
      ` — asked ${c.asked}, answered ${c.answered}, fulfilled ${c.fulfilled}, sent ${c.sent}; median first answer ${median(c.medianToFirstResponseMinutes)}, fulfilment ${median(c.medianToFulfilmentMinutes)} (scenario time)`,
    ),
    h('p', { class: 'hint' }, c.explanation),
    c.requests.length
      ? h(
          'ul',
          { class: 'explain' },
          c.requests.map((q) =>
            h(
              'li',
              {},
              h('strong', {}, `${q.fromCode} · ${kindLabel(q.kind)}${q.scripted ? ' (scripted)' : ''}: `),
              `${cooperationPercent(q.score)} (answer ${cooperationPercent(q.response)}, outcome ${cooperationPercent(q.outcome)}) — ${q.explanation}`,
            ),
          ),
        )
      : '',
  );
}
