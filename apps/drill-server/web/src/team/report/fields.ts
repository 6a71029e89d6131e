// The report form's pickers, filled from the drill's vocabularies: kind (with its hint), RSIT class and type,
// determination, severity and the TLP labels with what each one means.
import { DETERMINATIONS, REPORT_KINDS, RSIT, SEVERITIES, TLP_LABELS, type ReportKind } from '@drill/contracts';
import { byId, clear, h } from '../../common/dom.js';
import { tlpBadge } from '../../common/format.js';
import { REPORT_KIND_TEXT, TLP_MEANING } from '../../common/vocab.js';

export const form = () => byId('report-form', HTMLFormElement);
export const field = (id: string) => byId(id, HTMLInputElement);
export const select = (id: string) => byId(id, HTMLSelectElement);
export const textArea = (id: string) => byId(id, HTMLTextAreaElement);

/** Shows what the chosen kind of report is for. */
export function showKindHint(): void {
  byId('r-kind-hint').textContent = REPORT_KIND_TEXT[select('r-kind').value as ReportKind]?.hint ?? '';
}

/** The RSIT types of the chosen class (none until a class is chosen). */
export function fillTypes(selected = ''): void {
  const cls = select('r-class').value;
  const types = select('r-type');
  clear(
    types,
    h('option', { value: '' }, cls ? '— choose a type —' : '— choose a class first —'),
    (RSIT[cls] ?? []).map((t) => h('option', { value: t }, t)),
  );
  types.disabled = !cls;
  types.value = selected;
}

export function setupFields(): void {
  const kind = select('r-kind');
  for (const k of REPORT_KINDS) kind.append(h('option', { value: k }, REPORT_KIND_TEXT[k].label));
  kind.value = 'early-warning';
  kind.addEventListener('change', showKindHint);
  showKindHint();
  for (const c of Object.keys(RSIT)) select('r-class').append(h('option', { value: c }, c));
  for (const d of DETERMINATIONS) select('r-determination').append(h('option', { value: d }, d));
  for (const s of SEVERITIES) select('r-severity').append(h('option', { value: s }, s));
  clear(
    byId('tlp-options'),
    TLP_LABELS.map((label) => {
      const short = label.replace(/^TLP:/, '');
      return h(
        'label',
        { class: 'tlp-option' },
        h('input', { type: 'radio', name: 'tlp', value: label, 'aria-describedby': `tlp-m-${short}` }),
        tlpBadge(label),
        h('span', { id: `tlp-m-${short}` }, TLP_MEANING[label]),
      );
    }),
  );
  select('r-class').addEventListener('change', () => fillTypes());
}
