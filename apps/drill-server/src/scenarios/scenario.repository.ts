import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { ScenarioVersionEntity } from '@drill/persistence';

/** One version of a scenario as the list needs it: no source text. */
export type ScenarioVersionHeading = Pick<
  ScenarioVersionEntity,
  'scenarioId' | 'version' | 'title' | 'createdAt' | 'definition'
>;

/** The scenario versions table. Versions are only ever added, never changed. */
@Injectable()
export class ScenarioRepository {
  constructor(@InjectRepository(ScenarioVersionEntity) private readonly versions: Repository<ScenarioVersionEntity>) {}

  async none(): Promise<boolean> {
    return (await this.versions.count()) === 0;
  }

  async latest(scenarioId: string): Promise<ScenarioVersionEntity | undefined> {
    return (await this.versions.findOne({ where: { scenarioId }, order: { version: 'DESC' } })) ?? undefined;
  }

  async version(scenarioId: string, version: number): Promise<ScenarioVersionEntity | undefined> {
    return (await this.versions.findOneBy({ scenarioId, version })) ?? undefined;
  }

  /** Refused by the unique (scenarioId, version) index when another save took that number first. */
  async insert(row: ScenarioVersionEntity): Promise<void> {
    await this.versions.insert(row);
  }

  /** Every version of every scenario, by scenario id then version. */
  listHeadings(): Promise<ScenarioVersionHeading[]> {
    return this.versions.find({
      select: { scenarioId: true, version: true, title: true, createdAt: true, definition: true },
      order: { scenarioId: 'ASC', version: 'ASC' },
    });
  }
}
