// The report draft lives in this browser (localStorage) as it is typed, so a reload, a lost connection or a
// crashed laptop does not cost the analyst the report.
import { announce, byId } from '../../common/dom.js';
import { formatWall } from '../../common/format.js';
import { exerciseId, me, state } from '../context.js';
import { field, fillTypes, form, select, showKindHint, textArea } from './fields.js';
import { renderInjectOptions, renderReplyOptions, resetInjectOptions } from './links.js';
import { renderRows, rowId, rows, type IocRow, type SimpleRow } from './rows.js';
import { clearErrors } from './submit.js';

const draftKey = `drill.draft.${exerciseId}.${me.id}`;

type Saved<R> = Omit<R, 'id'>[];

/** Version 1 of the saved draft: the form's fields as typed. */
export interface Draft {
  v: 1;
  kind: string;
  inReplyTo: string;
  title: string;
  injectIds: string[];
  tlp: string;
  allTeams: boolean;
  teams: string;
  users: string;
  class: string;
  type: string;
  determination: string;
  severity: string;
  summary: string;
  paste: string;
  iocs: Saved<IocRow>;
  assets: Saved<SimpleRow>;
  actions: Saved<SimpleRow>;
  timeline: Saved<SimpleRow>;
  recommendations: string;
  assistance: string;
  savedAt: string;
}

const withoutId = <R extends { id: string }>({ id: _id, ...r }: R): Omit<R, 'id'> => r;

export function collectDraft(): Draft {
  return {
    v: 1,
    kind: select('r-kind').value,
    inReplyTo: select('r-reply').value,
    title: field('r-title').value,
    injectIds: [...byId('r-inject-options').querySelectorAll<HTMLInputElement>('input:checked')].map((c) => c.value),
    tlp: form().querySelector<HTMLInputElement>('input[name=tlp]:checked')?.value ?? '',
    allTeams: field('r-all-teams').checked,
    teams: field('r-teams').value,
    users: field('r-users').value,
    class: select('r-class').value,
    type: select('r-type').value,
    determination: select('r-determination').value,
    severity: select('r-severity').value,
    summary: textArea('r-summary').value,
    paste: textArea('r-paste').value,
    iocs: rows.iocs.map(withoutId),
    assets: rows.assets.map(withoutId),
    actions: rows.actions.map(withoutId),
    timeline: rows.timeline.map(withoutId),
    recommendations: textArea('r-recommendations').value,
    assistance: textArea('r-assistance').value,
    savedAt: new Date().toISOString(),
  };
}

export function isBlank(d: Draft): boolean {
  return (
    !d.title &&
    !d.summary &&
    !d.iocs.length &&
    !d.assets.length &&
    !d.actions.length &&
    !d.timeline.length &&
    !d.recommendations &&
    !d.assistance &&
    !d.paste &&
    !d.tlp &&
    !d.teams &&
    !d.users &&
    !d.class
  );
}

let saveTimer: ReturnType<typeof setTimeout> | undefined;
export function saveDraft(): void {
  clearTimeout(saveTimer);
  saveTimer = setTimeout(saveDraftNow, 250);
}

export function saveDraftNow(): void {
  clearTimeout(saveTimer);
  const d = collectDraft();
  if (isBlank(d)) localStorage.removeItem(draftKey);
  else {
    localStorage.setItem(draftKey, JSON.stringify(d));
    byId('draft-state').textContent = `Draft saved in this browser at ${formatWall(d.savedAt)}.`;
  }
}

function applyDraft(d: Partial<Draft>): void {
  select('r-kind').value = d.kind || 'early-warning';
  showKindHint();
  state.pendingReply = d.inReplyTo || undefined;
  field('r-title').value = d.title ?? '';
  state.pendingInjectChecks = new Set(d.injectIds ?? []);
  for (const c of byId('r-inject-options').querySelectorAll('input')) c.checked = false;
  resetInjectOptions();
  for (const r of form().querySelectorAll<HTMLInputElement>('input[name=tlp]')) r.checked = r.value === d.tlp;
  field('r-all-teams').checked = Boolean(d.allTeams);
  field('r-teams').value = d.teams ?? '';
  field('r-users').value = d.users ?? '';
  select('r-class').value = d.class ?? '';
  fillTypes(d.type ?? '');
  select('r-determination').value = d.determination ?? '';
  select('r-severity').value = d.severity ?? '';
  textArea('r-summary').value = d.summary ?? '';
  textArea('r-paste').value = d.paste ?? '';
  rows.iocs = (d.iocs ?? []).map((r) => ({ id: rowId(), ...r }));
  rows.assets = (d.assets ?? []).map((r) => ({ id: rowId(), ...r }));
  rows.actions = (d.actions ?? []).map((r) => ({ id: rowId(), ...r }));
  rows.timeline = (d.timeline ?? []).map((r) => ({ id: rowId(), ...r }));
  textArea('r-recommendations').value = d.recommendations ?? '';
  textArea('r-assistance').value = d.assistance ?? '';
  renderRows();
  renderInjectOptions();
  renderReplyOptions();
}

/** Empties the form and forgets the draft (after sending, or when the analyst discards it). */
export function resetForm(): void {
  localStorage.removeItem(draftKey);
  applyDraft({});
  byId('r-extract-result').textContent = '';
  byId('draft-state').textContent = 'Your draft is saved in this browser as you type.';
  clearErrors();
}

/** Puts back the draft this browser kept for this person and exercise, if any. */
export function restoreDraft(): void {
  const saved = JSON.parse(localStorage.getItem(draftKey) ?? 'null') as Draft | null;
  applyDraft(saved ?? {});
  if (saved && !isBlank(saved))
    byId('draft-state').textContent = `Draft restored (last saved ${formatWall(saved.savedAt)}).`;
}

export function setupDraft(): void {
  form().addEventListener('input', saveDraft);
  form().addEventListener('change', saveDraft);
  window.addEventListener('pagehide', saveDraftNow);
  document.addEventListener('visibilitychange', () => document.visibilityState === 'hidden' && saveDraftNow());
  // Discarding asks once more on the button itself, for five seconds.
  const discard = byId('r-discard', HTMLButtonElement);
  const unarm = () => {
    discard.dataset.confirm = '';
    discard.textContent = 'Discard draft';
  };
  discard.addEventListener('click', () => {
    if (discard.dataset.confirm !== '1') {
      discard.dataset.confirm = '1';
      discard.textContent = 'Really discard? Click again';
      setTimeout(unarm, 5000);
      return;
    }
    unarm();
    resetForm();
    announce('Draft discarded.');
  });
}
