/**
 * @drill/scenario — the scenario (MSEL) domain: the authored YAML/JSON format and its JSON Schema
 * (scenarios/scenario.schema.json), validation with JSON paths and line/column, offsets, conversion to YAML,
 * and MSEL spreadsheet import/export (CSV, XLSX). Pure TypeScript; persistence and HTTP live elsewhere.
 */
export * from './model.js';
export { parseOffset, formatOffset } from './offset.js';
export { validateScenarioText, validateScenarioObject, type ScenarioValidation } from './validate.js';
export { scenarioToYaml } from './yaml-out.js';
export { toAuthoring } from './authoring.js';
export { DEFAULT_SEVERITY, DEFAULT_TLP, DEFAULT_MEDIA_TYPE } from './authoring.js';
export { SCENARIO_SCHEMA, SCENARIO_SCHEMA_PATH, TEAM_CODE_PATTERN, TEAM_TAG_PATTERN } from './schema.js';
export { importMsel, exportMsel, parseMselTime, type MselImport } from './msel.js';
export { syntheticScenarioYaml } from './synthetic.js';
