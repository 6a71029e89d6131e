import {
  Composer,
  isAlias,
  isCollection,
  isMap,
  isScalar,
  isSeq,
  Lexer,
  Parser,
  YAMLParseError,
  type CST,
  type Document,
  type Node,
  type Pair,
} from 'yaml';
import {
  MAX_SCENARIO_ALIASES,
  MAX_SCENARIO_DEPTH,
  MAX_SCENARIO_NODES,
  MAX_SCENARIO_TEXT_LENGTH,
  refuse,
  type LimitRefusal,
} from './limits.js';
import { LineIndex, type Position, type SourceEntry, type SourceNode } from './positions.js';

// Parsing YAML for validation in bounded time. The `yaml` library is linear except where this module steps in:
// its duplicate-key check (`uniqueKeys`) compares each key with every earlier key of its mapping, its alias
// resolution searches the whole document for every alias, and its composer recurses once per level of nesting (a
// few thousand levels overflow the stack, and V8 can then abort the process outright). So the text is first
// counted cheaply (pairs, by a scan of its characters; then nodes, aliases and flow nesting, by the lexer), parsed
// with an eye on the parser's stack (block nesting), composed without the duplicate-key check, and then walked
// once, without recursion, to check duplicate keys, resolve aliases, measure the document as aliases expand it,
// and index positions. A text past a limit is refused at the first of these steps that sees it.

export interface SyntaxProblem {
  offset: number | undefined;
  message: string;
}

export interface ParsedYaml {
  doc: Document.Parsed;
  lines: LineIndex;
  /** The positions of the document's nodes. */
  source: SourceNode | null;
  /** Syntax errors, duplicate keys and bad aliases, in text order. */
  problems: SyntaxProblem[];
}

/**
 * Counts what the lexer alone shows, each count a lower bound of what the document holds: nodes, aliases, and
 * nesting (of flow collections, and of compact sequences, `- - - x`). Lexing is the cheapest part of parsing, so a
 * text far past a limit is refused having been read only up to the point where it passed it. The lexemes are not
 * kept: holding on to them doubled the cost (garbage collection), and a text within the limits is lexed again by
 * the parser.
 */
function prescan(text: string, lines: LineIndex): LimitRefusal | undefined {
  // Two lower bounds of the node count: the nodes a lexeme stands for (scalars, flow collections), and the nodes
  // an indicator introduces, all different (a list item after `-`, a key and a value around `:`). A node can be
  // counted by both, so the bound is the larger, not the sum.
  let tokens = 0;
  let roles = 0;
  let aliases = 0;
  let flowDepth = 0;
  // `-` indicators since the start of the line with nothing but blanks between them: each opens a list in the last.
  let dashes = 0;
  let offset = 0;
  let scalarText = false;
  for (const lexeme of new Lexer().lex(text)) {
    const at = offset;
    const first = lexeme.charCodeAt(0);
    // The lexer's marks (of a plain or block scalar, of document mode, of a flow error) are not part of the text.
    if (lexeme.length === 1 && (first === 0x1f || first === 0x02 || first === 0x18)) {
      if (first === 0x1f) {
        scalarText = true;
        dashes = -1;
        if (++tokens > MAX_SCENARIO_NODES) return refuse('MAX_SCENARIO_NODES', lines.at(at));
      }
      continue;
    }
    offset += lexeme.length;
    // The text of a plain or block scalar follows its mark: not another node, whatever it starts with.
    if (scalarText) {
      scalarText = false;
      continue;
    }
    if (lexeme === '-') {
      roles++;
      if (dashes >= 0 && ++dashes > MAX_SCENARIO_DEPTH) return refuse('MAX_SCENARIO_DEPTH', lines.at(at));
    } else if (lexeme === ':') {
      roles += 2; // a pair: its key and its value, either perhaps empty
      dashes = -1;
    } else if (lexeme === '?') {
      dashes = -1;
    } else if (lexeme === '\n' || lexeme === '\r\n' || lexeme === '') {
      dashes = 0;
    } else if (first !== 0x20 && first !== 0x09) {
      dashes = -1;
      switch (first) {
        case 0x22: // "
        case 0x27: // '
          tokens++;
          break;
        case 0x5b: // [
        case 0x7b: // {
          tokens++;
          if (++flowDepth > MAX_SCENARIO_DEPTH) return refuse('MAX_SCENARIO_DEPTH', lines.at(at));
          break;
        case 0x5d: // ]
        case 0x7d: // }
          flowDepth = Math.max(0, flowDepth - 1);
          break;
        case 0x2a: // *
          if (++aliases > MAX_SCENARIO_ALIASES) return refuse('MAX_SCENARIO_ALIASES', lines.at(at));
          break;
      }
    }
    if (tokens > MAX_SCENARIO_NODES || roles > MAX_SCENARIO_NODES) return refuse('MAX_SCENARIO_NODES', lines.at(at));
  }
  return undefined;
}

