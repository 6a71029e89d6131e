export type PathSegment = string | number;

/** Where in the source a problem should point: the offending value, the key naming it, or the object holding it. */
export type Anchor = 'value' | 'key' | 'container';

export interface Position {
  line: number;
  column: number;
}

/** JSON pointer (RFC 6901) for a path; the root is ''. */
export function toPointer(path: readonly PathSegment[]): string {
  return path.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

export function fromPointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/**
 * A node of the source text as far as positions go, built once per document (from the YAML tree or by scanning
 * JSON) so that locating a problem costs the length of its path, not a search of the document.
 */
export interface SourceNode {
  /** Offset in the text where the node starts; undefined when the parser does not know. */
  start: number | undefined;
  /** A mapping: its entries by key as the value reads them (String(key)); the first of equal keys wins. */
  entries?: Map<string, SourceEntry>;
  /** A list: its items. */
  items?: SourceNode[];
  /** A YAML alias: the node it stands for. The alias keeps its own position. */
  target?: SourceNode;
}

export interface SourceEntry {
  key: SourceNode;
  /** Null when the text has no value node (`key:` followed by nothing). */
  value: SourceNode | null;
}

/** Line starts of a text, for offset → line and column (1-based). */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  at(offset: number): Position {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.starts[lo]! + 1 };
  }
}

interface Found {
  /** The node at the path, or the deepest node reached when the path leaves the document. */
  node: SourceNode | null;
  /** The key (mapping) or item (list) through which `node` was reached; null at the root. */
  via: SourceNode | null;
  complete: boolean;
}

const isCollection = (n: SourceNode | null): boolean => n?.entries !== undefined || n?.items !== undefined;
const deref = (n: SourceNode | null): SourceNode | null => n?.target ?? n;

/** Maps JSON paths of the parsed value back to line and column in the YAML/JSON text. */
export class SourceMap {
  constructor(
    private readonly root: SourceNode | null,
    private readonly lines: LineIndex,
  ) {}

  private walk(path: readonly PathSegment[]): Found {
    let node = deref(this.root);
    let via: SourceNode | null = null;
    for (const seg of path) {
      if (node?.entries) {
        const entry = node.entries.get(String(seg));
        if (!entry) return { node, via, complete: false };
        via = entry.key;
        // `key:` with nothing after it has no value node; point at the key then.
        node = deref(entry.value);
        if (node === null) return { node: via, via, complete: true };
      } else if (node?.items) {
        const item = node.items[Number(seg)];
        if (item === undefined) return { node, via, complete: false };
        via = item;
        node = deref(item);
      } else {
        return { node, via, complete: false };
      }
    }
    return { node, via, complete: true };
  }

  private at(node: SourceNode | null): Position | undefined {
    return node?.start === undefined ? undefined : this.lines.at(node.start);
  }

  locate(path: readonly PathSegment[], anchor: Anchor): Position {
    const found = this.walk(path);
    const fallback: Position = { line: 1, column: 1 };
    if (!found.complete) {
      // The path is not in the text (e.g. a missing field): the nearest enclosing object is the best hint.
      return this.at(found.via ?? found.node) ?? this.at(found.node) ?? fallback;
    }
    if (anchor === 'key' || anchor === 'container') return this.at(found.via ?? found.node) ?? fallback;
    // A wrong block collection starts on the next line; its key says more.
    if (isCollection(found.node) && found.via && !isCollection(found.via)) return this.at(found.via) ?? fallback;
    return this.at(found.node) ?? this.at(found.via) ?? fallback;
  }
}
