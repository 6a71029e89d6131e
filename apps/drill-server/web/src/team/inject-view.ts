// The selected inject: what it says, its artefacts, and the "Received" acknowledgement.
import { announce, byId, clear, downloadText, h, toast } from '../common/dom.js';
import { errorText } from '../common/api.js';
import { severityBadge, tlpBadge, wallTime } from '../common/format.js';
import { renderMarkdown } from '../common/markdown.js';
import { state, type HeldInject } from './context.js';
import { dueLine } from './deadline.js';
import { renderInjectList } from './inject-list.js';
import { messageHeaders, splitMessageHeaders } from './message.js';
import { startReportOn } from './report/links.js';

/** Redraws the acknowledgement area of the inject on screen (after "Received" went through). */
let renderAck: (() => void) | undefined;

export function renderInjectView(): void {
  const view = byId('inject-view');
  const i = state.selected === null ? undefined : state.injects.get(state.selected);
  byId('inject-placeholder').hidden = Boolean(i);
  view.hidden = !i;
  if (!i) return;
  const timing = [
    i.responseRequired ? 'Response required' : 'For information',
    i.targetMinutes != null ? `target ${i.targetMinutes} min` : '',
    i.deadlineMinutes != null ? `deadline ${i.deadlineMinutes} min (scenario time after release)` : '',
  ]
    .filter(Boolean)
    .join(' · ');
  const ackArea = h('div', { class: 'actions', id: 'ack-area' });
  renderAck = () => {
    const acknowledgedAt = state.injects.get(i.injectId)?.acknowledgedAt;
    if (acknowledgedAt) {
      clear(ackArea, h('span', { class: 'ack-mark' }, '✓ Received — acknowledged at ', wallTime(acknowledgedAt)));
    } else {
      clear(
        ackArea,
        h(
          'button',
          {
            type: 'button',
            class: 'primary',
            id: 'ack-button',
            'aria-describedby': 'ack-hint',
            onclick: () => void acknowledge(i.injectId),
          },
          'Received',
        ),
        h('span', { class: 'hint', id: 'ack-hint' }, 'Tells drill control a person on your team has read this inject.'),
      );
    }
  };
  renderAck();
  const headers = messageHeaders(i.from, i.body);
  clear(
    view,
    h('h2', { tabindex: '-1' }, `${i.injectId} · ${i.title}`),
    h(
      'div',
      { class: 'inject-head' },
      tlpBadge(i.tlp),
      severityBadge(i.severity),
      h('span', { class: 'muted' }, `released ${i.scenarioTime} (`, wallTime(i.releasedAt), ')'),
    ),
    headers.length
      ? h(
          'dl',
          { class: 'message-headers', 'aria-label': 'Message headers' },
          headers.map((m) => h('div', {}, h('dt', {}, `${m.name}:`), h('dd', {}, m.value))),
        )
      : '',
    h('p', { class: 'muted' }, timing),
    dueLine(i),
    ackArea,
    h('div', { class: 'inject-body' }, renderMarkdown(splitMessageHeaders(i.body).rest)),
    artefacts(i),
    h(
      'div',
      { class: 'actions', style: 'margin-top:1rem' },
      h('button', { type: 'button', onclick: () => startReportOn(i.injectId) }, 'Write a report on this inject'),
    ),
  );
}

function artefacts(i: HeldInject): HTMLElement | '' {
  if (!i.artefacts?.length) return '';
  return h(
    'section',
    { 'aria-labelledby': 'artefacts-title' },
    h('h3', { id: 'artefacts-title' }, `Artefacts (${i.artefacts.length})`),
    i.artefacts.map((a, n) =>
      h(
        'details',
        { class: 'artefact', open: n === 0 ? true : undefined },
        h(
          'summary',
          {},
          `${a.name} `,
          h('span', { class: 'hint' }, `${a.mediaType}, ${a.content.length.toLocaleString()} characters`),
        ),
        h(
          'div',
          { class: 'actions' },
          h(
            'button',
            { type: 'button', class: 'small', onclick: () => downloadText(a.name, a.mediaType, a.content) },
            `Download ${a.name}`,
          ),
        ),
        h('pre', { class: 'artefact', tabindex: '0', 'aria-label': `Content of ${a.name}` }, a.content),
      ),
    ),
  );
}

async function acknowledge(injectId: string): Promise<void> {
  const socket = state.socket;
  if (!socket?.connected) {
    toast('Not connected to the drill right now; "Received" will work again once the connection is back.', 'error');
    return;
  }
  try {
    const res = await socket.timeout(10_000).emitWithAck('inject.ack', { injectId });
    if ('error' in res) throw new Error(res.error.message);
    const cur = state.injects.get(injectId);
    if (cur) cur.acknowledgedAt = cur.acknowledgedAt ?? new Date().toISOString();
    announce(`Acknowledged ${injectId}.`);
    renderInjectList();
    if (state.selected === injectId) renderAck?.();
    document.getElementById('ack-area')?.focus?.();
  } catch (e) {
    toast(`Could not acknowledge: ${errorText(e)}`, 'error');
  }
}