const SPACE = 0x20;
const TAB = 0x09;
const NL = 0x0a;
const CR = 0x0d;

/**
 * A first count, character by character and several times faster than the lexer, for the shape a large document
 * most often has: a pair per line. Every `:` followed by a blank or the end of a line is the indicator of one pair,
 * two nodes (its key and its value, an empty one included), unless it is inside a quoted scalar, a comment, a
 * block scalar, a directive or an anchor, tag or alias name. Those are skipped generously, so that the count stays
 * a lower bound of what a well-formed document holds: a quote skips to the next matching quote (a quote in a plain
 * scalar skips too much, which only lowers the count), and a line with `|` or `>` in it, like a quoted scalar over
 * several lines, skips every following line that is indented or blank (all lines to the next `---` or `...` when
 * a block scalar might be the document itself). Returns the offset at which the count passes `limit`, or -1; the
 * lexer then counts what this does not see.
 */
export function pairsPastLimit(text: string, limit = MAX_SCENARIO_NODES): number {
  const n = text.length;
  let pairs = 0;
  let i = 0;
  let skipIndented = false;
  let skipDocument = false;
  while (i < n) {
    // At the start of a line.
    let j = i;
    while (j < n && text.charCodeAt(j) === SPACE) j++;
    const indent = j - i;
    const first = j < n ? text.charCodeAt(j) : NL;
    if (skipDocument) {
      if (indent === 0 && (text.startsWith('---', j) || text.startsWith('...', j))) skipDocument = false;
      else {
        i = lineEnd(text, j) + 1;
        continue;
      }
    }
    if (skipIndented && (indent > 0 || first === NL || first === CR)) {
      i = lineEnd(text, j) + 1;
      continue;
    }
    skipIndented = false;
    if (first === 0x25 /* % */) {
      i = lineEnd(text, j) + 1;
      continue;
    }
    // Along the line.
    let pairsOnLine = 0;
    for (i = j; i < n;) {
      const c = text.charCodeAt(i);
      if (c === NL) {
        i++;
        break;
      }
      const before = i === j ? SPACE : text.charCodeAt(i - 1);
      if (c === 0x22 /* " */ || c === 0x27 /* ' */) {
        const end = quotedEnd(text, i, c);
        if (end < 0) skipIndented = true;
        i = Math.abs(end);
      } else if (c === 0x23 /* # */ && (before === SPACE || before === TAB)) {
        i = lineEnd(text, i);
      } else if (c === 0x7c /* | */ || c === 0x3e /* > */) {
        skipIndented = true;
        // At the left margin with no pair before it, it may head the document: its lines need no indentation.
        if (indent === 0 && pairsOnLine === 0) skipDocument = true;
        i = lineEnd(text, i);
      } else if ((c === 0x26 /* & */ || c === 0x2a /* * */ || c === 0x21) /* ! */ && isSeparator(before)) {
        // An anchor, alias or tag: its name may end in `:`, which is then no indicator.
        while (i < n && !isBreak(text.charCodeAt(i))) i++;
      } else if (c === 0x3a /* : */ && (i + 1 >= n || isBreak(text.charCodeAt(i + 1)))) {
        pairsOnLine++;
        if (++pairs * 2 > limit) return i;
        i++;
      } else i++;
    }
  }
  return -1;
}

const isSeparator = (c: number) => c === SPACE || c === TAB || c === 0x5b || c === 0x7b || c === 0x2c;
const isBreak = (c: number) => c === SPACE || c === TAB || c === NL || c === CR;

/** Offset of the end of the line (its newline, or the end of the text). */
function lineEnd(text: string, from: number): number {
  const nl = text.indexOf('\n', from);
  return nl < 0 ? text.length : nl;
}

/**
 * Offset just after the quoted scalar starting at `from` (or the end of the text), negated when the scalar spans
 * lines: what it skipped may have held the header of a block scalar.
 */
