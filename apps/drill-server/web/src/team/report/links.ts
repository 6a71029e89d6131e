// What a report answers and continues: the injects it is about, the thread it replies to, and the two ways in
// from elsewhere in the console ("Write a report on this inject", "Reply").
import { byId, clear, h } from '../../common/dom.js';
import { reportKindLabel } from '../../common/vocab.js';
import { me, state } from '../context.js';
import { tabs } from '../tabs.js';
import { saveDraft } from './draft.js';
import { field, form, renderRecipients, renderTeamCodes, select, showKindHint } from './fields.js';

const injectBoxes = () => [...byId('r-inject-options').querySelectorAll('input')];

/** The inject list the checkboxes were last built from. */
let injectOptionsFor: string | null = null;
/** Forgets what the checkboxes were built from, so the next render rebuilds them (a draft was applied). */
export const resetInjectOptions = () => (injectOptionsFor = null);

export function renderInjectOptions(): void {
  const box = byId('r-inject-options');
  const checked = new Set(
    injectBoxes()
      .filter((c) => c.checked)
      .map((c) => c.value),
  );
  const pending = state.pendingInjectChecks;
  const items = [...state.injects.values()].sort((a, b) => a.seq - b.seq);
  // Rebuilt only when the list changes, so a focused checkbox keeps its focus as other events arrive.
  const signature = items.map((i) => i.injectId).join('\u0000');
  if (signature === injectOptionsFor && !pending?.size) return;
  injectOptionsFor = signature;
  byId('r-injects-empty').hidden = items.length > 0;
  clear(
    box,
    items.map((i) =>
      h(
        'label',
        { class: 'hint', style: 'font-weight:600' },
        h('input', {
          type: 'checkbox',
          name: 'injectIds',
          value: i.injectId,
          checked: checked.has(i.injectId) || pending?.has(i.injectId),
        }),
        ` ${i.injectId}`,
        h('span', { class: 'visually-hidden' }, ` ${i.title}`),
      ),
    ),
  );
  if (pending) for (const id of pending) if (state.injects.has(id)) pending.delete(id);
}

export function renderReplyOptions(): void {
  const reply = select('r-reply');
  const cur = reply.value || state.pendingReply || '';
  const reports = [...state.reports.values()].sort((a, b) => b.submittedAt.localeCompare(a.submittedAt));
  clear(
    reply,
    h('option', { value: '' }, '— a new thread —'),
    reports.map((r) =>
      h('option', { value: r.id }, `${r.teamCode ?? 'Drill control'} · ${reportKindLabel(r.kind)} · ${r.title}`),
    ),
  );
  reply.value = reports.some((r) => r.id === cur) ? cur : '';
  if (reply.value === cur) state.pendingReply = undefined;
  renderTeamCodes();
  // A draft put back or a reply started may have changed the people: show them by name.
  renderRecipients();
}

function tick(injectId: string): void {
  const box = injectBoxes().find((c) => c.value === injectId);
  if (box) box.checked = true;
}

export function startReportOn(injectId: string): void {
  tabs.select('tab-report', false);
  tick(injectId);
  const title = field('r-title');
  if (!title.value)
    title.value = `${reportKindLabel(select('r-kind').value)}: ${state.injects.get(injectId)?.title ?? injectId}`;
  saveDraft();
  title.focus();
}

export function replyTo(reportId: string): void {
  const parent = state.reports.get(reportId);
  if (!parent) return;
  tabs.select('tab-report', false);
  select('r-reply').value = reportId;
  select('r-kind').value = 'update';
  showKindHint();
  const radio = form().querySelector<HTMLInputElement>(`input[name=tlp][value="${parent.tlp}"]`);
  if (radio) radio.checked = true;
  const title = field('r-title');
  if (!title.value) title.value = `Re: ${parent.title}`;
  // Address the reply to the thread's audience: the parent's team and recipients (the server refuses anyone more).
  const ownCode = state.exercise?.teams?.find((t) => t.id === me.teamId)?.code;
  const teams = field('r-teams');
  if (parent.recipients?.teams === 'all') field('r-all-teams').checked = true;
  else if (!teams.value.trim()) {
    const codes = new Set(
      [parent.teamCode, ...(parent.recipients?.teams ?? [])].filter((c): c is string => Boolean(c) && c !== ownCode),
    );
    teams.value = [...codes].join(', ');
  }
  const users = field('r-users');
  if (parent.tlp === 'TLP:RED' && !users.value.trim()) {
    users.value = [...new Set([parent.authorUserId, ...(parent.recipients?.users ?? [])])]
      .filter((u) => u !== me.id)
      .join(', ');
    renderRecipients();
  }
  for (const id of parent.injectIds ?? []) tick(id);
  saveDraft();
  title.focus();
}
