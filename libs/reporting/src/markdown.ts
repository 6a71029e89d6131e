import { escapeHtml } from './format.js';

// The one Markdown dialect of the drill: scenario summaries in the AAR and inject bodies in the team console are
// written by the same authors, so they read the same everywhere. Parsing yields a small tree; renderers walk it, so
// no renderer ever sees raw markup: the HTML one escapes every text, the consoles' one builds DOM nodes from it.
//
// Blocks: paragraphs (a soft line break is a space), headings (#…######), "-", "*" or "+" bullet lists, "1." or
// "1)" numbered lists (an item continues on lines indented by two spaces or more) and ``` or ~~~ fenced code.
// Inline: `code`, **bold** / __bold__, *italic* / _italic_ and [links](https://…) whose target is http(s) or
// mailto; any other target leaves the text as written. No HTML, no images, no backslash escapes (indicators and
// Windows paths in inject bodies are full of backslashes). Every pass is linear in the length of the text: each
// line is matched once by anchored patterns, and the inline scanner remembers where each delimiter occurs next.

export type MarkdownInline =
  | { kind: 'text'; text: string }
  | { kind: 'code'; text: string }
  | { kind: 'strong'; children: MarkdownInline[] }
  | { kind: 'em'; children: MarkdownInline[] }
  | { kind: 'link'; href: string; children: MarkdownInline[] };

export type MarkdownBlock =
  | { kind: 'paragraph'; children: MarkdownInline[] }
  | { kind: 'heading'; level: number; children: MarkdownInline[] }
  | { kind: 'list'; ordered: boolean; items: MarkdownInline[][] }
  | { kind: 'code-block'; text: string };

const FENCE = /^\s*(```|~~~)/;
const HEADING = /^(#{1,6})\s+(.*)$/;
const BULLET = /^\s*[-*+]\s+(.*)$/;
const NUMBERED = /^\s*\d+[.)]\s+(.*)$/;
const CONTINUATION = /^\s{2,}\S/;

export function parseMarkdown(source: string): MarkdownBlock[] {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const blocks: MarkdownBlock[] = [];
  let paragraph: string[] = [];
  let list: { ordered: boolean; items: string[][] } | undefined;
  const flushParagraph = () => {
    if (paragraph.length) blocks.push({ kind: 'paragraph', children: parseInline(paragraph.join(' ')) });
    paragraph = [];
  };
  const flushList = () => {
    if (list) {
      const items = list.items.map((item) => parseInline(item.join(' ')));
      blocks.push({ kind: 'list', ordered: list.ordered, items });
    }
    list = undefined;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const fence = FENCE.exec(line);
    if (fence) {
      flushParagraph();
      flushList();
      const body: string[] = [];
      // An unclosed fence runs to the end, as it does in every common renderer.
      while (++i < lines.length && !lines[i]!.trim().startsWith(fence[1]!)) body.push(lines[i]!);
      blocks.push({ kind: 'code-block', text: body.join('\n') });
      continue;
    }
    const heading = HEADING.exec(line);
    const bullet = BULLET.exec(line);
    const item = bullet ?? NUMBERED.exec(line);
    if (heading) {
      flushParagraph();
      flushList();
      blocks.push({ kind: 'heading', level: heading[1]!.length, children: parseInline(heading[2]!.trim()) });
    } else if (item) {
      flushParagraph();
      const ordered = !bullet;
      if (list && list.ordered !== ordered) flushList();
      list ??= { ordered, items: [] };
      list.items.push([item[1]!.trim()]);
    } else if (line.trim() === '') {
      flushParagraph();
      flushList();
    } else if (list && CONTINUATION.test(line)) {
      list.items.at(-1)!.push(line.trim());
    } else {
      flushList();
      paragraph.push(line.trim());
    }
  }
  flushParagraph();
  flushList();
  return blocks;
}

/** Targets a link may have: the web and e-mail. `javascript:`, `data:` and relative targets are left as text. */
export function isSafeHref(href: string): boolean {
  return /^(?:https?:\/\/[^/]|mailto:[^/])/i.test(href) && !/[\s\p{Cc}]/u.test(href);
}

const isWordChar = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}]/u.test(c);

/**
 * Inline markup of one paragraph, heading or list item. Emphasis cannot contain its own delimiter, and a link's
 * text cannot hold another link, so every nested scan runs on a strictly smaller alphabet: the nesting is at most
 * three deep and each character is scanned a bounded number of times.
 */
export function parseInline(text: string, allowLinks = true): MarkdownInline[] {
  const out: MarkdownInline[] = [];
  const next = new Map<string, number>();
  /** Where `c` next occurs at or after `from` (-1: nowhere); each character's searches never overlap. */
  const nextIndex = (c: string, from: number): number => {
    const known = next.get(c);
    if (known !== undefined && (known === -1 || known >= from)) return known;
    const at = text.indexOf(c, from);
    next.set(c, at);
    return at;
  };
  // A "]" whose link was refused stays refused for every "[" before it: they would find the same "](…)".
  let refusedBracket = -1;
  /** The markup starting at `i` and the index after it, or undefined when the character is plain text. */
  const markupAt = (i: number): [MarkdownInline, number] | undefined => {
    const c = text[i];
    if (c === '`') {
      const close = nextIndex('`', i + 1);
      return close > i + 1 ? [{ kind: 'code', text: text.slice(i + 1, close) }, close + 1] : undefined;
    }
    if (c === '*' || c === '_') {
      const span = emphasis(text, i, c, nextIndex);
      if (!span) return undefined;
      return [{ kind: span.strong ? 'strong' : 'em', children: parseInline(span.content, allowLinks) }, span.next];
    }
    if (c !== '[' || !allowLinks) return undefined;
    const close = nextIndex(']', i + 1);
    if (close <= i + 1 || close === refusedBracket || text[close + 1] !== '(') return undefined;
    const paren = nextIndex(')', close + 2);
    const href = paren < 0 ? '' : text.slice(close + 2, paren).trim();
    if (isSafeHref(href))
      return [{ kind: 'link', href, children: parseInline(text.slice(i + 1, close), false) }, paren + 1];
    refusedBracket = close;
    return undefined;
  };
  // What no markup claims is one run of text, from `plain` to the markup that ends it.
  let plain = 0;
  let i = 0;
  while (i < text.length) {
    const found = markupAt(i);
    if (!found) {
      i++;
      continue;
    }
    if (i > plain) out.push({ kind: 'text', text: text.slice(plain, i) });
    out.push(found[0]);
    i = plain = found[1];
  }
  if (text.length > plain) out.push({ kind: 'text', text: text.slice(plain) });
  return out;
}

