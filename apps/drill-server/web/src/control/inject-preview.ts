// An inject's preview in the side panel: its headers as the teams get them (from, to, subject), how it stands for
// each team, the body and artefacts, and the answer key. The scenario (and so the body and the key) is read by
// controllers and evaluators only; an observer's preview says so and shows the statuses.
import type { AnswerKey, Inject, InjectTargets } from '@drill/scenario';
import { byId, clear, h } from '../common/dom.js';
import { severityBadge, tlpBadge } from '../common/format.js';
import { renderMarkdown } from '../common/markdown.js';
import { cellKey, state } from './context.js';
import { openTeam, PROGRESS_HEADINGS, progressCells, rebuild } from './detail.js';
import { conditionText } from './msel.js';

function targetsText(t: InjectTargets): string {
  if (t.all) return 'All teams';
  return [...t.teams, ...t.tags.map((tag) => `teams tagged ${tag}`)].join(', ') || 'No team';
}

const row = (label: string, ...value: (Node | string)[]) => [h('dt', {}, label), h('dd', {}, ...value)];

export function renderInjectPreview(): void {
  const i = state.injects.find((x) => x.id === state.selectedInject);
  const a: Inject | undefined = i?.authored;
  byId('detail-title').textContent = i ? `${i.id} · ${i.title}` : state.selectedInject;
  clear(
    byId('detail-body'),
    a
      ? h(
          'dl',
          { class: 'message-headers', 'aria-label': 'Headers' },
          row('From', a.from ?? 'Drill control'),
          row('To', targetsText(a.targets)),
          row('Subject', a.title),
          row(
            'Release',
            a.trigger ? `Conditional: ${conditionText(a.trigger)} (not before ${a.offset})` : `Planned at ${a.offset}`,
          ),
          row(
            'Handling',
            severityBadge(a.severity),
            ' ',
            tlpBadge(a.tlp),
            a.responseRequired
              ? ` Response required: target ${a.targetMinutes ?? '—'} min, deadline ${a.deadlineMinutes ?? '—'} min (scenario time)`
              : ' No response required',
          ),
        )
      : h(
          'p',
          { class: 'notice' },
          'The inject’s text, artefacts and answer key are for controllers and evaluators; here are its deliveries.',
        ),
    h(
      'section',
      { 'aria-labelledby': 'preview-teams-title' },
      h('h3', { id: 'preview-teams-title' }, 'Teams'),
      h('div', { id: 'preview-teams', class: 'table-scroll' }),
    ),
    a
      ? [
          h(
            'section',
            { 'aria-labelledby': 'preview-body-title' },
            h('h3', { id: 'preview-body-title' }, 'Body'),
            h('div', { class: 'inject-body' }, renderMarkdown(a.body)),
          ),
          a.artefacts.length
            ? h(
                'section',
                { 'aria-labelledby': 'preview-artefacts-title' },
                h('h3', { id: 'preview-artefacts-title' }, `Artefacts (${a.artefacts.length})`),
                h(
                  'ul',
                  { class: 'plain' },
                  a.artefacts.map((f) =>
                    h(
                      'li',
                      {},
                      h(
                        'details',
                        {},
                        h('summary', {}, f.name, h('span', { class: 'hint' }, ` ${f.mediaType}`)),
                        h('pre', { class: 'code', tabindex: '0', 'aria-label': `Content of ${f.name}` }, f.content),
                      ),
                    ),
                  ),
                ),
              )
            : '',
          a.expectedActions
            ? h(
                'section',
                { 'aria-labelledby': 'preview-expected-title' },
                h('h3', { id: 'preview-expected-title' }, 'Expected actions (MSEL)'),
                h('p', { class: 'pre-line' }, a.expectedActions),
              )
            : '',
          answerKey(a.answerKey),
        ]
      : '',
  );
  refreshInjectPreview();
}

/** The answer key, as scoring reads it: what a complete report on this inject contains. */
function answerKey(k: AnswerKey | undefined): HTMLElement {
  const section = (...children: (Node | string)[]) =>
    h(
      'section',
      { class: 'answer-key', 'aria-labelledby': 'answer-key-title' },
      h('h3', { id: 'answer-key-title' }, 'Answer key'),
      h('p', { class: 'hint' }, 'Drill control only: teams never see it.'),
      ...children,
    );
  if (!k) return section(h('p', { class: 'empty' }, 'This inject has no answer key: it is not scored on content.'));
  const iocRows = [
    ...k.iocs.map((i) => [i.type, i.original, String(i.weight), i.critical ? 'critical' : 'expected'] as const),
    ...k.decoys.map((d) => [d.type, d.original, '—', 'decoy: reporting it costs'] as const),
  ];
  return section(
    h(
      'dl',
      { class: 'facts' },
      row(
        'Classification',
        k.classification ? `${k.classification.class}${k.classification.type ? `/${k.classification.type}` : ''}` : '—',
      ),
      row('Severity', k.severity ?? '—'),
      row('Recipients', k.recipients.length ? k.recipients.join(', ') : '—'),
      row('Highest TLP', k.maxTlp ?? '—'),
    ),
    iocRows.length
      ? h(
          'table',
          { class: 'data' },
          h('caption', { class: 'visually-hidden' }, 'Expected indicators and decoys'),
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['Type', 'Indicator', 'Weight', 'Kind'].map((c) => h('th', { scope: 'col' }, c)),
            ),
          ),
          h(
            'tbody',
            {},
            iocRows.map(([type, value, weight, kind]) =>
              h('tr', {}, h('td', {}, type), h('td', { class: 'mono' }, value), h('td', {}, weight), h('td', {}, kind)),
            ),
          ),
        )
      : '',
    k.actions.length
      ? h(
          'ul',
          { class: 'explain' },
          k.actions.map((x) =>
            h(
              'li',
              {},
              h('strong', {}, x.code),
              x.description ? ` ${x.description}` : '',
              h('span', { class: 'hint' }, ` (keywords: ${x.keywords.join(', ')}; weight ${x.weight})`),
            ),
          ),
        )
      : '',
  );
}

/** The preview's live part: each team's state of the inject with its times in scenario time. */
export function refreshInjectPreview(): void {
  const box = document.getElementById('preview-teams');
  const i = state.injects.find((x) => x.id === state.selectedInject);
  if (!box || !i) return;
  const teams = state.teams.filter((t) => state.cells.has(cellKey(t.id, i.id)));
  if (!teams.length) {
    rebuild(box, h('p', { class: 'empty' }, i.trigger ? 'Not armed for any team yet.' : 'No delivery yet.'));
    return;
  }
  rebuild(
    box,
    h(
      'table',
      { class: 'data compact' },
      h('caption', { class: 'visually-hidden' }, `${i.id} for each team, in scenario time (wall time on hover)`),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Team', ...PROGRESS_HEADINGS].map((c) => h('th', { scope: 'col' }, c)),
        ),
      ),
      h(
        'tbody',
        {},
        teams.map((t) => {
          const c = state.cells.get(cellKey(t.id, i.id));
          const current = t.id === state.selectedTeam;
          return h(
            'tr',
            {
              class: current ? 'selected' : '',
              'aria-current': current ? 'true' : undefined,
              dataset: { team: t.code },
            },
            h(
              'th',
              { scope: 'row' },
              h(
                'button',
                {
                  type: 'button',
                  class: 'link',
                  dataset: { focusKey: `team-${t.id}` },
                  title: `${t.name}: deliveries, reports and score`,
                  onclick: () => openTeam(t.id),
                },
                t.code,
              ),
            ),
            progressCells(t.code, i.id, c),
          );
        }),
      ),
    ),
  );
}
