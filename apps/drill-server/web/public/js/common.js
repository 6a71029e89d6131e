// What every console page shares: the session (token in sessionStorage), the API client, the live socket, the
// drill clock, small DOM helpers and a safe Markdown subset for inject bodies.

const TOKEN_KEY = 'drill.token';

export const session = {
  get token() {
    return sessionStorage.getItem(TOKEN_KEY);
  },
  set token(v) {
    if (v) sessionStorage.setItem(TOKEN_KEY, v);
    else sessionStorage.removeItem(TOKEN_KEY);
  },
  signOut() {
    sessionStorage.removeItem(TOKEN_KEY);
    location.href = 'index.html';
  },
};

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message ?? `HTTP ${status}`);
    this.status = status;
    this.details = Array.isArray(body?.details) ? body.details : [];
  }
}

/** Calls the REST API with the session's bearer token; errors become ApiError with the server's message and details. */
export async function api(path, { method = 'GET', body, token = session.token, accept = 'application/json' } = {}) {
  const headers = { Accept: accept };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, { message: 'the server cannot be reached; check the connection and try again' });
  }
  const text = await res.text();
  let data = text;
  if ((res.headers.get('content-type') ?? '').includes('json') && text) {
    try {
      data = JSON.parse(text);
    } catch {
      /* not JSON after all */
    }
  }
  if (!res.ok) {
    if (res.status === 401 && token === session.token && !path.endsWith('/api/me')) {
      session.token = null;
      location.href = 'index.html?expired=1';
    }
    throw new ApiError(res.status, typeof data === 'object' ? data : { message: text || res.statusText });
  }
  return data;
}

/** The signed-in user, or a redirect to the sign-in page. `roles` limits who may use the page. */
export async function requireUser(roles) {
  if (!session.token) {
    location.href = 'index.html';
    throw new Error('not signed in');
  }
  let me;
  try {
    me = await api('/api/me');
  } catch (e) {
    session.token = null;
    location.href = 'index.html?expired=1';
    throw e;
  }
  if (roles && !roles.includes(me.role)) {
    location.href = 'index.html?wrongRole=1';
    throw new Error('wrong role');
  }
  return me;
}

export function exerciseIdFromUrl() {
  const id = new URLSearchParams(location.search).get('exercise');
  if (!id) {
    location.href = 'index.html';
    throw new Error('no exercise chosen');
  }
  return id;
}

/** The page each role works in. */
export function consoleFor(role) {
  return (
    { participant: 'team.html', controller: 'control.html', evaluator: 'evaluator.html', observer: 'control.html' }[
      role
    ] ?? 'index.html'
  );
}

// ───────────── DOM ─────────────

/** Builds an element; children are nodes or strings (always text, never HTML). */
export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'dataset') Object.assign(node.dataset, v);
    else if (k.startsWith('on') && typeof v === 'function') node.addEventListener(k.slice(2), v);
    else if (k === 'value') node.value = v;
    else if (k === 'checked' || k === 'selected' || k === 'disabled' || k === 'hidden') node[k] = Boolean(v);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function $(sel, root = document) {
  return root.querySelector(sel);
}

export function clear(node, ...children) {
  node.replaceChildren();
  append(node, children);
  return node;
}

/** Says something to screen readers (and shows it) without moving focus. */
export function announce(text, { assertive = false } = {}) {
  const region = document.getElementById(assertive ? 'alerts' : 'announcer');
  if (!region) return;
  region.textContent = '';
  // A fresh text node after a tick makes screen readers repeat identical messages.
  setTimeout(() => (region.textContent = text), 30);
}

/** A transient status line at the bottom of the page (role=status). */
export function toast(text, kind = 'info') {
  const box = document.getElementById('toasts');
  if (!box) return;
  const item = h('div', { class: `toast toast-${kind}` }, text);
  box.append(item);
  setTimeout(() => item.remove(), kind === 'error' ? 12_000 : 6_000);
}

export function errorText(e) {
  if (!(e instanceof ApiError)) return e?.message ?? String(e);
  const details = e.details.map((d) => `${d.path}: ${d.message}`).join('; ');
  return details ? `${e.message} (${details})` : e.message;
}

// ───────────── time ─────────────

