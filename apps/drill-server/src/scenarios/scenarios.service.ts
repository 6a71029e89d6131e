import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NotFound, ValidationFailed, type FieldProblem, type ScenarioSummary } from '@drill/contracts';
import { MAX_REPORTED_PROBLEMS, type Scenario, type ScenarioValidation } from '@drill/scenario';
import { ScenarioVersionEntity } from '@drill/persistence';
import { repoRoot } from '../common/repo-files.js';
import { DRILL_CONFIG } from '../config/config.module.js';
import type { DrillConfig } from '../config/drill-config.js';
import { ScenarioRepository, type ScenarioVersionHeading } from './scenario.repository.js';
import { ScenarioValidationRefused, ScenarioValidator } from './scenario-validator.js';

export interface ScenarioVersionView {
  id: string;
  version: number;
  title: string;
  createdAt: string;
  createdBy: string | null;
  sourceFormat: 'yaml' | 'json';
  source: string;
  scenario: Scenario;
}

const view = (v: ScenarioVersionEntity): ScenarioVersionView => ({
  id: v.scenarioId,
  version: v.version,
  title: v.title,
  createdAt: new Date(v.createdAt).toISOString(),
  createdBy: v.createdBy,
  sourceFormat: v.sourceFormat,
  source: v.source,
  scenario: v.definition,
});

@Injectable()
export class ScenariosService implements OnApplicationBootstrap {
  private readonly log = new Logger('scenarios');

  constructor(
    private readonly versions: ScenarioRepository,
    @Inject(DRILL_CONFIG) private readonly config: DrillConfig,
    private readonly validator: ScenarioValidator,
  ) {}

  /**
   * Schema and semantic problems are the answer (the route reports them with `valid: false`); a text past one of
   * the parser's limits (MAX_SCENARIO_TEXT_LENGTH, MAX_SCENARIO_NODES, …) is refused instead, as invalid input.
   */
  async validate(text: string, format: 'yaml' | 'json'): Promise<{ scenario?: Scenario; errors: FieldProblem[] }> {
    let result: ScenarioValidation;
    try {
      result = await this.validator.validate(text, format);
    } catch (e) {
      if (!(e instanceof ScenarioValidationRefused)) throw e;
      throw new ValidationFailed(`the scenario could not be checked: ${e.message}`, [{ path: '', message: e.message }]);
    }
    const { scenario, errors, exceeded } = result;
    if (exceeded) throw new ValidationFailed(`the scenario is over a limit: ${errors[0]!.message}`, errors);
    return { ...(scenario && { scenario }), errors };
  }

  /** Validates and stores a new version; an id seen before gets version n+1, earlier versions stay untouched. */
  async save(text: string, format: 'yaml' | 'json', userId: string | null): Promise<ScenarioVersionView> {
    const { scenario, errors } = await this.validate(text, format);
    if (!scenario || errors.length) {
      // Past MAX_REPORTED_PROBLEMS the list ends with one entry counting the rest.
      const count =
        errors.length > MAX_REPORTED_PROBLEMS
          ? `more than ${MAX_REPORTED_PROBLEMS} problems`
          : `${errors.length} problem${errors.length === 1 ? '' : 's'}`;
      throw new ValidationFailed(`the scenario has ${count}`, errors);
    }
    for (let attempt = 0; ; attempt++) {
      const last = await this.versions.latest(scenario.id);
      const row = Object.assign(new ScenarioVersionEntity(), {
        id: randomUUID(),
        scenarioId: scenario.id,
        version: (last?.version ?? 0) + 1,
        title: scenario.title,
        source: text,
        sourceFormat: format,
        definition: scenario,
        createdBy: userId,
        createdAt: Date.now(),
      });
      try {
        await this.versions.insert(row);
        return view(row);
      } catch (e) {
        // Two saves of the same id at once: the unique (scenarioId, version) index refuses one; it retries.
        if (attempt >= 3) throw e;
      }
    }
  }

  async list(): Promise<ScenarioSummary[]> {
    const rows = await this.versions.listHeadings();
    const byId = new Map<string, ScenarioVersionHeading[]>();
    for (const r of rows) byId.set(r.scenarioId, [...(byId.get(r.scenarioId) ?? []), r]);
    return [...byId.entries()].map(([id, vs]) => {
      const latest = vs[vs.length - 1]!;
      return {
        id,
        title: latest.title,
        latestVersion: latest.version,
        versions: vs.map((v) => v.version),
        injects: latest.definition.injects.length,
        updatedAt: new Date(latest.createdAt).toISOString(),
      };
    });
  }

  async get(scenarioId: string, version?: number): Promise<ScenarioVersionView> {
    const row =
      version === undefined ? await this.versions.latest(scenarioId) : await this.versions.version(scenarioId, version);
    if (!row)
      throw new NotFound(
        version === undefined ? `no scenario ${scenarioId}` : `scenario ${scenarioId} has no version ${version}`,
      );
    return view(row);
  }

  /** A fresh install gets the sample drills, so there is something to run straight away. */
  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.loadSampleScenarios || !(await this.versions.none())) return;
    const dir = join(repoRoot(), 'scenarios');
    let files: string[];
    try {
      files = readdirSync(dir)
        .filter((f) => /\.ya?ml$/.test(f))
        .sort();
    } catch {
      return;
    }
    for (const f of files) {
      try {
        const v = await this.save(readFileSync(join(dir, f), 'utf8'), 'yaml', null);
        this.log.log(`loaded sample scenario ${v.id} (${v.scenario.injects.length} injects) from scenarios/${f}`);
      } catch (e) {
        this.log.warn(`sample scenario scenarios/${f} was not loaded: ${(e as Error).message}`);
      }
    }
  }
}
