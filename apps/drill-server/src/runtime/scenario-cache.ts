import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { NotFound } from '@drill/contracts';
import type { Inject as ScenarioInject, Scenario } from '@drill/scenario';
import { ScenarioVersionEntity } from '@drill/persistence';

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

  constructor(@InjectRepository(ScenarioVersionEntity) private readonly versions: Repository<ScenarioVersionEntity>) {}

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
    const row = await this.versions.findOneBy({ scenarioId, version });
    if (!row) throw new NotFound(`scenario ${scenarioId} has no version ${version}`);
    const scenario = row.definition;
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
