import { roundTo } from '@drill/reporting';

/**
 * Every capacity figure is rounded once, where it is computed, to two places (percentages, percentage points and
 * scenario minutes alike; 0.01 min is 0.6 s): the JSON and the CSV then carry the same numbers, and a median or a
 * change is computed from the figures a reader sees, so it can be checked by hand.
 */
export const round2 = (x: number | null | undefined): number | null => roundTo(x, 2) ?? null;
