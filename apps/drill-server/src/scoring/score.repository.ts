import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { RatingOverrideEntity, ScoreOverrideEntity } from '@drill/persistence';
import { DrillRepository } from '../runtime/drill.repository.js';

/**
 * Evaluators' overrides of scores and ratings. Append-only: the latest per (team, inject) or (objective, team)
 * applies, so the history of every override stays on record.
 */
@Injectable()
export class ScoreRepository extends DrillRepository {
  constructor(@InjectDataSource() ds: DataSource) {
    super(ds);
  }

  /** The exercise's score overrides, oldest first. */
  scoreOverrides(exerciseId: string): Promise<ScoreOverrideEntity[]> {
    return this.ds.getRepository(ScoreOverrideEntity).find({ where: { exerciseId }, order: { at: 'ASC' } });
  }

  /** The exercise's rating overrides, oldest first. */
  ratingOverrides(exerciseId: string): Promise<RatingOverrideEntity[]> {
    return this.ds.getRepository(RatingOverrideEntity).find({ where: { exerciseId }, order: { at: 'ASC' } });
  }

  /** Inside the caller's transaction, which holds the AAR as a draft (aar-freeze.ts). */
  async addScoreOverride(m: EntityManager, override: ScoreOverrideEntity): Promise<void> {
    await m.getRepository(ScoreOverrideEntity).insert(override);
  }

  /** Inside the caller's transaction, which holds the AAR as a draft (aar-freeze.ts). */
  async addRatingOverride(m: EntityManager, override: RatingOverrideEntity): Promise<void> {
    await m.getRepository(RatingOverrideEntity).insert(override);
  }
}
