import { isAlias, isCollection, isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';

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

interface Found {
  /** The node at the path, or the deepest node reached when the path leaves the document. */
  node: Node | null;
  /** The key (map) or item (sequence) through which `node` was reached; null at the root. */
  via: Node | null;
  complete: boolean;
}

/** Maps JSON paths of the parsed value back to line and column in the YAML/JSON text. */
export class SourceMap {
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  private walk(path: readonly PathSegment[]): Found {
    let node = this.deref(this.doc.contents as Node | null);
    let via: Node | null = null;
    for (const seg of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
        if (!pair) return { node, via, complete: false };
        via = pair.key as Node;
        // `key:` with nothing after it has no value node; point at the key then.
        node = this.deref((pair.value as Node | null) ?? null) ?? null;
        if (node === null) return { node: via, via, complete: true };
      } else if (isSeq(node)) {
        const item = node.items[Number(seg)] as Node | undefined;
        if (item === undefined) return { node, via, complete: false };
        via = item;
        node = this.deref(item);
      } else {
        return { node, via, complete: false };
      }
    }
    return { node, via, complete: true };
  }

  private deref(node: Node | null): Node | null {
    return isAlias(node) ? ((node.resolve(this.doc) as Node | undefined) ?? node) : node;
  }

  private at(node: Node | null): Position | undefined {
    const start = node?.range?.[0];
    if (start === undefined) return undefined;
    const { line, col } = this.lines.linePos(start);
    return { line, column: col };
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
