import type { IsmReport } from '@drill/ism';
import type { Inject, Objective, ScoringOverrides } from '@drill/scenario';
import { describe, expect, it } from '@jest/globals';
import type { ScoringInject, ScoringMethodOverrides, ScoringObjective, ScoringReport } from './model.js';

// The engine takes structural inputs; these assignments fail `tsc` if the scenario or ISM models drift from them.
type Assignable<From, To> = From extends To ? true : false;
const checks: [
  Assignable<Inject, ScoringInject>,
  Assignable<IsmReport & { atScenarioMin: number }, ScoringReport>,
  Assignable<ScoringOverrides, ScoringMethodOverrides>,
  Assignable<Objective, ScoringObjective>,
] = [true, true, true, true];

describe('model compatibility', () => {
  it('scenario and ISM models are accepted as scoring inputs', () => {
    expect(checks.every(Boolean)).toBe(true);
  });
});
