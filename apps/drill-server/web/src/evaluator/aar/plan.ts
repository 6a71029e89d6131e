// The AAR's improvement plan (HSEEP Appendix A): issue, corrective action, capability element, who and by when.
import { CAPABILITY_ELEMENTS, CAPABILITY_ELEMENT_TEXT } from '@drill/reporting';
import { api } from '../../common/api.js';
import { controlValue, h, toast } from '../../common/dom.js';
import { exerciseId, state, type AarWorkspace } from '../context.js';
import { formError, objectiveOptions, removeAarItem } from './forms.js';
import { loadAar } from './workspace.js';

const teamCode = (id: string) => state.cards?.teams.find((t) => t.teamId === id)?.code ?? id;
const elementText = (v: string) => CAPABILITY_ELEMENT_TEXT[v as keyof typeof CAPABILITY_ELEMENT_TEXT] ?? v;

function planTable(ws: AarWorkspace, editable: boolean): HTMLElement {
  if (!ws.plan.length) return h('p', { class: 'empty', id: 'aar-plan' }, 'No improvement-plan item yet.');
  const columns = [
    'Objective',
    'Capability',
    'Issue',
    'Corrective action',
    'Element',
    'Responsible',
    'POC',
    'Start',
    'Due',
    ...(editable ? ['Delete'] : []),
  ];
  return h(
    'table',
    { class: 'data', id: 'aar-plan' },
    h('caption', { class: 'visually-hidden' }, 'Improvement plan'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        columns.map((c) => h('th', { scope: 'col' }, c)),
      ),
    ),
    h(
      'tbody',
      {},
      ws.plan.map((p) =>
        h(
          'tr',
          { dataset: { item: p.id } },
          h('td', {}, p.objectiveId ?? '—'),
          h('td', {}, p.capability),
          h('td', {}, p.issue),
          h('td', {}, p.correctiveAction),
          h('td', {}, elementText(p.capabilityElement)),
          h('td', {}, p.responsibleTeamId ? teamCode(p.responsibleTeamId) : (p.organisation ?? '')),
          h('td', {}, p.poc ?? ''),
          h('td', {}, p.startDate ?? ''),
          h('td', {}, p.dueDate),
          editable
            ? h(
                'td',
                {},
                h(
                  'button',
                  {
                    type: 'button',
                    class: 'small danger',
                    onclick: () => void removeAarItem('plan', p.id, 'plan item'),
                  },
                  'Delete',
                  h('span', { class: 'visually-hidden' }, ` ${p.issue}`),
                ),
              )
            : '',
        ),
      ),
    ),
  );
}

async function addItem(err: HTMLElement): Promise<void> {
  err.hidden = true;
  const v = (id: string) => controlValue(id).trim();
  const body = {
    ...(v('plan-objective') ? { objectiveId: v('plan-objective') } : {}),
    ...(v('plan-capability') ? { capability: v('plan-capability') } : {}),
    issue: v('plan-issue'),
    correctiveAction: v('plan-action'),
    capabilityElement: v('plan-element'),
    ...(v('plan-team') ? { responsibleTeamId: v('plan-team') } : {}),
    ...(v('plan-org') ? { organisation: v('plan-org') } : {}),
    ...(v('plan-poc') ? { poc: v('plan-poc') } : {}),
    ...(v('plan-start') ? { startDate: v('plan-start') } : {}),
    dueDate: v('plan-due'),
  };
  const missing: string[] = [];
  if (!body.issue) missing.push('the issue');
  if (!body.correctiveAction) missing.push('the corrective action');
  if (!body.dueDate) missing.push('the due date');
  if (!body.responsibleTeamId && !body.organisation) missing.push('who is responsible (a team or an organisation)');
  if (missing.length) return formError(err, new Error(`Give ${missing.join(', ')}.`));
  try {
    await api(`/api/exercises/${exerciseId}/aar/plan`, { method: 'POST', body });
    toast('Improvement-plan item added.', 'ok');
    await loadAar();
  } catch (e) {
    formError(err, e);
  }
}

function field(id: string, label: string, control: HTMLElement, hint?: string): HTMLElement {
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label),
    control,
    hint ? h('span', { class: 'hint', id: `${id}-hint` }, hint) : '',
  );
}

function planForm(): HTMLFormElement {
  const err = h('div', { class: 'error-box', role: 'alert', hidden: true });
  return h(
    'form',
    {
      novalidate: true,
      id: 'plan-form',
      onsubmit: (e) => {
        e.preventDefault();
        void addItem(err);
      },
    },
    h(
      'fieldset',
      {},
      h('legend', {}, 'Add an improvement-plan item'),
      err,
      h(
        'div',
        { class: 'row' },
        field('plan-objective', 'Objective', h('select', { id: 'plan-objective' }, objectiveOptions(true))),
        field(
          'plan-capability',
          'Capability',
          h('input', { id: 'plan-capability', type: 'text', 'aria-describedby': 'plan-capability-hint' }),
          'Empty: the objective’s capability.',
        ),
      ),
      field(
        'plan-issue',
        'Issue / area for improvement',
        h('textarea', { id: 'plan-issue', rows: '2', maxlength: '5000' }),
      ),
      field('plan-action', 'Corrective action', h('textarea', { id: 'plan-action', rows: '2', maxlength: '5000' })),
      h(
        'div',
        { class: 'row' },
        field(
          'plan-element',
          'Capability element',
          h(
            'select',
            { id: 'plan-element' },
            CAPABILITY_ELEMENTS.map((c) => h('option', { value: c }, CAPABILITY_ELEMENT_TEXT[c])),
          ),
        ),
        field(
          'plan-team',
          'Responsible team',
          h(
            'select',
            { id: 'plan-team' },
            h('option', { value: '' }, '— another organisation —'),
            (state.cards?.teams ?? []).map((t) => h('option', { value: t.teamId }, t.code)),
          ),
        ),
        field(
          'plan-org',
          'or organisation',
          h('input', { id: 'plan-org', type: 'text', placeholder: 'Drill control' }),
        ),
      ),
      h(
        'div',
        { class: 'row' },
        field('plan-poc', 'Point of contact', h('input', { id: 'plan-poc', type: 'text' })),
        field('plan-start', 'Start date', h('input', { id: 'plan-start', type: 'date' })),
        field('plan-due', 'Due date', h('input', { id: 'plan-due', type: 'date', required: true })),
      ),
      h('button', { type: 'submit', class: 'primary' }, 'Add item'),
    ),
  );
}

/** The plan, and the form to add an item while the report is a draft and the reader may edit. */
export function planSection(ws: AarWorkspace, editable: boolean): (HTMLElement | '')[] {
  return [planTable(ws, editable), editable ? planForm() : ''];
}
