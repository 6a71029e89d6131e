// The list of injects released to the team, newest first: what is new, what was acknowledged, what arrives live.
import type { InjectPayload } from '@drill/contracts';
import { announce, byId, clear, h } from '../common/dom.js';
import { severityBadge, tlpBadge } from '../common/format.js';
import { isRead, markRead, sortedInjects, state } from './context.js';
import { dueCue } from './deadline.js';
import { renderInjectView } from './inject-view.js';
import { renderInjectOptions } from './report/links.js';
import { beep } from './sound.js';
import { tabs } from './tabs.js';

export function renderInjectList(flashId?: string): void {
  const items = sortedInjects();
  byId('injects-empty').hidden = items.length > 0;
  const unread = items.filter((i) => !isRead(i.injectId)).length;
  const badge = byId('unread-count');
  badge.hidden = unread === 0;
  badge.textContent = `${unread} new`;
  document.title = `${unread ? `(${unread}) ` : ''}Team console — ACID Drill Orchestrator`;
  clear(
    byId('inject-list'),
    items.map((i) => {
      const unreadItem = !isRead(i.injectId);
      const button = h(
        'button',
        {
          type: 'button',
          class: `inject-item${unreadItem ? ' unread' : ''}${flashId === i.injectId ? ' flash' : ''}`,
          'aria-current': state.selected === i.injectId ? 'true' : 'false',
          dataset: { inject: i.injectId },
          onclick: () => selectInject(i.injectId, true),
        },
        h('span', { class: 'title' }, `${i.injectId} · ${i.title}`),
        h(
          'span',
          { class: 'meta' },
          unreadItem ? h('span', { class: 'unread-mark' }, 'New') : '',
          tlpBadge(i.tlp),
          severityBadge(i.severity),
          h('span', {}, i.scenarioTime),
          i.acknowledgedAt ? h('span', { class: 'ack-mark' }, '✓ received') : '',
          i.responseRequired ? dueCue(i) || h('span', {}, 'response required') : '',
        ),
      );
      return h('li', {}, button);
    }),
  );
  renderInjectOptions();
}

export function selectInject(injectId: string, focusPanel = false): void {
  state.selected = injectId;
  tabs.select('tab-inject', false);
  markRead(injectId);
  renderInjectList();
  renderInjectView();
  if (focusPanel) byId('inject-view').querySelector('h2')?.focus();
}

/** An inject from the socket (`live`) or a replay; a new one is announced, and chimes if the team wants sound. */
export function receiveInject(p: InjectPayload, live: boolean): void {
  const known = state.injects.get(p.injectId);
  state.injects.set(p.injectId, {
    ...known,
    ...p,
    deliveredAt: known?.deliveredAt ?? new Date().toISOString(),
    acknowledgedAt: known?.acknowledgedAt ?? null,
  });
  state.seenSeq = Math.max(state.seenSeq, p.seq);
  if (!known && live) {
    announce(`New inject ${p.injectId}: ${p.title}`);
    beep();
    renderInjectList(p.injectId);
    if (!state.selected) renderInjectView();
  } else {
    renderInjectList();
  }
}
