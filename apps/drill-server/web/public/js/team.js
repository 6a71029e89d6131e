// Team console: live injects, acknowledgement, the ISM report form (with a draft that survives reloads and
// reconnects) and the threads of reports the team may see.
import {
  announce,
  api,
  ApiError,
  clear,
  connectLive,
  downloadText,
  DrillClock,
  errorText,
  exerciseIdFromUrl,
  formatScenario,
  formatWall,
  h,
  renderMarkdown,
  requireUser,
  setupHeader,
  setupTabs,
  severityBadge,
  showConnection,
  statusBadge,
  tlpBadge,
  toast,
} from './common.js';
import { defangedTextToIocs, defangFor, normaliseIoc } from './ioc.js';
import { DETERMINATIONS, IOC_TYPES, REPORT_KINDS, RSIT, SEVERITIES, TLP } from './vocab.js';

const exerciseId = exerciseIdFromUrl();
const me = await requireUser(['participant']);
setupHeader(me);

const state = {
  exercise: null,
  status: 'draft',
  /** injectId → inject payload + deliveredAt/acknowledgedAt */
  injects: new Map(),
  reports: new Map(),
  selected: null,
  /** Highest seq this page has received and acknowledged receipt of (the socket replays after it). */
  seenSeq: 0,
  socket: null,
};

const readKey = `drill.read.${exerciseId}.${me.id}`;
const draftKey = `drill.draft.${exerciseId}.${me.id}`;
const read = new Set(JSON.parse(localStorage.getItem(readKey) ?? '[]'));
const markRead = (id) => {
  if (read.has(id)) return;
  read.add(id);
  localStorage.setItem(readKey, JSON.stringify([...read]));
};

const tabs = setupTabs(document.getElementById('tabs'), (id) => {
  if (id === 'tab-inject' && state.selected) markRead(state.selected);
  renderInjectList();
});

// ───────────── clock and header ─────────────

const clock = new DrillClock((s, ms) => {
  document.getElementById('clock').textContent = formatScenario(ms);
});

function applyState(s) {
  state.status = s.status;
  clock.update(s);
  clear(document.getElementById('status'), statusBadge(s.status));
  document.getElementById('speed').textContent = s.speed === 1 ? 'real time' : `×${s.speed}`;
  const open = s.status === 'running' || s.status === 'paused';
  document.getElementById('r-submit').disabled = !open;
  document.getElementById('r-closed').hidden = open;
}

// ───────────── injects ─────────────

const kindLabel = (k) => REPORT_KINDS.find((x) => x.value === k)?.label ?? k;

function sortedInjects() {
  return [...state.injects.values()].sort((a, b) => b.seq - a.seq);
}

function renderInjectList(flashId) {
  const list = document.getElementById('inject-list');
  const items = sortedInjects();
  document.getElementById('injects-empty').hidden = items.length > 0;
  const unread = items.filter((i) => !read.has(i.injectId)).length;
  const badge = document.getElementById('unread-count');
  badge.hidden = unread === 0;
  badge.textContent = `${unread} new`;
  document.title = `${unread ? `(${unread}) ` : ''}Team console — ACID Drill Orchestrator`;
  clear(
    list,
    items.map((i) => {
      const isUnread = !read.has(i.injectId);
      const btn = h(
        'button',
        {
          type: 'button',
          class: `inject-item${isUnread ? ' unread' : ''}${flashId === i.injectId ? ' flash' : ''}`,
          'aria-current': state.selected === i.injectId ? 'true' : 'false',
          dataset: { inject: i.injectId },
          onclick: () => selectInject(i.injectId, true),
        },
        h('span', { class: 'title' }, `${i.injectId} · ${i.title}`),
        h(
          'span',
          { class: 'meta' },
          isUnread ? h('span', { class: 'unread-mark' }, 'New') : '',
          tlpBadge(i.tlp),
          severityBadge(i.severity),
          h('span', {}, i.scenarioTime),
          i.acknowledgedAt
            ? h('span', { class: 'ack-mark' }, '✓ received')
            : i.responseRequired
              ? h('span', {}, 'response required')
              : '',
        ),
      );
      return h('li', {}, btn);
    }),
  );
  renderInjectOptions();
}

function selectInject(id, focusPanel = false) {
  state.selected = id;
  tabs.select('tab-inject', false);
  markRead(id);
  renderInjectList();
  renderInjectView();
  if (focusPanel) document.getElementById('inject-view').querySelector('h2')?.focus();
}

