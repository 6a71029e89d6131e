// The live ISM feed: every report drill control receives, newest first, and the board cells it answers.
import type { IsmReportView } from '@drill/contracts';
import { byId, h } from '../common/dom.js';
import { formatScenario, tlpBadge } from '../common/format.js';
import { reportKindLabel } from '../common/vocab.js';
import { renderCell, renderSummary } from './board.js';
import { cellKey, state } from './context.js';
import { scheduleLive } from './data.js';

/** The feed keeps the latest reports only; the timeline and the AAR keep them all. */
const FEED_LENGTH = 300;

/** A report as one item of a list: who, what kind, TLP, when in scenario time, its title and what it answers. */
export function reportItem(r: IsmReportView, flash = false): HTMLLIElement {
  return h(
    'li',
    { class: flash ? 'flash' : '', dataset: { report: r.id } },
    h(
      'div',
      { class: 'report-head' },
      h('strong', {}, r.teamCode ?? 'Drill control'),
      h('span', { class: 'badge' }, reportKindLabel(r.kind)),
      tlpBadge(r.tlp),
      h('span', { class: 'mono muted' }, formatScenario(r.submittedScenarioMs)),
    ),
    h('div', {}, r.title),
    h(
      'div',
      { class: 'hint' },
      [
        r.injectIds?.length ? `answers ${r.injectIds.join(', ')}` : '',
        r.iocs?.length ? `${r.iocs.length} IOCs` : '',
        r.classification ? `${r.classification.class}/${r.classification.type}` : '',
      ]
        .filter(Boolean)
        .join(' · '),
    ),
  );
}

export function addToFeed(r: IsmReportView, live: boolean): void {
  if (state.feed.has(r.id)) return;
  state.feed.set(r.id, r);
  byId('feed-empty').hidden = true;
  const item = reportItem(r, live);
  const feed = byId('feed');
  // Newest first; the initial load arrives oldest first.
  feed.prepend(item);
  while (feed.children.length > FEED_LENGTH) feed.lastElementChild?.remove();
  if (r.teamId) {
    for (const injectId of r.injectIds ?? []) {
      const c = state.cells.get(cellKey(r.teamId, injectId));
      if (c && !c.reportedAt) {
        c.reportedAt = r.submittedAt;
        c.reportedScenarioMs = r.submittedScenarioMs;
        renderCell(r.teamId, injectId);
      }
    }
  }
  renderSummary();
  if (live) scheduleLive();
}
