// The repeating parts of the report: indicators, affected assets, actions taken, timeline. The DOM is rebuilt
// from these arrays, which the draft saves and the submit reads.
import { IOC_TYPES, type IocType } from '@drill/contracts';
import { normaliseIoc } from '@drill/ioc';
import { announce, byId, checkedOf, clear, h, valueOf, type Attrs } from '../../common/dom.js';
import { defangFor } from '../../common/indicators.js';
import { IOC_TYPE_LABEL } from '../../common/vocab.js';
import { saveDraft } from './draft.js';

export interface IocRow {
  id: string;
  type: IocType;
  /** As the analyst wrote it (defanged is fine); the server normalises it. */
  value: string;
  role?: string;
  toIds?: boolean;
  /** Why the extractor doubts this is an indicator (it was left unticked for detection). */
  unsure?: string;
}

/** An asset, action or timeline row: its fields by name. */
export interface SimpleRow {
  id: string;
  [field: string]: string | undefined;
}

export const rows: { iocs: IocRow[]; assets: SimpleRow[]; actions: SimpleRow[]; timeline: SimpleRow[] } = {
  iocs: [],
  assets: [],
  actions: [],
  timeline: [],
};
export type RowKind = keyof typeof rows;

let rowSeq = 0;
/** A fresh id for a row's controls. */
export const rowId = () => `row${++rowSeq}`;

function textInput(id: string, label: string, value: string | undefined, onInput: (v: string) => void, attrs: Attrs) {
  return [
    h('label', { for: id, class: 'visually-hidden' }, label),
    h('input', { id, type: 'text', value: value ?? '', oninput: (e) => onInput(valueOf(e)), ...attrs }),
  ];
}

function removeButton(kind: RowKind, n: number, render: () => void, noun: string): HTMLButtonElement {
  return h(
    'button',
    { type: 'button', class: 'small danger', onclick: () => removeRow(kind, n, render) },
    'Remove',
    h('span', { class: 'visually-hidden' }, ` ${noun} ${n + 1}`),
  );
}

export function renderIocs(): void {
  clear(
    byId('r-iocs'),
    rows.iocs.map((r, n) => {
      const id = r.id;
      const norm = h('div', { class: 'ioc-norm', id: `${id}-norm` });
      const showNorm = () => {
        if (!r.value.trim()) {
          norm.textContent = '';
          norm.className = 'ioc-norm';
          return;
        }
        const res = normaliseIoc(r.type, r.value);
        norm.className = `ioc-norm${res.ok ? '' : ' bad'}`;
        // The extractor's doubt, so the analyst knows why "for detection" was left unticked.
        norm.textContent = res.ok
          ? `→ ${defangFor(r.type, res.value)}${r.unsure ? ` — not sure this is an indicator: ${r.unsure}` : ''}`
          : res.message;
      };
      showNorm();
      const typeSelect = h(
        'select',
        {
          id: `${id}-type`,
          onchange: (e) => {
            r.type = valueOf(e) as IocType;
            showNorm();
            saveDraft();
          },
        },
        IOC_TYPES.map((t) => h('option', { value: t, selected: t === r.type }, IOC_TYPE_LABEL[t])),
      );
      return h(
        'tr',
        { dataset: { row: String(n) } },
        h('td', {}, h('label', { for: `${id}-type`, class: 'visually-hidden' }, `Indicator ${n + 1} type`), typeSelect),
        h(
          'td',
          {},
          textInput(
            `${id}-value`,
            `Indicator ${n + 1} value`,
            r.value,
            (v) => {
              r.value = v;
              r.unsure = undefined;
              showNorm();
            },
            { 'aria-describedby': `${id}-norm`, class: 'mono', spellcheck: 'false' },
          ),
          norm,
        ),
        h(
          'td',
          {},
          textInput(`${id}-role`, `Indicator ${n + 1} role`, r.role, (v) => (r.role = v), {
            placeholder: 'e.g. c2',
            size: '8',
          }),
        ),
        h(
          'td',
          {},
          h(
            'label',
            { class: 'hint' },
            h('input', {
              type: 'checkbox',
              checked: r.toIds,
              onchange: (e) => {
                r.toIds = checkedOf(e);
                saveDraft();
              },
            }),
            h('span', { class: 'visually-hidden' }, `Indicator ${n + 1} `),
            ' detect',
          ),
        ),
        h('td', {}, removeButton('iocs', n, renderIocs, 'indicator')),
      );
    }),
  );
}