function renderInjectView() {
  const view = document.getElementById('inject-view');
  const i = state.injects.get(state.selected);
  document.getElementById('inject-placeholder').hidden = Boolean(i);
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
  const renderAck = () => {
    const cur = state.injects.get(i.injectId);
    if (cur.acknowledgedAt) {
      clear(
        ackArea,
        h('span', { class: 'ack-mark' }, `✓ Received — acknowledged at ${formatWall(cur.acknowledgedAt)}`),
      );
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
            onclick: () => acknowledge(i.injectId),
          },
          'Received',
        ),
        h('span', { class: 'hint', id: 'ack-hint' }, 'Tells drill control a person on your team has read this inject.'),
      );
    }
  };
  renderAck();
  const artefacts = i.artefacts?.length
    ? h(
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
      )
    : '';
  clear(
    view,
    h('h2', { tabindex: '-1' }, `${i.injectId} · ${i.title}`),
    h(
      'div',
      { class: 'inject-head' },
      tlpBadge(i.tlp),
      severityBadge(i.severity),
      h('span', { class: 'muted' }, `released ${i.scenarioTime} (${formatWall(i.releasedAt)})`),
    ),
    h('p', { class: 'muted' }, timing),
    ackArea,
    h('div', { class: 'inject-body' }, renderMarkdown(i.body)),
    artefacts,
    h(
      'div',
      { class: 'actions', style: 'margin-top:1rem' },
      h('button', { type: 'button', onclick: () => startReportOn(i.injectId) }, 'Write a report on this inject'),
    ),
  );
  view._renderAck = renderAck;
}

async function acknowledge(injectId) {
  if (!state.socket?.connected) {
    toast('Not connected to the drill right now; "Received" will work again once the connection is back.', 'error');
    return;
  }
  try {
    const res = await state.socket.timeout(10_000).emitWithAck('inject.ack', { injectId });
    if (res?.error) throw new Error(res.error.message ?? res.error);
    const cur = state.injects.get(injectId);
    cur.acknowledgedAt = cur.acknowledgedAt ?? new Date().toISOString();
    announce(`Acknowledged ${injectId}.`);
    renderInjectList();
    if (state.selected === injectId) document.getElementById('inject-view')._renderAck?.();
    document.getElementById('ack-area')?.focus?.();
  } catch (e) {
    toast(`Could not acknowledge: ${errorText(e)}`, 'error');
  }
}

let audioCtx;
function beep() {
  if (!document.getElementById('sound').checked) return;
  try {
    audioCtx = audioCtx ?? new AudioContext();
    const o = audioCtx.createOscillator();
    const g = audioCtx.createGain();
    o.frequency.value = 880;
    g.gain.value = 0.08;
    o.connect(g).connect(audioCtx.destination);
    o.start();
    o.stop(audioCtx.currentTime + 0.18);
  } catch {
    /* sound is optional */
  }
}
const soundBox = document.getElementById('sound');
soundBox.checked = localStorage.getItem('drill.sound') === '1';
soundBox.addEventListener('change', () => localStorage.setItem('drill.sound', soundBox.checked ? '1' : '0'));

