// Small DOM helpers. Everything a person or the server wrote reaches the page as text nodes or attribute values,
// never as HTML: nothing here (or anywhere in the consoles) assigns innerHTML.

export type Child = Node | string | number | false | null | undefined | readonly Child[];

type Handler = (e: Event) => void;

/** Attributes of `h`: `class`, `dataset`, form state as properties, `on…` listeners, anything else as an attribute. */
export interface Attrs {
  class?: string;
  dataset?: Record<string, string>;
  [name: string]: string | number | boolean | null | undefined | Record<string, string> | Handler;
}

const PROPERTIES = new Set(['checked', 'selected', 'disabled', 'hidden']);

/** Builds an element; children are nodes or strings (always text, never HTML). */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = String(v);
    else if (k === 'dataset') Object.assign(node.dataset, v);
    else if (k.startsWith('on') && typeof v === 'function') node.addEventListener(k.slice(2), v);
    else if (k === 'value') (node as HTMLInputElement).value = String(v);
    else if (PROPERTIES.has(k)) (node as unknown as Record<string, boolean>)[k] = Boolean(v);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  append(node, children);
  return node;
}

function append(node: Element | DocumentFragment, children: readonly Child[]): void {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(node, c as readonly Child[]);
    else node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replaces the children of `node`. */
export function clear<N extends Element>(node: N, ...children: Child[]): N {
  node.replaceChildren();
  append(node, children);
  return node;
}

/**
 * The element with this id, checked to be of the expected kind: a page that lost an element fails here, with its
 * id, rather than later on a property of null.
 */
export function byId(id: string): HTMLElement;
export function byId<T extends HTMLElement>(id: string, kind: { new (): T; prototype: T }): T;
export function byId(id: string, kind: { new (): HTMLElement; prototype: HTMLElement } = HTMLElement): HTMLElement {
  const node = document.getElementById(id);
  if (!(node instanceof kind)) throw new Error(`the page has no element #${id} of the expected kind`);
  return node;
}

/** The value of the form control (input, select or text area) with this id. */
export function controlValue(id: string): string {
  const node = byId(id);
  if (node instanceof HTMLInputElement || node instanceof HTMLSelectElement || node instanceof HTMLTextAreaElement)
    return node.value;
  throw new Error(`#${id} is not a form control`);
}

/** The value of the form control an event came from. */
export const valueOf = (e: Event): string => (e.target as HTMLInputElement | HTMLSelectElement).value;
export const checkedOf = (e: Event): boolean => (e.target as HTMLInputElement).checked;

/** Says something to screen readers (and shows it) without moving focus. */
export function announce(text: string, { assertive = false } = {}): void {
  const region = document.getElementById(assertive ? 'alerts' : 'announcer');
  if (!region) return;
  region.textContent = '';
  // A fresh text node after a tick makes screen readers repeat identical messages.
  setTimeout(() => (region.textContent = text), 30);
}

/** A transient status line at the bottom of the page (role=status). */
export function toast(text: string, kind: 'info' | 'ok' | 'error' = 'info'): void {
  const box = document.getElementById('toasts');
  if (!box) return;
  const item = h('div', { class: `toast toast-${kind}` }, text);
  box.append(item);
  setTimeout(() => item.remove(), kind === 'error' ? 12_000 : 6_000);
}

/** Offers `content` as a file download without a server round trip. */
export function downloadText(name: string, mediaType: string, content: string | Blob): void {
  const blob = new Blob([content], { type: mediaType || 'text/plain' });
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export interface Tabs {
  select(id: string, focus?: boolean): void;
}

/** Accessible tabs: arrow keys move between tabs, Enter/Space or click selects. */
export function setupTabs(tablist: HTMLElement, onSelect?: (tabId: string) => void): Tabs {
  const tabs = [...tablist.querySelectorAll<HTMLElement>('[role=tab]')];
  const select = (tab: HTMLElement | undefined, focus = true) => {
    if (!tab) return;
    for (const t of tabs) {
      const on = t === tab;
      t.setAttribute('aria-selected', String(on));
      t.tabIndex = on ? 0 : -1;
      byId(t.getAttribute('aria-controls') ?? '').hidden = !on;
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
      else if (e.key === 'End') select(tabs.at(-1));
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
