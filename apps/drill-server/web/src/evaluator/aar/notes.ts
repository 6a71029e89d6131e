// The evaluators' notes of the AAR: strengths and areas for improvement, per objective.
import { NOTE_KINDS, type AarNote } from '@drill/reporting';
import { api } from '../../common/api.js';
import { byId, h, toast } from '../../common/dom.js';
import { formatWall } from '../../common/format.js';
import { NOTE_KIND_LABEL } from '../../common/vocab.js';
import { exerciseId, type AarWorkspace } from '../context.js';
import { formError, objectiveOptions, removeAarItem } from './forms.js';
import { loadAar } from './workspace.js';

function notesList(ws: AarWorkspace, editable: boolean): HTMLElement {
  if (!ws.notes.length) return h('p', { class: 'empty', id: 'aar-notes' }, 'No note yet.');
  const byObjective = new Map<string, AarNote[]>();
  for (const n of ws.notes) byObjective.set(n.objectiveId, [...(byObjective.get(n.objectiveId) ?? []), n]);
  return h(
    'ul',
    { class: 'feed', id: 'aar-notes' },
    [...byObjective.entries()].flatMap(([objective, notes]) =>
      notes.map((n) =>
        h(
          'li',
          { dataset: { note: n.id } },
          h(
            'div',
            { class: 'report-head' },
            h('strong', {}, objective),
            h(
              'span',
              { class: `badge ${n.kind === 'strength' ? 'status-running' : 'status-paused'}` },
              NOTE_KIND_LABEL[n.kind] ?? n.kind,
            ),
            h('span', { class: 'hint' }, `${n.author}, ${formatWall(n.at)}`),
          ),
          h('div', { style: 'white-space:pre-wrap' }, n.text),
          editable
            ? h(
                'button',
                { type: 'button', class: 'small danger', onclick: () => void removeAarItem('notes', n.id, 'note') },
                'Delete',
                h('span', { class: 'visually-hidden' }, ` note on ${objective}`),
              )
            : '',
        ),
      ),
    ),
  );
}

async function addNote(form: HTMLFormElement, err: HTMLElement): Promise<void> {
  err.hidden = true;
  const body = {
    objectiveId: byId('note-objective', HTMLSelectElement).value,
    kind: form.querySelector<HTMLInputElement>('input[name=note-kind]:checked')?.value,
    text: byId('note-text', HTMLTextAreaElement).value.trim(),
  };
  if (!body.text) return formError(err, new Error('Write the note.'));
  try {
    await api(`/api/exercises/${exerciseId}/aar/notes`, { method: 'POST', body });
    toast('Note added.', 'ok');
    await loadAar();
    document.getElementById('note-text')?.focus();
  } catch (e) {
    formError(err, e);
  }
}

function noteForm(): HTMLFormElement {
  const err = h('div', { class: 'error-box', role: 'alert', hidden: true });
  const form: HTMLFormElement = h(
    'form',
    {
      novalidate: true,
      id: 'note-form',
      onsubmit: (e) => {
        e.preventDefault();
        void addNote(form, err);
      },
    },
    h(
      'fieldset',
      {},
      h('legend', {}, 'Add a note'),
      err,
      h(
        'div',
        { class: 'row' },
        h(
          'div',
          { class: 'field' },
          h('label', { for: 'note-objective' }, 'Objective'),
          h('select', { id: 'note-objective' }, objectiveOptions(false)),
        ),
      ),
      h(
        'fieldset',
        { class: 'field' },
        h('legend', {}, 'Kind'),
        h(
          'div',
          { class: 'actions' },
          NOTE_KINDS.map((k, i) =>
            h(
              'label',
              { style: 'font-weight:400' },
              h('input', { type: 'radio', name: 'note-kind', value: k, checked: i === 0 }),
              ` ${NOTE_KIND_LABEL[k]}`,
            ),
          ),
        ),
      ),
      h(
        'div',
        { class: 'field' },
        h('label', { for: 'note-text' }, 'Note'),
        h('textarea', { id: 'note-text', rows: '2', maxlength: '5000' }),
      ),
      h('button', { type: 'submit', class: 'primary' }, 'Add note'),
    ),
  );
  return form;
}

/** The notes, and the form to add one while the report is a draft and the reader may edit. */
export function notesSection(ws: AarWorkspace, editable: boolean): (HTMLElement | '')[] {
  return [notesList(ws, editable), editable ? noteForm() : ''];
}
