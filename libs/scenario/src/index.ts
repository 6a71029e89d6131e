/**
 * @drill/scenario — the scenario (MSEL) domain: the authored YAML/JSON format and its JSON Schema
 * (scenarios/scenario.schema.json), validation with JSON paths and line/column, offsets, conversion to YAML,
 * and MSEL spreadsheet import/export (CSV, XLSX). Pure TypeScript; persistence and HTTP live elsewhere.
 */
export * from './model.js';
export { parseOffset, formatOffset } from './offset.js';
export { validateScenarioText, validateScenarioObject, type ScenarioValidation } from './validate.js';
export {
  MAX_SCENARIO_TEXT_LENGTH,
  MAX_SCENARIO_NODES,
  MAX_SCENARIO_DEPTH,
  MAX_SCENARIO_ALIASES,
  MAX_REPORTED_PROBLEMS,
  type ScenarioLimit,
  type ScenarioLimitName,
} from './limits.js';
export { scenarioToYaml } from './yaml-out.js';
export { toAuthoring } from './authoring.js';
export { DEFAULT_SEVERITY, DEFAULT_TLP, DEFAULT_MEDIA_TYPE } from './authoring.js';
export { DEFAULT_COOPERATION } from './semantic.js';
export { SCENARIO_SCHEMA, SCENARIO_SCHEMA_PATH, TEAM_CODE_PATTERN, TEAM_TAG_PATTERN } from './schema.js';
export { importMsel, exportMsel, parseMselTime, type MselImport } from './msel.js';
export {
  MSEL_MAX_FILE_BYTES,
  MSEL_MAX_UNPACKED_BYTES,
  MSEL_MAX_ZIP_ENTRIES,
  MSEL_MAX_ROWS,
  MSEL_MAX_COLUMNS,
  MSEL_MAX_CELL_CHARS,
  MSEL_MAX_MERGES,
  MSEL_MAX_MERGED_CELLS,
  formatBytes,
} from './msel-limits.js';
export { syntheticScenarioYaml } from './synthetic.js';
