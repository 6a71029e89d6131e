import { Prng } from './prng.js';
import { BEHAVIOURS, type Behaviour, type ProfileName } from './profiles.js';

/**
 * Drift between drills for `drill simulate --history N`: capacity builds (or erodes) over a year, so a team's
 * behaviour moves a step at a time from its profile towards the diligent one (it improves) or towards the silent
 * one (it slips), or stays. Which team does what is dealt from the seed, so a history repeats with `--seed`.
 */
export const DRIFTS = ['improves', 'slips', 'steady'] as const;
export type Drift = (typeof DRIFTS)[number];

/** How far the last drill of a history has moved towards the target: most of the way, never quite a new profile. */
const FURTHEST: Record<Drift, number> = { improves: 0.85, slips: 0.6, steady: 0 };
const TARGET: Record<Drift, Behaviour> = {
  improves: BEHAVIOURS.diligent,
  slips: BEHAVIOURS.silent,
  steady: BEHAVIOURS.diligent,
};

/**
 * Deals a drift to each team: a third (rounded up) improve, a third slip, the rest stay, in an order shuffled by the
 * seed. So two teams always show one of each, and three show all three.
 */
export function dealDrifts(codes: readonly string[], seed: number): Map<string, Drift> {
  const order = new Prng(seed).fork('drift').shuffle(codes);
  const third = Math.ceil(order.length / 3);
  return new Map(order.map((code, i) => [code, i < third ? 'improves' : i < 2 * third ? 'slips' : 'steady']));
}

/** `a` moved a share `t` of the way towards `b`: numbers (and ranges) in proportion, choices at half way. */
function blend<T>(a: T, b: T, t: number): T {
  if (typeof a === 'number') return (a + ((b as number) - a) * t) as T;
  if (Array.isArray(a)) return a.map((x: unknown, i) => blend(x, (b as unknown[])[i], t)) as T;
  if (typeof a === 'object' && a !== null) {
    const bb = b as Record<string, unknown>;
    return Object.fromEntries(Object.entries(a).map(([k, v]) => [k, blend(v, bb[k], t)])) as T;
  }
  return t < 0.5 ? a : b;
}

/** The behaviour of a team of `profile` in drill `drill` (0-based) of `of`, as its drift has moved it. */
export function driftedBehaviour(profile: ProfileName, drift: Drift, drill: number, of: number): Behaviour {
  if (!Number.isInteger(drill) || drill < 0 || drill >= of) throw new RangeError(`drill ${drill} is not one of ${of}`);
  const t = of <= 1 ? 0 : (FURTHEST[drift] * drill) / (of - 1);
  return blend(BEHAVIOURS[profile], TARGET[drift], t);
}
