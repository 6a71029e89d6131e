import { Document, isMap, isScalar, isSeq, Scalar, type Node } from 'yaml';
import { toAuthoring } from './authoring.js';
import type { Scenario } from './model.js';

const QUOTED_KEYS = new Set(['offset', 'plannedDuration']);

/**
 * The scenario in its authoring form (YAML), ready to save under scenarios/ or to re-submit. Offsets are
 * double-quoted because YAML 1.1 tools read an unquoted +00:20 as a base-60 number; multi-line text uses
 * literal blocks so that Markdown stays readable.
 */
export function scenarioToYaml(s: Scenario): string {
  const doc = new Document(toAuthoring(s));
  style(doc.contents as Node, undefined);
  return doc.toString({ lineWidth: 0, blockQuote: 'literal' });
}

function style(node: Node | null, key: string | undefined): void {
  if (isMap(node)) {
    for (const pair of node.items) {
      const k = isScalar(pair.key) ? String(pair.key.value) : undefined;
      style(pair.value as Node | null, k);
    }
  } else if (isSeq(node)) {
    for (const item of node.items) style(item as Node, undefined);
  } else if (isScalar(node) && typeof node.value === 'string') {
    // YAML 1.1 readers also turn yes/no/on/off (e.g. Norway's team code NO) into booleans.
    if ((key !== undefined && QUOTED_KEYS.has(key)) || /^(y|n|yes|no|on|off)$/i.test(node.value))
      node.type = Scalar.QUOTE_DOUBLE;
  }
}