function quotedEnd(text: string, from: number, quote: number): number {
  let lines = false;
  for (let i = from + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === NL) lines = true;
    else if (quote === 0x22 && c === 0x5c /* \\ */) {
      if (text.charCodeAt(i + 1) === NL) lines = true;
      i++;
    } else if (c === quote) {
      if (quote === 0x27 && text.charCodeAt(i + 1) === 0x27) i++;
      else return lines ? -(i + 1) : i + 1;
    }
  }
  return -text.length;
}

/** One node of the walk, with what its subtree adds up to once aliases are expanded. */
interface Frame {
  node: Node;
  source: SourceNode;
  depth: number;
  children: { node: Node | null; attach: (s: SourceNode | null) => void }[];
  next: number;
  nodes: number;
  chars: number;
  height: number;
}

interface Expanded {
  nodes: number;
  chars: number;
  height: number;
}

/** Where the parser leaves the node starts: `range[0]`. */
const startOf = (n: { range?: readonly number[] | null } | null | undefined) => n?.range?.[0];

/**
 * Parses `text` as one YAML document for validation, or refuses it at the first limit it passes
 * (MAX_SCENARIO_TEXT_LENGTH, MAX_SCENARIO_NODES, MAX_SCENARIO_DEPTH, MAX_SCENARIO_ALIASES).
 */
export function parseYaml(text: string): ParsedYaml | LimitRefusal {
  if (text.length > MAX_SCENARIO_TEXT_LENGTH) return refuse('MAX_SCENARIO_TEXT_LENGTH');
  const lines = new LineIndex(text);
  const past = pairsPastLimit(text);
  if (past >= 0) return refuse('MAX_SCENARIO_NODES', lines.at(past));
  const early = prescan(text, lines);
  if (early) return early;

  // The lexemes are fed by hand (what Parser.parse does) so that nesting is refused while the parser's stack
  // grows (it holds the open collections plus the document and a scalar), before the recursive composer sees it.
  const parser = new Parser();
  const tokens: CST.Token[] = [];
  for (const lexeme of new Lexer().lex(text)) {
    for (const token of parser.next(lexeme)) tokens.push(token);
    if (parser.stack.length > MAX_SCENARIO_DEPTH + 8) return refuse('MAX_SCENARIO_DEPTH', lines.at(parser.offset));
  }
  for (const token of parser.end()) tokens.push(token);

  // logLevel 'error': the warnings toJS would print (a mapping as a key, …) go to the process's stderr, one per
  // occurrence, which a hostile text can repeat thousands of times.
  const composer = new Composer({ uniqueKeys: false, logLevel: 'error' });
  let doc: Document.Parsed | undefined;
  for (const d of composer.compose(tokens, true, text.length)) {
    if (!doc) doc = d;
    else {
      doc.errors.push(
        new YAMLParseError(
          d.range.slice(0, 2) as [number, number],
          'MULTIPLE_DOCS',
          'Source contains multiple documents; please use YAML.parseAllDocuments()',
        ),
      );
      break;
    }
  }
  // compose(…, true) yields a document even for an empty text.
  const parsed = doc!;
  const problems: SyntaxProblem[] = parsed.errors.map((e) => ({ offset: e.pos[0], message: e.message }));
  const walked = walk(parsed, lines, problems);
  if ('exceeded' in walked) return walked;
  problems.sort((a, b) => (a.offset ?? Infinity) - (b.offset ?? Infinity));
  return { doc: parsed, lines, source: walked.source, problems };
}

/**
 * One pass over the composed document, iterative and in document order (a key before its value), which is the
 * order in which YAML resolves an alias to the latest anchor of its name.
 */
