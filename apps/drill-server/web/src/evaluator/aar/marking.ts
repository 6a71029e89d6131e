// The report's own TLP marking: printed in the header and footer of every page of the HTML and PDF and carried by
// the CSV and JSON. Evaluators pick it while the report is a draft; publishing freezes it with the rest.
import { TLP_LABELS, type TlpLabel } from '@drill/contracts';
import { AAR_MARKING_TEXT } from '@drill/reporting';
import { api } from '../../common/api.js';
import { announce, byId, h, toast } from '../../common/dom.js';
import { tlpBadge } from '../../common/format.js';
import { exerciseId, type AarWorkspace } from '../context.js';
import { formError } from './forms.js';
import { loadAar } from './workspace.js';

async function save(err: HTMLElement): Promise<void> {
  err.hidden = true;
  const marking = byId('aar-marking', HTMLSelectElement).value;
  try {
    await api(`/api/exercises/${exerciseId}/aar/marking`, { method: 'PUT', body: { marking } });
    toast(`The report is now marked ${marking}.`, 'ok');
    announce(`Report marking set to ${marking}.`);
    await loadAar();
  } catch (e) {
    formError(err, e);
  }
}

/** The marking as it stands, and while the report is a draft and the reader may edit, the picker to change it. */
export function markingSection(ws: AarWorkspace, editable: boolean): HTMLElement {
  const current = h(
    'p',
    { id: 'aar-marking-current' },
    'Report marking: ',
    tlpBadge(ws.marking),
    ' — ',
    AAR_MARKING_TEXT[ws.marking],
  );
  if (!editable) return h('div', { class: 'aar-marking' }, current);
  const err = h('div', { class: 'error-box', role: 'alert', hidden: true });
  const hint = h('span', { class: 'hint', id: 'aar-marking-hint' }, AAR_MARKING_TEXT[ws.marking]);
  const select = h(
    'select',
    {
      id: 'aar-marking',
      'aria-describedby': 'aar-marking-hint',
      onchange: () => {
        hint.textContent = AAR_MARKING_TEXT[select.value as TlpLabel];
      },
    },
    TLP_LABELS.map((l) => h('option', { value: l, selected: l === ws.marking }, l)),
  );
  return h(
    'form',
    {
      class: 'aar-marking',
      id: 'aar-marking-form',
      novalidate: true,
      onsubmit: (e) => {
        e.preventDefault();
        void save(err);
      },
    },
    current,
    err,
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'aar-marking' }, 'TLP marking of the report (header and footer of every page)'),
      select,
      hint,
    ),
    h('button', { type: 'submit' }, 'Set marking'),
  );
}
