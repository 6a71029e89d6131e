import type { FieldProblem } from '@drill/contracts';
import { LineCounter, parseDocument, type YAMLError } from 'yaml';
import { fromAjv, type Problem } from './ajv-messages.js';
import { toScenario } from './authoring.js';
import type { Scenario } from './model.js';
import { SourceMap, toPointer, type PathSegment, type Position } from './positions.js';
import { schemaErrors } from './schema.js';
import { memoNormalise, semanticProblems, type Describe } from './semantic.js';

export interface ScenarioValidation {
  scenario?: Scenario;
  errors: FieldProblem[];
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

/**
 * Validates a scenario as authored: schema and semantic problems together, each with its JSON path and the line
 * and column of the key or value it is about (for JSON text too, located through the YAML parser since JSON is
 * YAML), sorted by line. The model is returned only when there is no problem.
 */
export function validateScenarioText(text: string, format: 'yaml' | 'json'): ScenarioValidation {
  if (format === 'json') return validateJsonText(text);
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) return { errors: syntaxProblems(doc.errors, 'YAML syntax') };
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 1000 });
  } catch (e) {
    // e.g. an alias bomb: refuse rather than expand it.
    return { errors: [{ path: '', message: `YAML: ${(e as Error).message}`, line: 1, column: 1 }] };
  }
  const map = new SourceMap(doc, lines);
  const { scenario, problems } = validateDocument(data, (p) => `line ${map.locate(p, 'value').line}`);
  return { ...(scenario && { scenario }), errors: toFieldProblems(problems, (p, a) => map.locate(p, a)) };
}

function validateJsonText(text: string): ScenarioValidation {
  // JSON's own rules decide what is valid JSON, and JSON.parse is fast; the YAML tree (JSON is YAML) is built
  // only when there is something to point at.
  let data: unknown;
  let map: SourceMap | null | undefined;
  const sourceMap = (): SourceMap | null => {
    if (map === undefined) {
      const lines = new LineCounter();
      const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: false });
      map = doc.errors.length ? null : new SourceMap(doc, lines);
    }
    return map;
  };
  try {
    data = JSON.parse(text);
  } catch (e) {
    const near = parseDocument(text, { prettyErrors: true }).errors[0]?.linePos?.[0];
    return { errors: [jsonSyntaxProblem(text, (e as Error).message, near && { line: near.line, column: near.col })] };
  }
  const describe: Describe = (p) => {
    const m = sourceMap();
    return m ? `line ${m.locate(p, 'value').line}` : toPointer(p);
  };
  const { scenario, problems } = validateDocument(data, describe);
  if (problems.length === 0) return { ...(scenario && { scenario }), errors: [] };
  const m = sourceMap();
  return { errors: toFieldProblems(problems, m ? (p, a) => m.locate(p, a) : undefined) };
}

function syntaxProblems(errors: readonly YAMLError[], what: string): FieldProblem[] {
  // After the first error the parser often reports follow-ups on the same line; one per line is enough.
  const seen = new Set<number>();
  const out: FieldProblem[] = [];
  for (const e of errors) {
    const pos = e.linePos?.[0];
    if (pos && seen.has(pos.line)) continue;
    if (pos) seen.add(pos.line);
    out.push({
      path: '',
      message: `${what}: ${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`,
      ...(pos && { line: pos.line, column: pos.col }),
    });
    if (out.length === 10) break;
  }
  return sortProblems(out);
}

/** Validates an already-parsed document (e.g. a JSON request body): problems carry paths only. */
export function validateScenarioObject(obj: unknown): ScenarioValidation {
  const { scenario, problems } = validateDocument(obj, (p) => toPointer(p));
  return { ...(scenario && { scenario }), errors: toFieldProblems(problems) };
}

function jsonSyntaxProblem(text: string, message: string, near: Position | undefined): FieldProblem {
  const m = /position (\d+)/.exec(message);
  const clean = `JSON syntax: ${message.replace(/ in JSON at position \d+.*$/, '')}`;
  if (!m) return near ? { path: '', message: clean, ...near } : { path: '', message: clean };
  const pos = Number(m[1]);
  const before = text.slice(0, pos);
  return { path: '', message: clean, line: before.split('\n').length, column: pos - before.lastIndexOf('\n') };
}
