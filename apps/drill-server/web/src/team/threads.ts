// The reports the team may see under TLP, grouped in threads (a report and its replies), newest activity first.
import type { IsmReportView } from '@drill/contracts';
import { byId, clear, h, type Child } from '../common/dom.js';
import { formatScenario, tlpBadge, wallTime } from '../common/format.js';
import { defangFor } from '../common/indicators.js';
import { reportKindLabel } from '../common/vocab.js';
import { me, state } from './context.js';
import { renderReplyOptions, replyTo } from './report/links.js';

/** Holds a report (sent, replayed or pushed live); true when the console had not seen it. */
export function addReport(r: IsmReportView): boolean {
  const isNew = !state.reports.has(r.id);
  state.reports.set(r.id, r);
  renderThreads();
  renderReplyOptions();
  return isNew;
}

const section = (title: string, content: Child) => (content ? h('div', {}, h('h4', {}, title), content) : '');
const bullets = <T>(items: readonly T[] | undefined, item: (x: T) => Child) =>
  items?.length
    ? h(
        'ul',
        {},
        items.map((x) => h('li', {}, item(x))),
      )
    : '';

function indicatorTable(r: IsmReportView): Child {
  if (!r.iocs?.length) return '';
  return h(
    'table',
    { class: 'data' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, 'Type'),
        h('th', { scope: 'col' }, 'Value'),
        h('th', { scope: 'col' }, 'Role'),
        h('th', { scope: 'col' }, 'Detection'),
      ),
    ),
    h(
      'tbody',
      {},
      r.iocs.map((i) =>
        h(
          'tr',
          {},
          h('td', {}, i.type),
          h('td', { class: 'mono' }, defangFor(i.type, i.value)),
          h('td', {}, i.role ?? ''),
          h('td', {}, i.toIds ? 'yes' : 'no'),
        ),
      ),
    ),
  );
}

function reportView(r: IsmReportView): HTMLElement {
  const mine = r.authorUserId === me.id;
  const recipients =
    r.recipients?.teams === 'all'
      ? 'all teams'
      : [
          ...(r.recipients?.teams ?? []),
          ...(r.recipients?.users?.length ? [`${r.recipients.users.length} named people`] : []),
        ].join(', ') || 'drill control only';
  return h(
    'div',
    { class: `report${mine ? ' mine' : ''}`, dataset: { report: r.id } },
    h(
      'div',
      { class: 'report-head' },
      h('span', { class: 'badge' }, reportKindLabel(r.kind)),
      tlpBadge(r.tlp),
      h('span', { class: 'title' }, r.title),
      h(
        'span',
        { class: 'muted' },
        `${r.teamCode ?? 'Drill control'}${mine ? ' (you)' : ''} · ${formatScenario(r.submittedScenarioMs)} · `,
        wallTime(r.submittedAt),
      ),
    ),
    h(
      'p',
      { class: 'hint' },
      [
        r.injectIds?.length ? `answers ${r.injectIds.join(', ')}` : '',
        `to ${recipients}`,
        r.classification ? `RSIT ${r.classification.class}/${r.classification.type}` : '',
        r.severity ? `severity ${r.severity}` : '',
        r.determination ?? '',
      ]
        .filter(Boolean)
        .join(' · '),
    ),
    r.summary ? h('p', { style: 'white-space:pre-wrap' }, r.summary) : '',
    section('Indicators', indicatorTable(r)),
    section(
      'Affected assets',
      bullets(
        r.affectedAssets,
        (a) => `${a.kind}: ${a.identifier}${a.sector ? ` (${a.sector})` : ''}${a.country ? ` — ${a.country}` : ''}`,
      ),
    ),
    section(
      'Actions taken',
      bullets(r.actions, (a) => [a.code ? h('code', {}, a.code) : '', a.code ? ' ' : '', a.text]),
    ),
    section(
      'Timeline',
      bullets(r.timeline, (t) => [h('span', { class: 'mono' }, t.at), ' — ', t.event]),
    ),
    section(
      'Recommendations',
      bullets(r.recommendations, (x) => x),
    ),
    section(
      'Requests for assistance',
      bullets(r.assistanceRequests, (x) => x),
    ),
    h(
      'div',
      { class: 'actions' },
      h(
        'button',
        { type: 'button', class: 'small', onclick: () => replyTo(r.id) },
        'Reply',
        h('span', { class: 'visually-hidden' }, ` to ${r.title}`),
      ),
    ),
  );
}

interface Thread {
  root: IsmReportView;
  replies: IsmReportView[];
}

export function renderThreads(): void {
  const all = [...state.reports.values()];
  byId('report-count').textContent = all.length ? `(${all.length})` : '';
  const rootOf = (r: IsmReportView) => {
    let cur = r;
    const seen = new Set<string>();
    while (cur.inReplyTo && state.reports.has(cur.inReplyTo) && !seen.has(cur.id)) {
      seen.add(cur.id);
      cur = state.reports.get(cur.inReplyTo)!;
    }
    return cur;
  };
  const threads = new Map<string, Thread>();
  for (const r of all) {
    const root = rootOf(r);
    const thread = threads.get(root.id) ?? { root, replies: [] };
    threads.set(root.id, thread);
    if (root.id !== r.id) thread.replies.push(r);
  }
  const latest = (t: Thread) => [t.root, ...t.replies].reduce((m, r) => (r.submittedAt > m ? r.submittedAt : m), '');
  const ordered = [...threads.values()].sort((a, b) => latest(b).localeCompare(latest(a)));
  clear(
    byId('threads'),
    ordered.length === 0
      ? h('p', { class: 'empty' }, 'No shared report yet.')
      : ordered.map((t) =>
          h(
            'article',
            { class: 'thread', 'aria-label': `Thread: ${t.root.title}` },
            reportView(t.root),
            t.replies.length
              ? h(
                  'div',
                  {
                    class: 'replies',
                    role: 'list',
                    'aria-label': `${t.replies.length} repl${t.replies.length === 1 ? 'y' : 'ies'}`,
                  },
                  t.replies
                    .sort((a, b) => a.submittedAt.localeCompare(b.submittedAt))
                    .map((r) => h('div', { role: 'listitem' }, reportView(r))),
                )
              : '',
          ),
        ),
  );
}
