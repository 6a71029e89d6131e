import type { FieldProblem } from '@drill/contracts';
import { fromAjv, type Problem } from './ajv-messages.js';
import { toScenario } from './authoring.js';
import { scanJson } from './json-source.js';
import {
  MAX_REPORTED_PROBLEMS,
  MAX_SCENARIO_TEXT_LENGTH,
  measureValue,
  refuse,
  type LimitRefusal,
  type ScenarioLimit,
} from './limits.js';
import type { Scenario } from './model.js';
import { LineIndex, SourceMap, toPointer, type PathSegment, type Position } from './positions.js';
import { schemaErrors } from './schema.js';
import { memoNormalise, semanticProblems, type Describe } from './semantic.js';
import { parseYaml, type SyntaxProblem } from './yaml-source.js';

export interface ScenarioValidation {
  scenario?: Scenario;
  errors: FieldProblem[];
  /** Set when the document went past one of the parser's limits (limits.ts) and was refused as a whole. */
  exceeded?: ScenarioLimit;
}

/** Locates a problem in the source; absent for already-parsed objects. */
export type Locate = (path: readonly PathSegment[], anchor: Problem['anchor']) => Position | undefined;

/** Schema and semantic validation of an authored document in one pass; the model only when there is no error. */
export function validateDocument(doc: unknown, describe: Describe): { scenario?: Scenario; problems: Problem[] } {
  const normalise = memoNormalise();
  const problems = [...fromAjv(schemaErrors(doc)), ...semanticProblems(doc, describe, normalise)];
  if (problems.length > 0) return { problems };
  return { scenario: toScenario(doc as Record<string, unknown>, normalise), problems };
}

export function toFieldProblems(problems: readonly Problem[], locate?: Locate): FieldProblem[] {
  const out = problems.map((p): FieldProblem => {
    const pos = locate?.(p.path, p.anchor);
    return pos
      ? { path: toPointer(p.path), message: p.message, line: pos.line, column: pos.column }
      : { path: toPointer(p.path), message: p.message };
  });
  return sortProblems(out);
}

export function sortProblems(problems: FieldProblem[]): FieldProblem[] {
  // Array.prototype.sort is stable: problems on one spot keep the order they were found in.
  return problems.sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity) || (a.column ?? 0) - (b.column ?? 0));
}

/** At most MAX_REPORTED_PROBLEMS, in order; one more problem says how many were left out and where they start. */
function bounded(problems: FieldProblem[]): FieldProblem[] {
  if (problems.length <= MAX_REPORTED_PROBLEMS) return problems;
  const rest = problems.length - MAX_REPORTED_PROBLEMS;
  const next = problems[MAX_REPORTED_PROBLEMS]!;
  return [
    ...problems.slice(0, MAX_REPORTED_PROBLEMS),
    {
      path: '',
      message:
        `and ${rest} more problem${rest === 1 ? '' : 's'}, not listed: at most ${MAX_REPORTED_PROBLEMS} are ` +
        `reported (MAX_REPORTED_PROBLEMS); the next is at ${next.path || 'the document'}`,
      ...(next.line !== undefined && { line: next.line, column: next.column }),
    },
  ];
}

const refused = (r: LimitRefusal): ScenarioValidation => ({ errors: r.errors, exceeded: r.exceeded });

/**
 * Validates a scenario as authored: schema and semantic problems together, each with its JSON path and the line
 * and column of the key or value it is about, sorted by line (at most MAX_REPORTED_PROBLEMS of them). The model is
 * returned only when there is no problem. A text past one of the limits in limits.ts is refused as a whole, after
 * a bounded amount of work, with `exceeded` naming the limit.
 */
export function validateScenarioText(text: string, format: 'yaml' | 'json'): ScenarioValidation {
  if (format === 'json') return validateJsonText(text);
  const parsed = parseYaml(text);
  if ('exceeded' in parsed) return refused(parsed);
  const { doc, lines, source, problems: syntax } = parsed;
  if (syntax.length > 0) return { errors: syntaxProblems(syntax, lines, 'YAML syntax') };
  let data: unknown;
  try {
    // Aliases are resolved and their expansion measured by parseYaml, in one pass; the library's own count
    // (maxAliasCount) searches the document again for every alias.
    data = doc.toJS({ maxAliasCount: -1 });
  } catch (e) {
    return { errors: [{ path: '', message: `YAML: ${(e as Error).message}`, line: 1, column: 1 }] };
  }
  const map = new SourceMap(source, lines);
  const { scenario, problems } = validateDocument(data, (p) => `line ${map.locate(p, 'value').line}`);
  return { ...(scenario && { scenario }), errors: bounded(toFieldProblems(problems, (p, a) => map.locate(p, a))) };
}

function validateJsonText(text: string): ScenarioValidation {
  if (text.length > MAX_SCENARIO_TEXT_LENGTH) return refused(refuse('MAX_SCENARIO_TEXT_LENGTH'));
  // One scan first, cheaper than JSON.parse: a document past a limit is refused before it is built. JSON's own
  // rules then decide what is valid JSON; positions are scanned only when there is something to point at.
  const scan = scanJson(text, false);
  if (!scan.ok && scan.exceeded) return refused(refuse(scan.exceeded, new LineIndex(text).at(scan.offset)));
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return { errors: [jsonSyntaxProblem(text, (e as Error).message, scan.ok ? undefined : scan.offset)] };
  }
  let map: SourceMap | undefined;
  const sourceMap = (): SourceMap => {
    if (!map) {
      const scan = scanJson(text);
      map = new SourceMap(scan.ok ? scan.root : null, new LineIndex(text));
    }
    return map;
  };
  const describe: Describe = (p) => `line ${sourceMap().locate(p, 'value').line}`;
  const { scenario, problems } = validateDocument(data, describe);
  if (problems.length === 0) return { ...(scenario && { scenario }), errors: [] };
  const m = sourceMap();
  return { errors: bounded(toFieldProblems(problems, (p, a) => m.locate(p, a))) };
}

function syntaxProblems(errors: readonly SyntaxProblem[], lines: LineIndex, what: string): FieldProblem[] {
  // After the first error the parser often reports follow-ups on the same line; one per line is enough.
  const seen = new Set<number>();
  const out: FieldProblem[] = [];
  for (const e of errors) {
    const pos = e.offset === undefined ? undefined : lines.at(e.offset);
    if (pos && seen.has(pos.line)) continue;
    if (pos) seen.add(pos.line);
    out.push({ path: '', message: `${what}: ${e.message.split('\n')[0]!}`, ...pos });
    if (out.length === 10) break;
  }
  return sortProblems(out);
}

/** Validates an already-parsed document (e.g. a JSON request body): problems carry paths only. */
export function validateScenarioObject(obj: unknown): ScenarioValidation {
  const over = measureValue(obj);
  if (over) return refused(over);
  const { scenario, problems } = validateDocument(obj, (p) => toPointer(p));
  return { ...(scenario && { scenario }), errors: bounded(toFieldProblems(problems)) };
}

function jsonSyntaxProblem(text: string, message: string, scanned: number | undefined): FieldProblem {
  const clean = `JSON syntax: ${message.replace(/ in JSON at position \d+.*$/, '')}`;
  // V8 names the position in some messages only; the scan finds it for all.
  const m = /position (\d+)/.exec(message);
  const offset = m ? Number(m[1]) : scanned;
  return offset === undefined
    ? { path: '', message: clean }
    : { path: '', message: clean, ...new LineIndex(text).at(offset) };
}
