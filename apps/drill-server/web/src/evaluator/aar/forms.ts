// What the AAR's forms share: how they show an error, the objective picker, and deleting an item.
import { api, ApiError, errorText } from '../../common/api.js';
import { clear, h, toast } from '../../common/dom.js';
import { exerciseId, state } from '../context.js';
import { loadAar } from './workspace.js';

/** Shows an error in a form's error box: the message, and each field the server named. */
export function formError(box: HTMLElement, e: unknown): void {
  const details = e instanceof ApiError ? e.details : [];
  clear(
    box,
    h('strong', {}, errorText(e instanceof ApiError ? new Error(e.message) : e)),
    details.length
      ? h(
          'ul',
          {},
          details.map((d) => h('li', {}, `${d.path}: ${d.message}`)),
        )
      : '',
  );
  box.hidden = false;
}

export function objectiveOptions(includeNone: boolean): HTMLOptionElement[] {
  const objectives = state.cards?.objectives ?? [];
  return [
    ...(includeNone ? [h('option', { value: '' }, '— none —')] : []),
    ...objectives.map((o) =>
      h('option', { value: o.objectiveId }, `${o.objectiveId}${o.capability ? ` · ${o.capability}` : ''}`),
    ),
  ];
}

export async function removeAarItem(kind: 'notes' | 'plan', id: string, noun: string): Promise<void> {
  try {
    await api(`/api/exercises/${exerciseId}/aar/${kind}/${id}`, { method: 'DELETE' });
    toast(`${noun[0]!.toUpperCase()}${noun.slice(1)} deleted.`, 'ok');
    await loadAar();
  } catch (e) {
    toast(`Could not delete the ${noun}: ${errorText(e)}`, 'error');
  }
}
