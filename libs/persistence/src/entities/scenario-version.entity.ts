import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { Scenario } from '@drill/scenario';
import { epochMs } from '../columns.js';

/**
 * One immutable version of a scenario. Saving a scenario with an existing id adds version n+1; rows are never
 * updated, so an exercise pinned to a version always sees what it was started with.
 */
@Entity('scenario_versions')
@Index(['scenarioId', 'version'], { unique: true })
export class ScenarioVersionEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 100 })
  scenarioId!: string;

  @Column({ type: 'integer' })
  version!: number;

  @Column({ type: 'varchar', length: 300 })
  title!: string;

  /** The text exactly as submitted (YAML or JSON), kept so nothing the author wrote is lost. */
  @Column({ type: 'text' })
  source!: string;

  @Column({ type: 'varchar', length: 10 })
  sourceFormat!: 'yaml' | 'json';

  @Column({ type: 'simple-json' })
  definition!: Scenario;

  @Column({ type: 'varchar', length: 36, nullable: true })
  createdBy!: string | null;

  @Column({ type: 'bigint', transformer: epochMs })
  createdAt!: number;
}
