import { MAX_SCENARIO_DEPTH, MAX_SCENARIO_NODES, type ScenarioLimitName } from './limits.js';
import type { SourceEntry, SourceNode } from './positions.js';

// JSON text read by one linear scan with an explicit stack, for what JSON.parse does not give: the positions of
// keys and values (reading the text again as YAML gave them, at about a microsecond a character, most of the
// request for a large document), the offset of a syntax error (V8 names it in some messages only), and the size
// and depth of the document before JSON.parse builds it.

export type JsonScan = { ok: true; root: SourceNode } | { ok: false; offset: number; exceeded?: ScenarioLimitName };

interface Open {
  node: SourceNode;
  /** In a mapping: the entry whose value comes next. */
  entry?: SourceEntry;
  name?: string;
  /** What the scanner expects next inside this collection. */
  expect: 'first' | 'key' | 'colon' | 'value' | 'comma';
}

// Sticky, so that each reads only where it is told.
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERAL = /true|false|null/y;
const HEX4 = /[0-9a-fA-F]{4}/y;
const ESCAPED = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);

const isBlank = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

/**
 * Scans a JSON text. With `positions`, the positions of every key and value (paths name keys as JSON.parse reads
 * them; of equal keys the first is kept, as a reader finds it); without, only whether the text is JSON within
 * MAX_SCENARIO_NODES (keys and values as written) and MAX_SCENARIO_DEPTH, stopping where it is not.
 */
export function scanJson(text: string, positions = true): JsonScan {
  const stack: Open[] = [];
  let root: SourceNode | undefined;
  let nodes = 0;
  let i = 0;
  let errorAt = 0;
  const match = (re: RegExp, from: number): number => {
    re.lastIndex = from;
    return re.test(text) ? re.lastIndex : -1;
  };
  // By hand rather than by one expression: a regular expression would keep a backtracking entry per character.
  const string = (): number => {
    let j = i + 1;
    while (j < text.length) {
      const ch = text.charCodeAt(j);
      if (ch === 0x22) return j + 1;
      if (ch < 0x20) break;
      if (ch !== 0x5c) j++;
      else if (ESCAPED.has(text[j + 1] ?? '')) j += 2;
      else if (text[j + 1] === 'u' && match(HEX4, j + 2) > 0) j += 6;
      else break;
    }
    errorAt = j;
    return -1;
  };
  const other = (re: RegExp): number => {
    const end = match(re, i);
    if (end < 0) errorAt = i;
    return end;
  };
  // Attaches a value that starts at `i` to the open collection (or makes it the root).
  const place = (node: SourceNode) => {
    const top = stack.at(-1);
    if (!top) root = node;
    else {
      top.expect = 'comma';
      if (!positions) return;
      if (top.node.items) top.node.items.push(node);
      else {
        top.entry!.value = node;
        if (!top.node.entries!.has(top.name!)) top.node.entries!.set(top.name!, top.entry!);
      }
    }
  };
  const SCALAR: SourceNode = { start: undefined };

  for (;;) {
    while (i < text.length && isBlank(text.charCodeAt(i))) i++;
    const top = stack.at(-1);
    if (i >= text.length) return root && !top ? { ok: true, root } : { ok: false, offset: i };
    const c = text[i];
    if (!top && root) return { ok: false, offset: i }; // text after the value
    if (top && (top.expect === 'comma' || top.expect === 'first')) {
      const close = top.node.items ? ']' : '}';
      if (c === close) {
        stack.pop();
        i++;
        continue;
      }
      if (top.expect === 'comma') {
        if (c !== ',') return { ok: false, offset: i };
        i++;
        top.expect = top.node.items ? 'value' : 'key';
        continue;
      }
      top.expect = top.node.items ? 'value' : 'key';
    }
    if (top?.expect === 'key') {
      const end = c === '"' ? string() : -1;
      if (end < 0) return { ok: false, offset: c === '"' ? errorAt : i };
      if (++nodes > MAX_SCENARIO_NODES && !positions) return { ok: false, offset: i, exceeded: 'MAX_SCENARIO_NODES' };
      if (positions) {
        const raw = text.slice(i, end);
        top.name = raw.includes('\\') ? (JSON.parse(raw) as string) : raw.slice(1, -1);
        top.entry = { key: { start: i }, value: null };
      }
      top.expect = 'colon';
      i = end;
      continue;
    }
    if (top?.expect === 'colon') {
      if (c !== ':') return { ok: false, offset: i };
      i++;
      top.expect = 'value';
      continue;
    }
    // A value.
    if (++nodes > MAX_SCENARIO_NODES && !positions) return { ok: false, offset: i, exceeded: 'MAX_SCENARIO_NODES' };
    if (c === '{' || c === '[') {
      if (stack.length >= MAX_SCENARIO_DEPTH && !positions)
        return { ok: false, offset: i, exceeded: 'MAX_SCENARIO_DEPTH' };
      const node: SourceNode = c === '{' ? { start: i, entries: new Map() } : { start: i, items: [] };
      place(node);
      stack.push({ node, expect: 'first' });
      i++;
      continue;
    }
    const end = c === '"' ? string() : c === 't' || c === 'f' || c === 'n' ? other(LITERAL) : other(NUMBER);
    if (end < 0) return { ok: false, offset: errorAt };
    place(positions ? { start: i } : SCALAR);
    i = end;
  }
}