function walk(
  doc: Document.Parsed,
  lines: LineIndex,
  problems: SyntaxProblem[],
): { source: SourceNode | null } | LimitRefusal {
  const anchors = new Map<string, Node>();
  const expanded = new Map<Node, Expanded>();
  const sourceOf = new Map<Node, SourceNode>();
  const open = new Set<Node>();
  const stack: Frame[] = [];
  let total = 0;
  let chars = 0;
  const where = (n: Node | null | undefined): Position | undefined => {
    const s = startOf(n);
    return s === undefined ? undefined : lines.at(s);
  };

  let root: SourceNode | null = null;
  // Adds a leaf (a scalar, or an alias as far as it expands) to its collection and to the document's total.
  const add = (nodes: number, length: number, height: number): void => {
    total += nodes;
    chars += length;
    const parent = stack.at(-1);
    if (parent) {
      parent.nodes += nodes;
      parent.chars += length;
      parent.height = Math.max(parent.height, height + 1);
    }
  };

  // Visits `node` (not yet seen) as a child of the top frame; collections become frames of their own.
  const enter = (node: Node | null, attach: (s: SourceNode | null) => void): LimitRefusal | undefined => {
    if (node === null) {
      attach(null);
      return undefined;
    }
    const depth = (stack.at(-1)?.depth ?? 0) + (isCollection(node) ? 1 : 0);
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      const own: SourceNode = { start: startOf(node) };
      attach(own);
      if (target === undefined) {
        problems.push({
          offset: startOf(node),
          message: `Unresolved alias (the anchor must be set before the alias): ${node.source}`,
        });
        return undefined;
      }
      if (open.has(target)) {
        problems.push({ offset: startOf(node), message: `alias *${node.source} refers to a node that contains it` });
        return undefined;
      }
      own.target = sourceOf.get(target)!;
      const size = expanded.get(target)!;
      if (depth + size.height > MAX_SCENARIO_DEPTH) return refuse('MAX_SCENARIO_DEPTH', where(node));
      add(size.nodes, size.chars, size.height);
    } else {
      if (depth > MAX_SCENARIO_DEPTH) return refuse('MAX_SCENARIO_DEPTH', where(node));
      if (node.anchor) anchors.set(node.anchor, node);
      const source: SourceNode = { start: startOf(node) };
      sourceOf.set(node, source);
      attach(source);
      if (isCollection(node)) {
        open.add(node);
        stack.push({
          node,
          source,
          depth,
          children: children(node, source, problems),
          next: 0,
          nodes: 1,
          chars: 0,
          height: 1,
        });
        total++;
      } else {
        const length = isScalar(node) && typeof node.value === 'string' ? node.value.length : 0;
        if (node.anchor) expanded.set(node, { nodes: 1, chars: length, height: 0 });
        add(1, length, 0);
      }
    }
    if (total > MAX_SCENARIO_NODES) return refuse('MAX_SCENARIO_NODES', where(node));
    // Text without aliases is within MAX_SCENARIO_TEXT_LENGTH already; only an expansion can pass it.
    if (chars > MAX_SCENARIO_TEXT_LENGTH) return refuse('MAX_SCENARIO_TEXT_LENGTH', where(node), 'expanded');
    return undefined;
  };

  const first = enter(doc.contents as Node | null, (s) => (root = s));
  if (first) return first;
  while (stack.length > 0) {
    const frame = stack.at(-1)!;
    const child = frame.children[frame.next++];
    if (child) {
      const refused = enter(child.node, child.attach);
      if (refused) return refused;
      continue;
    }
    stack.pop();
    open.delete(frame.node);
    if (frame.node.anchor) expanded.set(frame.node, { nodes: frame.nodes, chars: frame.chars, height: frame.height });
    // The frame's own node was counted when it was entered; what it adds to its parent is its subtree.
    const parent = stack.at(-1);
    if (parent) {
      parent.nodes += frame.nodes;
      parent.chars += frame.chars;
      parent.height = Math.max(parent.height, frame.height + 1);
    }
  }
  return { source: root };
}

/** The children of a collection in document order, each with where its position goes; checks duplicate keys. */
function children(node: Node, source: SourceNode, problems: SyntaxProblem[]): Frame['children'] {
  const out: Frame['children'] = [];
  if (isSeq(node)) {
    const items: SourceNode[] = [];
    source.items = items;
    node.items.forEach((item, i) =>
      out.push({ node: item as Node, attach: (s) => (items[i] = s ?? { start: undefined }) }),
    );
    return out;
  }
  if (!isMap(node)) return out;
  const entries = new Map<string, SourceEntry>();
  source.entries = entries;
  // YAML's rule: keys are equal when they are the same node or scalars with the same value (`===`).
  const seen = new Set<unknown>();
  for (const pair of node.items as Pair<Node | null, Node | null>[]) {
    const key = pair.key;
    if (isScalar(key)) {
      const value = key.value;
      if (seen.has(value) && !Number.isNaN(value)) {
        problems.push({ offset: startOf(key), message: 'Map keys must be unique' });
      }
      seen.add(value);
    }
    const entry: SourceEntry = { key: { start: undefined }, value: null };
    out.push({
      node: key,
      attach: (s) => {
        if (s) entry.key = s;
      },
    });
    out.push({
      node: pair.value,
      attach: (s) => {
        entry.value = s;
        // Only scalar keys can be named by a path; the first of equal keys is the one a reader finds.
        const name = String((key as { value?: unknown }).value);
        if (isScalar(key) && !entries.has(name)) entries.set(name, entry);
      },
    });
  }
  return out;
}