interface SimpleField {
  key: string;
  label: string;
  placeholder: string;
  optional?: boolean;
}

/** The render function of one kind of simple row: a line of labelled text fields and a remove button. */
function simpleRows(kind: Exclude<RowKind, 'iocs'>, container: string, fields: SimpleField[], noun: string) {
  const render = (): void => {
    clear(
      byId(container),
      rows[kind].map((r, n) =>
        h(
          'div',
          { class: 'row', dataset: { row: String(n) } },
          fields.map((f) =>
            h(
              'div',
              { class: 'field' },
              h('label', { for: `${r.id}-${f.key}` }, `${f.label}${f.optional ? ' (optional)' : ''}`),
              h('input', {
                id: `${r.id}-${f.key}`,
                type: 'text',
                value: r[f.key] ?? '',
                placeholder: f.placeholder,
                oninput: (e) => (r[f.key] = valueOf(e)),
              }),
            ),
          ),
          h('div', { class: 'field', style: 'flex:0 0 auto' }, removeButton(kind, n, render, noun)),
        ),
      ),
    );
  };
  return render;
}

export const renderAssets = simpleRows(
  'assets',
  'r-assets',
  [
    { key: 'kind', label: 'Kind', placeholder: 'server' },
    { key: 'identifier', label: 'Identifier', placeholder: 'fs01.hospital.example' },
    { key: 'sector', label: 'Sector', optional: true, placeholder: 'health' },
    { key: 'country', label: 'Country', optional: true, placeholder: 'MY' },
  ],
  'asset',
);
export const renderActions = simpleRows(
  'actions',
  'r-actions',
  [
    { key: 'code', label: 'Code', optional: true, placeholder: 'ISOLATE-HOSTS' },
    { key: 'text', label: 'What was done', placeholder: 'Isolated the encrypted file servers' },
  ],
  'action',
);
export const renderTimeline = simpleRows(
  'timeline',
  'r-timeline',
  [
    { key: 'at', label: 'When', placeholder: '2026-11-25T09:20Z or T+00:20' },
    { key: 'event', label: 'What happened', placeholder: 'EDR alert on fs01' },
  ],
  'timeline entry',
);

export function renderRows(): void {
  renderIocs();
  renderAssets();
  renderActions();
  renderTimeline();
}

function removeRow(kind: RowKind, n: number, render: () => void): void {
  rows[kind].splice(n, 1);
  render();
  saveDraft();
  announce(`Removed. ${rows[kind].length} left.`);
}

function addRow<R extends { id: string }>(list: R[], render: () => void, row: Omit<R, 'id'>, focusField: string) {
  const r = { id: rowId(), ...row } as R;
  list.push(r);
  render();
  saveDraft();
  document.getElementById(`${r.id}-${focusField}`)?.focus();
}

export function setupRows(): void {
  byId('r-add-ioc').addEventListener('click', () =>
    addRow(rows.iocs, renderIocs, { type: 'ip-dst', value: '', role: '', toIds: true }, 'value'),
  );
  byId('r-add-asset').addEventListener('click', () => addRow(rows.assets, renderAssets, {}, 'kind'));
  byId('r-add-action').addEventListener('click', () => addRow(rows.actions, renderActions, {}, 'code'));
  byId('r-add-event').addEventListener('click', () =>
    addRow(rows.timeline, renderTimeline, { at: new Date().toISOString().slice(0, 16) + 'Z' }, 'event'),
  );
}