export function formatScenario(ms) {
  const total = Math.max(0, Math.floor((ms ?? 0) / 1000));
  const hh = String(Math.floor(total / 3600)).padStart(2, '0');
  const mm = String(Math.floor((total % 3600) / 60)).padStart(2, '0');
  const ss = String(total % 60).padStart(2, '0');
  return `T+${hh}:${mm}:${ss}`;
}

/** "45 s", "3 min", "2 h 05" — compact ages for boards. */
export function formatAge(ms) {
  if (ms === undefined || ms === null || Number.isNaN(ms)) return '';
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')}`;
}

export function formatWall(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/**
 * The drill clock, ticking locally between `exercise.state` messages. It counts from when a state arrived (not the
 * server's wall time), so a client whose clock is off still shows the right scenario time.
 */
export class DrillClock {
  constructor(onTick) {
    this.state = null;
    this.receivedAt = 0;
    this.onTick = onTick;
    this.timer = setInterval(() => this.tick(), 1000);
  }

  update(state) {
    this.state = state;
    this.receivedAt = performance.now();
    this.tick();
  }

  get scenarioMs() {
    if (!this.state) return 0;
    const running = this.state.status === 'running';
    return this.state.scenarioMs + (running ? (performance.now() - this.receivedAt) * this.state.speed : 0);
  }

  tick() {
    if (this.state) this.onTick(this.state, this.scenarioMs);
  }
}

export function statusBadge(status) {
  return h('span', { class: `badge status-${status}` }, status);
}

export function tlpBadge(label) {
  const short = String(label ?? '').replace(/^TLP:/, '');
  return h('span', { class: `tlp tlp-${short.toLowerCase().replace('+', '-')}`, title: label }, label);
}

export function severityBadge(sev) {
  return sev ? h('span', { class: `badge sev-${sev}` }, sev) : '';
}

// ───────────── live socket ─────────────

/**
 * Connects to the drill's socket.io namespace. `lastSeq()` is asked at every (re)connection, so the server
 * replays only what this page has not seen. `onStatus` gets 'connected' | 'reconnecting' | 'offline: …'.
 */
export async function connectLive(exerciseId, { lastSeq, onStatus, handlers }) {
  const { io } = await import('/socket.io/socket.io.esm.min.js');
  const socket = io('/drill', {
    auth: (cb) => {
      const seq = lastSeq?.();
      cb({ token: session.token, exerciseId, ...(seq !== undefined ? { lastSeq: seq } : {}) });
    },
    reconnectionDelay: 500,
    reconnectionDelayMax: 5000,
  });
  let ended;
  socket.on('connect', () => onStatus?.('connected'));
  // The server closes the socket when its token is revoked or expires, saying why first; it does not come back.
  socket.on('session.ended', (e) => (ended = e?.reason ?? 'signed out'));
  socket.on('disconnect', (reason) =>
    onStatus?.(
      ended
        ? `offline: ${ended}; sign in again`
        : reason === 'io client disconnect' || reason === 'io server disconnect'
          ? 'offline'
          : 'reconnecting',
    ),
  );
  socket.on('connect_error', (e) => {
    onStatus?.(`reconnecting (${e.message})`);
    if (/unauthorized|forbidden/.test(e.message)) {
      socket.disconnect();
      onStatus?.(`offline: ${e.message}`);
    }
  });
  for (const [event, fn] of Object.entries(handlers ?? {})) socket.on(event, fn);
  return socket;
}

/** Fills the shared page header: who is signed in, the sign-out button, and the connection indicator. */
export function setupHeader(me, { exerciseName } = {}) {
  const who = document.getElementById('who');
  if (who) clear(who, h('span', { class: 'who-name' }, me.name), ' ', h('span', { class: 'badge role' }, me.role));
  const out = document.getElementById('sign-out');
  out?.addEventListener('click', () => session.signOut());
  if (exerciseName) {
    const t = document.getElementById('exercise-name');
    if (t) t.textContent = exerciseName;
  }
}

export function showConnection(status) {
  const el = document.getElementById('connection');
  if (!el) return;
  const state = status === 'connected' ? 'online' : status.startsWith('offline') ? 'offline' : 'reconnecting';
  el.className = `conn conn-${state}`;
  el.textContent = status === 'connected' ? 'Live' : status.startsWith('offline') ? 'Offline' : 'Reconnecting…';
  el.title = status;
}

// ───────────── Markdown (safe subset) ─────────────

/**
 * Renders the Markdown of inject bodies as DOM: headings, paragraphs, lists, fenced code, **bold**, *italic*,
 * `code`. Text is never parsed as HTML, so a body cannot inject markup; links are shown, not made clickable.
 */
export function renderMarkdown(src) {
  const root = document.createDocumentFragment();
  const lines = String(src ?? '')
    .replace(/\r\n?/g, '\n')
    .split('\n');
  let i = 0;
  let para = [];
  let list = null;
  const flushPara = () => {
    if (para.length) root.append(h('p', {}, inline(para.join(' '))));
    para = [];
  };
  const flushList = () => {
    if (list) root.append(list);
    list = null;
  };
  while (i < lines.length) {
    const line = lines[i];
    const fence = /^\s*(```|~~~)/.exec(line);
    if (fence) {
      flushPara();
      flushList();
      const body = [];
      i++;
      while (i < lines.length && !lines[i].trim().startsWith(fence[1])) body.push(lines[i++]);
      i++;
      root.append(h('pre', { class: 'code' }, h('code', {}, body.join('\n'))));
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    const bullet = /^\s*[-*+]\s+(.*)$/.exec(line);
    const numbered = /^\s*\d+[.)]\s+(.*)$/.exec(line);
    if (heading) {
      flushPara();
      flushList();
      // Inject bodies sit under the inject's own heading: their headings start two levels down.
      root.append(h(`h${Math.min(6, heading[1].length + 2)}`, {}, inline(heading[2])));
    } else if (bullet || numbered) {
      flushPara();
      const tag = bullet ? 'ul' : 'ol';
      if (!list || list.tagName.toLowerCase() !== tag) {
        flushList();
        list = h(tag);
      }
      list.append(h('li', {}, inline((bullet ?? numbered)[1])));
    } else if (line.trim() === '') {
      flushPara();
      flushList();
    } else if (list && /^\s{2,}\S/.test(line)) {
      list.lastElementChild.append(' ', ...inline(line.trim()));
    } else {
      flushList();
      para.push(line.trim());
    }
    i++;
  }
  flushPara();
  flushList();
  return root;
}

function inline(text) {
  const out = [];
  const re = /(`[^`]+`)|(\*\*[^*]+\*\*)|(__[^_]+__)|(\*[^*\s][^*]*\*)|(_[^_\s][^_]*_)/g;
  let last = 0;
  for (const m of text.matchAll(re)) {
    if (m.index > last) out.push(text.slice(last, m.index));
    const t = m[0];
    if (m[1]) out.push(h('code', {}, t.slice(1, -1)));
    else if (m[2] || m[3]) out.push(h('strong', {}, t.slice(2, -2)));
    else out.push(h('em', {}, t.slice(1, -1)));
    last = m.index + t.length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

/** Offers `content` as a file download without a server round trip. */
export function downloadText(name, mediaType, content) {
  const blob = new Blob([content], { type: mediaType || 'text/plain' });
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Accessible tabs: arrow keys move between tabs, Enter/Space or click selects. */
export function setupTabs(tablist, onSelect) {
  const tabs = [...tablist.querySelectorAll('[role=tab]')];
  const select = (tab, focus = true) => {
    for (const t of tabs) {
      const on = t === tab;
      t.setAttribute('aria-selected', String(on));
      t.tabIndex = on ? 0 : -1;
      document.getElementById(t.getAttribute('aria-controls')).hidden = !on;
    }
    if (focus) tab.focus();
    onSelect?.(tab.id);
  };
  for (const t of tabs) {
    t.addEventListener('click', () => select(t));
    t.addEventListener('keydown', (e) => {
      const i = tabs.indexOf(t);
      if (e.key === 'ArrowRight') select(tabs[(i + 1) % tabs.length]);
      else if (e.key === 'ArrowLeft') select(tabs[(i - 1 + tabs.length) % tabs.length]);
      else if (e.key === 'Home') select(tabs[0]);
      else if (e.key === 'End') select(tabs[tabs.length - 1]);
      else return;
      e.preventDefault();
    });
  }
  return {
    select: (id, focus = false) =>
      select(
        tabs.find((t) => t.id === id),
        focus,
      ),
  };
}
