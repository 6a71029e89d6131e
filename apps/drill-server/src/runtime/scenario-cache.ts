import { Injectable } from '@nestjs/common';
import { NotFound } from '@drill/contracts';
import type { Inject as ScenarioInject, Scenario } from '@drill/scenario';
import { ExerciseRepository } from './exercise.repository.js';

export interface PinnedScenario {
  scenario: Scenario;
  injects: Map<string, ScenarioInject>;
  /** Position in the scenario, the tie-break when two injects are due at the same instant. */
  order: Map<string, number>;
  /** Conditional injects keyed by the inject their trigger watches. */
  dependents: Map<string, ScenarioInject[]>;
}

/** Scenario versions never change once stored, so a pinned version can be cached for the process's life. */
@Injectable()
export class ScenarioCache {
  private readonly cache = new Map<string, Promise<PinnedScenario>>();

  constructor(private readonly exercises: ExerciseRepository) {}

  get(scenarioId: string, version: number): Promise<PinnedScenario> {
    const key = `${scenarioId}@${version}`;
    let p = this.cache.get(key);
    if (!p) {
      p = this.load(scenarioId, version);
      this.cache.set(key, p);
      p.catch(() => this.cache.delete(key));
    }
    return p;
  }

  private async load(scenarioId: string, version: number): Promise<PinnedScenario> {
    const scenario = await this.exercises.scenarioDefinition(scenarioId, version);
    if (!scenario) throw new NotFound(`scenario ${scenarioId} has no version ${version}`);
    const dependents = new Map<string, ScenarioInject[]>();
    for (const i of scenario.injects) {
      if (i.trigger) dependents.set(i.trigger.inject, [...(dependents.get(i.trigger.inject) ?? []), i]);
    }
    return {
      scenario,
      injects: new Map(scenario.injects.map((i) => [i.id, i])),
      order: new Map(scenario.injects.map((i, n) => [i.id, n])),
      dependents,
    };
  }
}
