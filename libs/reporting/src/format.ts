import { formatScenarioTime } from '@drill/exercise';
import { fmt, type Rating } from '@drill/scoring';
import type { TlpLabel } from '@drill/contracts';
import type { CapabilityElement } from './model.js';

// Display formatting for the HTML report. Figures stay unrounded in the model; these functions are the only
// place they are rounded, so HTML readers and tests know exactly how a JSON figure appears in print.

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and quoted attribute values. Everything user-written goes through here. */
export function escapeHtml(v: unknown): string {
  return String(v ?? '').replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

export const DASH = '—';

/** HSEEP ratings in words, as the AAR prints them and the evaluator's picker offers them. */
export const RATING_TEXT: Readonly<Record<Rating, string>> = {
  P: 'Performed without challenges',
  S: 'Performed with some challenges',
  M: 'Performed with major challenges',
  U: 'Unable to be performed',
};

/**
 * What the report's own TLP marking asks of its readers, in FIRST's TLP 2.0 words: the AAR leaves the drill, so the
 * standard definitions apply, not the drill's visibility rules for ISM reports.
 */
export const AAR_MARKING_TEXT: Readonly<Record<TlpLabel, string>> = {
  'TLP:CLEAR': 'Recipients can spread this to the world; there is no limit on disclosure.',
  'TLP:GREEN': 'Limited disclosure: recipients can spread this within their community, not publicly.',
  'TLP:AMBER':
    'Limited disclosure: recipients can only spread this on a need-to-know basis within their organisation and its clients.',
  'TLP:AMBER+STRICT':
    'Limited disclosure: recipients can only spread this on a need-to-know basis within their organisation.',
  'TLP:RED': 'For the eyes and ears of individual recipients only; no further disclosure.',
};

/** HSEEP capability elements of an improvement-plan item, in words. */
export const CAPABILITY_ELEMENT_TEXT: Readonly<Record<CapabilityElement, string>> = {
  planning: 'Planning',
  organisation: 'Organisation',
  equipment: 'Equipment',
  training: 'Training',
  exercise: 'Exercise',
};

/** A 0–1 score: three decimals at most, as the scoring explanations print it. */
export const score = (x: number | null | undefined): string => (x === null || x === undefined ? DASH : fmt(x));
/** A team percentage (0–100): one decimal. */
export const percent = (x: number | null | undefined): string =>
  x === null || x === undefined ? DASH : `${x.toFixed(1)}%`;
/** A ratio (0–1) shown as a percentage with no decimals. */
export const ratio = (x: number | null | undefined): string =>
  x === null || x === undefined ? DASH : `${Math.round(x * 100)}%`;
/** Minutes: one decimal. */
export const minutes = (x: number | null | undefined): string => (x === null || x === undefined ? DASH : x.toFixed(1));

export const scenarioTime = (ms: number | null | undefined): string =>
  ms === null || ms === undefined ? DASH : formatScenarioTime(ms);

/** ISO instant → "2026-11-25 09:20:05 UTC": a report is read across time zones, so it states UTC. */
export function utc(iso: string | null | undefined): string {
  if (!iso) return DASH;
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return escapeHtml(iso);
  return new Date(t)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC')
    .replace(/Z$/, ' UTC');
}

export const utcDate = (iso: string | null | undefined): string => (iso ? utc(iso).slice(0, 10) : DASH);