function receiveInject(p, live) {
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

// ───────────── report form ─────────────

const form = document.getElementById('report-form');
const el = (id) => document.getElementById(id);

for (const k of REPORT_KINDS) el('r-kind').append(h('option', { value: k.value }, k.label));
el('r-kind').value = 'early-warning';
const kindHint = () =>
  (el('r-kind-hint').textContent = REPORT_KINDS.find((k) => k.value === el('r-kind').value)?.hint ?? '');
el('r-kind').addEventListener('change', kindHint);
kindHint();
for (const c of Object.keys(RSIT)) el('r-class').append(h('option', { value: c }, c));
for (const d of DETERMINATIONS) el('r-determination').append(h('option', { value: d }, d));
for (const s of SEVERITIES) el('r-severity').append(h('option', { value: s }, s));
clear(
  el('tlp-options'),
  TLP.map((t) =>
    h(
      'label',
      { class: 'tlp-option' },
      h('input', { type: 'radio', name: 'tlp', value: t.label, 'aria-describedby': `tlp-m-${t.short}` }),
      tlpBadge(t.label),
      h('span', { id: `tlp-m-${t.short}` }, t.meaning),
    ),
  ),
);

function fillTypes(selected = '') {
  const cls = el('r-class').value;
  const sel = el('r-type');
  clear(
    sel,
    h('option', { value: '' }, cls ? '— choose a type —' : '— choose a class first —'),
    (RSIT[cls] ?? []).map((t) => h('option', { value: t }, t)),
  );
  sel.disabled = !cls;
  sel.value = selected;
}
el('r-class').addEventListener('change', () => fillTypes());

/** Rows of the repeating parts of the report; the DOM is rebuilt from these arrays. */
const rows = { iocs: [], assets: [], actions: [], timeline: [] };
let rowSeq = 0;
const rid = () => `row${++rowSeq}`;

function textInput(id, label, value, onInput, attrs = {}) {
  return [
    h('label', { for: id, class: 'visually-hidden' }, label),
    h('input', { id, type: 'text', value: value ?? '', oninput: (e) => onInput(e.target.value), ...attrs }),
  ];
}

function renderIocs() {
  const body = el('r-iocs');
  clear(
    body,
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
      const typeSel = h(
        'select',
        { id: `${id}-type`, onchange: (e) => ((r.type = e.target.value), showNorm(), saveDraft()) },
        IOC_TYPES.map((t) => h('option', { value: t.value, selected: t.value === r.type }, t.label)),
      );
      return h(
        'tr',
        { dataset: { row: String(n) } },
        h('td', {}, h('label', { for: `${id}-type`, class: 'visually-hidden' }, `Indicator ${n + 1} type`), typeSel),
        h(
          'td',
          {},
          textInput(
            `${id}-value`,
            `Indicator ${n + 1} value`,
            r.value,
            (v) => ((r.value = v), (r.unsure = undefined), showNorm()),
            {
              'aria-describedby': `${id}-norm`,
              class: 'mono',
              spellcheck: 'false',
            },
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
              onchange: (e) => ((r.toIds = e.target.checked), saveDraft()),
            }),
            h('span', { class: 'visually-hidden' }, `Indicator ${n + 1} `),
            ' detect',
          ),
        ),
        h(
          'td',
          {},
          h(
            'button',
            { type: 'button', class: 'small danger', onclick: () => removeRow('iocs', n, renderIocs) },
            'Remove',
            h('span', { class: 'visually-hidden' }, ` indicator ${n + 1}`),
          ),
        ),
      );
    }),
  );
}