/**
 * `**x**`, `__x__`, `*x*` or `_x_` opening at `i`: the content holds no delimiter character and does not start with
 * a space, and the opener does not stand inside a word (snake_case names, file_names and 2*3*4 stay as written);
 * an underscore closer does not either.
 */
function emphasis(
  text: string,
  i: number,
  c: '*' | '_',
  nextIndex: (c: string, from: number) => number,
): { strong: boolean; content: string; next: number } | undefined {
  if (isWordChar(text[i - 1])) return undefined;
  const strong = text[i + 1] === c;
  const start = i + (strong ? 2 : 1);
  const close = nextIndex(c, start);
  if (close <= start || /\s/.test(text[start]!)) return undefined;
  if (strong && text[close + 1] !== c) return undefined;
  const next = close + (strong ? 2 : 1);
  if (c === '_' && isWordChar(text[next])) return undefined;
  return { strong, content: text.slice(start, close), next };
}

// ───────────── rendering ─────────────

export type MarkdownTag =
  'p' | 'h1' | 'h2' | 'h3' | 'h4' | 'h5' | 'h6' | 'ul' | 'ol' | 'li' | 'pre' | 'code' | 'strong' | 'em' | 'a';

/** What a renderer builds with: an element from a tag, attributes and children, and a text node. */
export interface MarkdownBuilder<N> {
  element(tag: MarkdownTag, attributes: Record<string, string>, children: N[]): N;
  text(value: string): N;
}

export interface MarkdownRenderOptions {
  /** Levels added to every heading, for text that sits under a heading of its own (an inject, a report section). */
  headingOffset?: number;
}

const HEADING_TAGS = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'] as const;

export function renderMarkdownWith<N>(
  blocks: readonly MarkdownBlock[],
  build: MarkdownBuilder<N>,
  options: MarkdownRenderOptions = {},
): N[] {
  const inline = (nodes: readonly MarkdownInline[]): N[] =>
    nodes.map((n) => {
      switch (n.kind) {
        case 'text':
          return build.text(n.text);
        case 'code':
          return build.element('code', {}, [build.text(n.text)]);
        case 'strong':
        case 'em':
          return build.element(n.kind, {}, inline(n.children));
        case 'link':
          return build.element('a', { href: n.href, rel: 'noopener noreferrer' }, inline(n.children));
      }
    });
  const offset = options.headingOffset ?? 0;
  return blocks.map((b) => {
    switch (b.kind) {
      case 'paragraph':
        return build.element('p', {}, inline(b.children));
      case 'heading':
        return build.element(HEADING_TAGS[Math.max(1, Math.min(6, b.level + offset)) - 1]!, {}, inline(b.children));
      case 'list':
        return build.element(
          b.ordered ? 'ol' : 'ul',
          {},
          b.items.map((item) => build.element('li', {}, inline(item))),
        );
      case 'code-block':
        return build.element('pre', {}, [build.element('code', {}, [build.text(b.text)])]);
    }
  });
}

const HTML: MarkdownBuilder<string> = {
  element: (tag, attributes, children) => {
    const attrs = Object.entries(attributes)
      .map(([k, v]) => ` ${k}="${escapeHtml(v)}"`)
      .join('');
    return `<${tag}${attrs}>${children.join('')}</${tag}>`;
  },
  text: escapeHtml,
};

/** Markdown as HTML: every character of the source is escaped, so only the tags above can appear. */
export function markdownToHtml(source: string, options: MarkdownRenderOptions = {}): string {
  return renderMarkdownWith(parseMarkdown(source), HTML, options).join('\n');
}
