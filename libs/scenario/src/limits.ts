import type { FieldProblem } from '@drill/contracts';

// What the scenario parser accepts. Validation runs on the server's event loop: these bound the work one document
// can ask for, so that a hostile or runaway text is refused after a bounded amount of work instead of holding the
// server for seconds. Each is above what a drill needs: the largest sample (scenarios/) is 62 KB with 2,131 nodes,
// nested 7 deep, and the 500-inject scenario of the validation benchmark is 380 KB with 39,817 nodes.

/** Characters of scenario text (YAML or JSON): 512 Ki, below BODY_LIMIT's 2 MB, over 8 times the largest sample. */
export const MAX_SCENARIO_TEXT_LENGTH = 512 * 1024;
/** Nodes: every key, value, list item, mapping and list, counting what aliases repeat as often as they repeat it. */
export const MAX_SCENARIO_NODES = 50_000;
/** Mappings and lists nested in one another; the schema itself needs 7. */
export const MAX_SCENARIO_DEPTH = 32;
/** YAML aliases (`*name`); with anchors they keep a text short and its value huge ("billion laughs"). */
export const MAX_SCENARIO_ALIASES = 100;
/** Problems reported for one document; beyond them one more problem says how many were left out. */
export const MAX_REPORTED_PROBLEMS = 1000;

export type ScenarioLimitName =
  'MAX_SCENARIO_TEXT_LENGTH' | 'MAX_SCENARIO_NODES' | 'MAX_SCENARIO_DEPTH' | 'MAX_SCENARIO_ALIASES';

/** A limit a document went past: the document is refused as a whole, with this one problem. */
export interface ScenarioLimit {
  name: ScenarioLimitName;
  limit: number;
}

const LIMITS: Record<ScenarioLimitName, number> = {
  MAX_SCENARIO_TEXT_LENGTH,
  MAX_SCENARIO_NODES,
  MAX_SCENARIO_DEPTH,
  MAX_SCENARIO_ALIASES,
};

const WHAT: Record<ScenarioLimitName, (limit: number) => string> = {
  MAX_SCENARIO_TEXT_LENGTH: (n) => `the scenario is longer than ${n} characters`,
  MAX_SCENARIO_NODES: (n) =>
    `the scenario has more than ${n} nodes (keys, values, list items, mappings and lists, aliases expanded)`,
  MAX_SCENARIO_DEPTH: (n) => `the scenario nests mappings and lists more than ${n} deep`,
  MAX_SCENARIO_ALIASES: (n) => `the scenario has more than ${n} YAML aliases (*name)`,
};

export interface LimitRefusal {
  exceeded: ScenarioLimit;
  errors: FieldProblem[];
}

/**
 * The document as a whole is over `name`; `at` is where in the text it went over, when known. `expanded`: the text
 * is within the limit, the value its aliases make of it is not.
 */
export function refuse(
  name: ScenarioLimitName,
  at?: { line: number; column: number },
  expanded?: 'expanded',
): LimitRefusal {
  const limit = LIMITS[name];
  const what = expanded ? `once its aliases are expanded, ${WHAT[name](limit)}` : WHAT[name](limit);
  const message = `${what}; the limit is ${name} = ${limit}`;
  return { exceeded: { name, limit }, errors: [{ path: '', message, ...at }] };
}

/**
 * Size and depth of an already-parsed value (a JSON document), without recursion so that nesting cannot overflow
 * the stack; stops as soon as a limit is passed. Keys count as nodes, as they do in YAML.
 */
export function measureValue(value: unknown): LimitRefusal | undefined {
  let nodes = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    nodes++;
    if (typeof v !== 'object' || v === null) continue;
    if (depth + 1 > MAX_SCENARIO_DEPTH) return refuse('MAX_SCENARIO_DEPTH');
    if (Array.isArray(v)) {
      for (const item of v) stack.push([item, depth + 1]);
    } else {
      for (const key in v) {
        nodes++;
        stack.push([(v as Record<string, unknown>)[key], depth + 1]);
      }
    }
    // Checked per collection rather than per node: a cyclic object (only possible from code) still stops here.
    if (nodes + stack.length > MAX_SCENARIO_NODES) return refuse('MAX_SCENARIO_NODES');
  }
  return undefined;
}