function renderSimpleRows(key, container, fields, noun) {
  const render = () =>
    clear(
      el(container),
      rows[key].map((r, n) =>
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
                oninput: (e) => (r[f.key] = e.target.value),
              }),
            ),
          ),
          h(
            'div',
            { class: 'field', style: 'flex:0 0 auto' },
            h(
              'button',
              { type: 'button', class: 'small danger', onclick: () => removeRow(key, n, render) },
              'Remove',
              h('span', { class: 'visually-hidden' }, ` ${noun} ${n + 1}`),
            ),
          ),
        ),
      ),
    );
  return render;
}
const renderAssets = renderSimpleRows(
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
const renderActions = renderSimpleRows(
  'actions',
  'r-actions',
  [
    { key: 'code', label: 'Code', optional: true, placeholder: 'ISOLATE-HOSTS' },
    { key: 'text', label: 'What was done', placeholder: 'Isolated the encrypted file servers' },
  ],
  'action',
);
const renderTimeline = renderSimpleRows(
  'timeline',
  'r-timeline',
  [
    { key: 'at', label: 'When', placeholder: '2026-11-25T09:20Z or T+00:20' },
    { key: 'event', label: 'What happened', placeholder: 'EDR alert on fs01' },
  ],
  'timeline entry',
);

function removeRow(key, n, render) {
  rows[key].splice(n, 1);
  render();
  saveDraft();
  announce(`Removed. ${rows[key].length} left.`);
}

function addRow(key, render, row, focusField) {
  const r = { id: rid(), ...row };
  rows[key].push(r);
  render();
  saveDraft();
  document.getElementById(`${r.id}-${focusField}`)?.focus();
}
el('r-add-ioc').addEventListener('click', () =>
  addRow('iocs', renderIocs, { type: 'ip-dst', value: '', role: '', toIds: true }, 'value'),
);
el('r-add-asset').addEventListener('click', () => addRow('assets', renderAssets, {}, 'kind'));
el('r-add-action').addEventListener('click', () => addRow('actions', renderActions, {}, 'code'));
el('r-add-event').addEventListener('click', () =>
  addRow('timeline', renderTimeline, { at: new Date().toISOString().slice(0, 16) + 'Z' }, 'event'),
);

/** Paste-to-parse: indicators found in the text become rows, without duplicates of what is listed already. */
async function extractIocs() {
  const text = el('r-paste').value;
  if (!text.trim()) return;
  let found;
  try {
    // The server's own extractor, so the preview is exactly what it will accept…
    found = (await api('/api/ioc/extract', { method: 'POST', body: { text } })).iocs;
  } catch {
    // …and the browser copy of the same rules while the connection is down.
    found = defangedTextToIocs(text);
  }
  const have = new Set(
    rows.iocs.map((r) => {
      const n = normaliseIoc(r.type, r.value);
      return `${r.type}\u0000${n.ok ? n.value : r.value}`;
    }),
  );
  let added = 0;
  let unsure = 0;
  for (const f of found) {
    const key = `${f.type}\u0000${f.value}`;
    if (have.has(key)) continue;
    have.add(key);
    // What the extractor is unsure of (a private address, a word that reads as a domain) is listed but left unticked.
    rows.iocs.push({
      id: rid(),
      type: f.type,
      value: f.original,
      role: '',
      toIds: !f.unsure,
      ...(f.unsure ? { unsure: f.unsure } : {}),
    });
    added++;
    if (f.unsure) unsure++;
  }
  renderIocs();
  const msg =
    found.length === 0
      ? 'No indicator found in the pasted text.'
      : `Found ${found.length} indicator${found.length === 1 ? '' : 's'}; added ${added}${found.length > added ? ` (${found.length - added} already listed)` : ''}${unsure ? `; ${unsure} left unticked for detection (not sure they are indicators)` : ''}.`;
  el('r-extract-result').textContent = msg;
  if (found.length && el('r-paste').value === text) el('r-paste').value = '';
  saveDraft();
}
el('r-extract').addEventListener('click', () => void extractIocs());
el('r-paste').addEventListener('paste', () => setTimeout(() => void extractIocs(), 0));

let injectOptionsFor = null;
function renderInjectOptions() {
  const box = el('r-inject-options');
  const checked = new Set([...box.querySelectorAll('input:checked')].map((c) => c.value));
  const pending = state.pendingInjectChecks;
  const items = [...state.injects.values()].sort((a, b) => a.seq - b.seq);
  // Rebuilt only when the list changes, so a focused checkbox keeps its focus as other events arrive.
  const signature = items.map((i) => i.injectId).join('\u0000');
  if (signature === injectOptionsFor && !pending?.size) return;
  injectOptionsFor = signature;
  el('r-injects-empty').hidden = items.length > 0;
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

function renderReplyOptions() {
  const sel = el('r-reply');
  const cur = sel.value || state.pendingReply || '';
  const reports = [...state.reports.values()].sort((a, b) => b.submittedAt.localeCompare(a.submittedAt));
  clear(
    sel,
    h('option', { value: '' }, '— a new thread —'),
    reports.map((r) =>
      h('option', { value: r.id }, `${r.teamCode ?? 'Drill control'} · ${kindLabel(r.kind)} · ${r.title}`),
    ),
  );
  sel.value = reports.some((r) => r.id === cur) ? cur : '';
  if (sel.value === cur) state.pendingReply = undefined;
  const codes = new Set([state.exercise?.teams?.[0]?.code].filter(Boolean));
  for (const r of state.reports.values()) {
    if (r.teamCode) codes.add(r.teamCode);
    if (Array.isArray(r.recipients?.teams)) for (const c of r.recipients.teams) codes.add(c);
  }
  clear(
    el('team-codes'),
    [...codes].sort().map((c) => h('option', { value: c })),
  );
}

function startReportOn(injectId) {
  tabs.select('tab-report', false);
  const box = [...el('r-inject-options').querySelectorAll('input')].find((c) => c.value === injectId);
  if (box) box.checked = true;
  if (!el('r-title').value)
    el('r-title').value = `${kindLabel(el('r-kind').value)}: ${state.injects.get(injectId)?.title ?? injectId}`;
  saveDraft();
  el('r-title').focus();
}

function replyTo(reportId) {
  const parent = state.reports.get(reportId);
  if (!parent) return;
  tabs.select('tab-report', false);
  el('r-reply').value = reportId;
  el('r-kind').value = 'update';
  kindHint();
  const radio = form.querySelector(`input[name=tlp][value="${parent.tlp}"]`);
  if (radio) radio.checked = true;
  if (!el('r-title').value) el('r-title').value = `Re: ${parent.title}`;
  // Address the reply to the thread's audience: the parent's team and recipients (the server refuses anyone more).
  const ownCode = state.exercise?.teams?.find((t) => t.id === me.teamId)?.code;
  if (parent.recipients?.teams === 'all') el('r-all-teams').checked = true;
  else if (!el('r-teams').value.trim()) {
    const codes = new Set([parent.teamCode, ...(parent.recipients?.teams ?? [])].filter((c) => c && c !== ownCode));
    el('r-teams').value = [...codes].join(', ');
  }
  if (parent.tlp === 'TLP:RED' && !el('r-users').value.trim()) {
    el('r-users').value = [...new Set([parent.authorUserId, ...(parent.recipients?.users ?? [])])]
      .filter((u) => u !== me.id)
      .join(', ');
  }
  for (const id of parent.injectIds ?? []) {
    const box = [...el('r-inject-options').querySelectorAll('input')].find((c) => c.value === id);
    if (box) box.checked = true;
  }
  saveDraft();
  el('r-title').focus();
}

// ───────────── draft persistence ─────────────

function collectDraft() {
  return {
    v: 1,
    kind: el('r-kind').value,
    inReplyTo: el('r-reply').value,
    title: el('r-title').value,
    injectIds: [...el('r-inject-options').querySelectorAll('input:checked')].map((c) => c.value),
    tlp: form.querySelector('input[name=tlp]:checked')?.value ?? '',
    allTeams: el('r-all-teams').checked,
    teams: el('r-teams').value,
    users: el('r-users').value,
    class: el('r-class').value,
    type: el('r-type').value,
    determination: el('r-determination').value,
    severity: el('r-severity').value,
    summary: el('r-summary').value,
    paste: el('r-paste').value,
    iocs: rows.iocs.map(({ id: _id, ...r }) => r),
    assets: rows.assets.map(({ id: _id, ...r }) => r),
    actions: rows.actions.map(({ id: _id, ...r }) => r),
    timeline: rows.timeline.map(({ id: _id, ...r }) => r),
    recommendations: el('r-recommendations').value,
    assistance: el('r-assistance').value,
    savedAt: new Date().toISOString(),
  };
}

function isBlank(d) {
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

let saveTimer;
function saveDraft() {
  clearTimeout(saveTimer);
  saveTimer = setTimeout(saveDraftNow, 250);
}
function saveDraftNow() {
  clearTimeout(saveTimer);
  const d = collectDraft();
  if (isBlank(d)) localStorage.removeItem(draftKey);
  else {
    localStorage.setItem(draftKey, JSON.stringify(d));
    el('draft-state').textContent = `Draft saved in this browser at ${formatWall(d.savedAt)}.`;
  }
}
form.addEventListener('input', saveDraft);
form.addEventListener('change', saveDraft);
window.addEventListener('pagehide', saveDraftNow);
document.addEventListener('visibilitychange', () => document.visibilityState === 'hidden' && saveDraftNow());

function applyDraft(d) {
  el('r-kind').value = d.kind || 'early-warning';
  kindHint();
  state.pendingReply = d.inReplyTo || undefined;
  el('r-title').value = d.title ?? '';
  state.pendingInjectChecks = new Set(d.injectIds ?? []);
  for (const c of el('r-inject-options').querySelectorAll('input')) c.checked = false;
  injectOptionsFor = null;
  for (const r of form.querySelectorAll('input[name=tlp]')) r.checked = r.value === d.tlp;
  el('r-all-teams').checked = Boolean(d.allTeams);
  el('r-teams').value = d.teams ?? '';
  el('r-users').value = d.users ?? '';
  el('r-class').value = d.class ?? '';
  fillTypes(d.type ?? '');
  el('r-determination').value = d.determination ?? '';
  el('r-severity').value = d.severity ?? '';
  el('r-summary').value = d.summary ?? '';
  el('r-paste').value = d.paste ?? '';
  rows.iocs = (d.iocs ?? []).map((r) => ({ id: rid(), ...r }));
  rows.assets = (d.assets ?? []).map((r) => ({ id: rid(), ...r }));
  rows.actions = (d.actions ?? []).map((r) => ({ id: rid(), ...r }));
  rows.timeline = (d.timeline ?? []).map((r) => ({ id: rid(), ...r }));
  el('r-recommendations').value = d.recommendations ?? '';
  el('r-assistance').value = d.assistance ?? '';
  renderIocs();
  renderAssets();
  renderActions();
  renderTimeline();
  renderInjectOptions();
  renderReplyOptions();
}

function resetForm() {
  localStorage.removeItem(draftKey);
  applyDraft({});
  el('r-extract-result').textContent = '';
  el('draft-state').textContent = 'Your draft is saved in this browser as you type.';
  clearErrors();
}
el('r-discard').addEventListener('click', () => {
  if (el('r-discard').dataset.confirm !== '1') {
    el('r-discard').dataset.confirm = '1';
    el('r-discard').textContent = 'Really discard? Click again';
    setTimeout(() => {
      el('r-discard').dataset.confirm = '';
      el('r-discard').textContent = 'Discard draft';
    }, 5000);
    return;
  }
  el('r-discard').dataset.confirm = '';
  el('r-discard').textContent = 'Discard draft';
  resetForm();
  announce('Draft discarded.');
});

// ───────────── submit ─────────────

const lines = (s) =>
  s
    .split('\n')
    .map((x) => x.trim())
    .filter(Boolean);
const list = (s) =>
  s
    .split(/[,\s;]+/)
    .map((x) => x.trim())
    .filter(Boolean);

/** The request body, and where each sent row came from (to put the server's field errors on the right row). */
function buildReport() {
  const d = collectDraft();
  const sent = { iocs: [], assets: [], actions: [], timeline: [] };
  const pick = (key, keep) =>
    rows[key].flatMap((r, n) => {
      if (!keep(r)) return [];
      sent[key].push(n);
      return [r];
    });
  const iocs = pick('iocs', (r) => r.value.trim() !== '').map((r) => ({
    type: r.type,
    value: r.value.trim(),
    ...(r.role?.trim() ? { role: r.role.trim() } : {}),
    toIds: Boolean(r.toIds),
  }));
  const assets = pick('assets', (r) => (r.kind ?? '').trim() || (r.identifier ?? '').trim()).map((r) => ({
    kind: (r.kind ?? '').trim(),
    identifier: (r.identifier ?? '').trim(),
    ...(r.sector?.trim() ? { sector: r.sector.trim() } : {}),
    ...(r.country?.trim() ? { country: r.country.trim() } : {}),
  }));
  const actions = pick('actions', (r) => (r.text ?? '').trim() || (r.code ?? '').trim()).map((r) => ({
    ...(r.code?.trim() ? { code: r.code.trim() } : {}),
    text: (r.text ?? '').trim(),
  }));
  const timeline = pick('timeline', (r) => (r.event ?? '').trim()).map((r) => ({
    at: (r.at ?? '').trim(),
    event: r.event.trim(),
  }));
  const teams = list(d.teams).map((c) => c.toUpperCase());
  const users = list(d.users);
  const body = {
    kind: d.kind,
    title: d.title.trim(),
    tlp: d.tlp,
    injectIds: d.injectIds,
    ...(d.inReplyTo ? { inReplyTo: d.inReplyTo } : {}),
    ...(d.summary.trim() ? { summary: d.summary.trim() } : {}),
    recipients: {
      ...(d.allTeams ? { teams: 'all' } : teams.length ? { teams } : {}),
      ...(users.length ? { users } : {}),
    },
    ...(d.class && d.type ? { classification: { class: d.class, type: d.type } } : {}),
    ...(d.determination ? { determination: d.determination } : {}),
    ...(d.severity ? { severity: d.severity } : {}),
    affectedAssets: assets,
    iocs,
    timeline,
    actions,
    recommendations: lines(d.recommendations),
    assistanceRequests: lines(d.assistance),
  };
  return { body, sent };
}

function clearErrors() {
  el('report-errors').hidden = true;
  for (const x of form.querySelectorAll('[aria-invalid=true]')) x.removeAttribute('aria-invalid');
}

/** Maps a JSON path from the server (/iocs/2/value) to the form control to fix. */
function controlFor(path, sent) {
  const m = /^\/(\w+)(?:\/(\d+))?(?:\/(\w+))?/.exec(path) ?? [];
  const [, top, idx, sub] = m;
  const rowId = (key) => rows[key][sent[key][Number(idx)]]?.id;
  switch (top) {
    case 'title':
      return el('r-title');
    case 'summary':
      return el('r-summary');
    case 'kind':
      return el('r-kind');
    case 'tlp':
      return form.querySelector('input[name=tlp]');
    case 'inReplyTo':
      return el('r-reply');
    case 'injectIds':
      return el('r-inject-options').querySelector('input') ?? el('r-kind');
    case 'recipients':
      return path.includes('users') ? el('r-users') : el('r-teams');
    case 'classification':
      return sub === 'type' || path.endsWith('/type') ? el('r-type') : el('r-class');
    case 'determination':
      return el('r-determination');
    case 'severity':
      return el('r-severity');
    case 'iocs':
      return document.getElementById(`${rowId('iocs')}-${sub === 'type' ? 'type' : sub === 'role' ? 'role' : 'value'}`);
    case 'affectedAssets':
      return document.getElementById(`${rowId('assets')}-${sub ?? 'kind'}`);
    case 'actions':
      return document.getElementById(`${rowId('actions')}-${sub ?? 'text'}`);
    case 'timeline':
      return document.getElementById(`${rowId('timeline')}-${sub ?? 'event'}`);
    case 'recommendations':
      return el('r-recommendations');
    case 'assistanceRequests':
      return el('r-assistance');
    default:
      return undefined;
  }
}

function showErrors(message, problems, sent) {
  const box = el('report-errors');
  const items = problems.map((p) => {
    const control = controlFor(p.path, sent);
    control?.setAttribute('aria-invalid', 'true');
    return h(
      'li',
      {},
      control ? h('button', { type: 'button', class: 'link', onclick: () => control.focus() }, p.message) : p.message,
    );
  });
  clear(box, h('strong', {}, message), items.length ? h('ul', {}, items) : '');
  box.hidden = false;
  box.focus();
}

form.addEventListener('submit', async (e) => {
  e.preventDefault();
  clearErrors();
  const { body, sent } = buildReport();
  const local = [];
  if (!body.title) local.push({ path: '/title', message: 'Give the report a title.' });
  if (!body.tlp) local.push({ path: '/tlp', message: 'Choose a TLP label.' });
  if (body.tlp === 'TLP:RED' && !body.recipients.users?.length)
    local.push({ path: '/recipients/users', message: 'TLP:RED reports must name the people they are for.' });
  if (el('r-class').value && !el('r-type').value)
    local.push({ path: '/classification/type', message: 'Choose the RSIT type, or clear the class.' });
  if (local.length) return showErrors('The report is not complete yet:', local, sent);
  const button = el('r-submit');
  button.disabled = true;
  try {
    const report = await api(`/api/exercises/${exerciseId}/ism/reports`, { method: 'POST', body });
    addReport(report);
    resetForm();
    toast(`Report sent: ${report.title}`, 'ok');
    announce(`Report "${report.title}" sent.`);
    tabs.select('tab-threads', true);
    document.querySelector(`[data-report="${report.id}"]`)?.scrollIntoView({ block: 'nearest' });
  } catch (err) {
    saveDraftNow();
    if (err instanceof ApiError && err.details.length) showErrors(err.message, err.details, sent);
    else
      showErrors(
        err instanceof ApiError && err.status === 0 ? `${err.message}. Your draft is kept.` : errorText(err),
        [],
        sent,
      );
  } finally {
    button.disabled = !(state.status === 'running' || state.status === 'paused');
  }
});

// ───────────── threads ─────────────

function addReport(r) {
  const isNew = !state.reports.has(r.id);
  state.reports.set(r.id, r);
  renderThreads();
  renderReplyOptions();
  return isNew;
}

function reportView(r) {
  const mine = r.authorUserId === me.id;
  const section = (title, content) => (content ? h('div', {}, h('h4', {}, title), content) : '');
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
      h('span', { class: 'badge' }, kindLabel(r.kind)),
      tlpBadge(r.tlp),
      h('span', { class: 'title' }, r.title),
      h(
        'span',
        { class: 'muted' },
        `${r.teamCode ?? 'Drill control'}${mine ? ' (you)' : ''} · ${formatScenario(r.submittedScenarioMs)} · ${formatWall(r.submittedAt)}`,
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
    section(
      'Indicators',
      r.iocs?.length
        ? h(
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
          )
        : '',
    ),
    section(
      'Affected assets',
      r.affectedAssets?.length
        ? h(
            'ul',
            {},
            r.affectedAssets.map((a) =>
              h(
                'li',
                {},
                `${a.kind}: ${a.identifier}${a.sector ? ` (${a.sector})` : ''}${a.country ? ` — ${a.country}` : ''}`,
              ),
            ),
          )
        : '',
    ),
    section(
      'Actions taken',
      r.actions?.length
        ? h(
            'ul',
            {},
            r.actions.map((a) => h('li', {}, a.code ? h('code', {}, a.code) : '', a.code ? ' ' : '', a.text)),
          )
        : '',
    ),
    section(
      'Timeline',
      r.timeline?.length
        ? h(
            'ul',
            {},
            r.timeline.map((t) => h('li', {}, h('span', { class: 'mono' }, t.at), ' — ', t.event)),
          )
        : '',
    ),
    section(
      'Recommendations',
      r.recommendations?.length
        ? h(
            'ul',
            {},
            r.recommendations.map((x) => h('li', {}, x)),
          )
        : '',
    ),
    section(
      'Requests for assistance',
      r.assistanceRequests?.length
        ? h(
            'ul',
            {},
            r.assistanceRequests.map((x) => h('li', {}, x)),
          )
        : '',
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

function renderThreads() {
  const all = [...state.reports.values()];
  el('report-count').textContent = all.length ? `(${all.length})` : '';
  const rootOf = (r) => {
    let cur = r;
    const seen = new Set();
    while (cur.inReplyTo && state.reports.has(cur.inReplyTo) && !seen.has(cur.id)) {
      seen.add(cur.id);
      cur = state.reports.get(cur.inReplyTo);
    }
    return cur;
  };
  const threads = new Map();
  for (const r of all) {
    const root = rootOf(r);
    if (!threads.has(root.id)) threads.set(root.id, { root, replies: [] });
    if (root.id !== r.id) threads.get(root.id).replies.push(r);
  }
  const latest = (t) => [t.root, ...t.replies].reduce((m, r) => (r.submittedAt > m ? r.submittedAt : m), '');
  const ordered = [...threads.values()].sort((a, b) => latest(b).localeCompare(latest(a)));
  clear(
    el('threads'),
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

// ───────────── start ─────────────

try {
  state.exercise = await api(`/api/exercises/${exerciseId}`);
} catch (e) {
  clear(
    document.getElementById('main'),
    h('div', { class: 'error-box', role: 'alert' }, `This exercise cannot be opened: ${errorText(e)}`),
  );
  throw e;
}
setupHeader(me, { exerciseName: state.exercise.name });
const myTeam = state.exercise.teams?.find((t) => t.id === me.teamId);
el('team-code').textContent = myTeam ? myTeam.code : '';
el('team-code').title = myTeam ? myTeam.name : '';
applyState(state.exercise.clock);

const saved = JSON.parse(localStorage.getItem(draftKey) ?? 'null');
applyDraft(saved ?? {});
if (saved && !isBlank(saved))
  el('draft-state').textContent = `Draft restored (last saved ${formatWall(saved.savedAt)}).`;

const [released, reports] = await Promise.all([
  api(`/api/exercises/${exerciseId}/injects`).catch(() => []),
  api(`/api/exercises/${exerciseId}/ism/reports`).catch(() => []),
]);
for (const p of released) state.injects.set(p.injectId, p);
// Replay from the first inject no browser has confirmed, so that its receipt gets recorded too.
const ordered = [...released].sort((a, b) => a.seq - b.seq);
const firstUndelivered = ordered.findIndex((p) => !p.deliveredAt);
state.seenSeq =
  firstUndelivered < 0 ? (ordered.at(-1)?.seq ?? 0) : firstUndelivered === 0 ? 0 : ordered[firstUndelivered - 1].seq;
for (const r of reports) state.reports.set(r.id, r);
renderInjectList();
renderThreads();
renderReplyOptions();
renderInjectOptions();
const firstUnread = sortedInjects().find((i) => !read.has(i.injectId));
if (firstUnread === undefined && sortedInjects().length) {
  state.selected = sortedInjects()[0].injectId;
  renderInjectList();
  renderInjectView();
}

state.socket = await connectLive(exerciseId, {
  lastSeq: () => state.seenSeq,
  onStatus: showConnection,
  handlers: {
    inject: (p, ack) => {
      receiveInject(p, true);
      ack?.({ ok: true });
    },
    'exercise.state': (s) => applyState(s),
    'ism.report': (r) => {
      if (addReport(r) && r.authorUserId !== me.id)
        announce(`New shared report from ${r.teamCode ?? 'drill control'}: ${r.title}`);
    },
  },
});
