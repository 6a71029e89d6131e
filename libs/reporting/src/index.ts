/**
 * @drill/reporting — the after-action report (HSEEP AAR/IP): assembles the report model from what a drill
 * recorded and how it was scored, and renders it as one self-contained printable HTML file (SVG charts drawn on
 * the server with Vega-Lite), as JSON (the model itself) and as CSV (one row per team × inject). Also the drill's
 * one Markdown dialect, parsed to a tree that the AAR renders as HTML and the web consoles as DOM nodes.
 * Pure TypeScript; no framework or persistence imports.
 */
export * from './model.js';
export { buildAar, commonMisses } from './build.js';
export { sharingMatrix } from './sharing.js';
export * from './feedback.js';
export * from './comcheck.js';
export * from './cooperation.js';
export {
  COOPERATION_MATRIX_CSV_COLUMNS,
  COOPERATION_REQUEST_CSV_COLUMNS,
  COOPERATION_TEAM_CSV_COLUMNS,
  cooperationCsvLines,
  cooperationSectionHtml,
  cooperationSummary,
} from './cooperation-render.js';
export { mean, median, quantileSorted, summarize } from './stats.js';
export { CSV_COLUMNS, csvField, csvRow, renderAarCsv, roundTo } from './csv.js';
export { renderAarHtml } from './html.js';
export { AAR_MARKING_TEXT, CAPABILITY_ELEMENT_TEXT, escapeHtml, RATING_TEXT } from './format.js';
export {
  isSafeHref,
  markdownToHtml,
  parseInline,
  parseMarkdown,
  renderMarkdownWith,
  type MarkdownBlock,
  type MarkdownBuilder,
  type MarkdownInline,
  type MarkdownRenderOptions,
  type MarkdownTag,
} from './markdown.js';
export {
  accessibleSvg,
  CHART_IDS,
  chartSpecs,
  chartTexts,
  completenessSpec,
  COOPERATION_CHART_ID,
  cooperationChartText,
  cooperationSpec,
  renderChartSvg,
  renderCharts,
  responseTimesSpec,
  sharingSpec,
  timelineSpec,
  type ChartId,
  type ChartText,
} from './charts.js';
export { renderAarAll, syntheticAarInput, type SyntheticAarOptions } from './synthetic.js';
