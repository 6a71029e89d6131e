import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, type DataSource, type EntityManager } from 'typeorm';
import {
  AarNoteEntity,
  AarPlanItemEntity,
  AarStateEntity,
  DeliveryEntity,
  IsmReportEntity,
  RatingOverrideEntity,
  ScoreOverrideEntity,
  TeamEntity,
  UserEntity,
} from '@drill/persistence';
import { RELEASED_STATUSES } from '@drill/contracts';
import { DrillRepository } from '../runtime/drill.repository.js';

/** What publishing stores on the AAR's state row. */
export type Publication = Pick<AarStateEntity, 'publishedAt' | 'publishedBy' | 'snapshot'>;

/** The after-action report's own rows: its state (draft or published, with the frozen copy), notes and plan. */
@Injectable()
export class AarRepository extends DrillRepository {
  constructor(@InjectDataSource() ds: DataSource) {
    super(ds);
  }

  /** The AAR's state row; none until something first held or published it (the AAR is then a draft). */
  state(exerciseId: string, m?: EntityManager): Promise<AarStateEntity | null> {
    return this.manager(m).getRepository(AarStateEntity).findOneBy({ exerciseId });
  }

  /**
   * Takes the hold of aar-freeze.ts: creates the state row as a draft if need be, then updates it draft → draft,
   * which locks it until the transaction ends. False when the AAR is published (nothing was held).
   */
  async holdDraft(m: EntityManager, exerciseId: string): Promise<boolean> {
    const repo = m.getRepository(AarStateEntity);
    await repo
      .createQueryBuilder()
      .insert()
      .values({ exerciseId, status: 'draft', publishedAt: null, publishedBy: null, snapshot: null })
      .orIgnore()
      .execute();
    const held = await repo.update({ exerciseId, status: 'draft' }, { status: 'draft' });
    return held.affected === 1;
  }

  /**
   * Sets the report's TLP marking while it is a draft (creating the draft state row if need be): one conditional
   * update, so it cannot slip in after a publication. False when the AAR is published.
   */
  async setMarking(exerciseId: string, marking: string): Promise<boolean> {
    return this.transaction(async (m) => {
      const repo = m.getRepository(AarStateEntity);
      await repo
        .createQueryBuilder()
        .insert()
        .values({ exerciseId, status: 'draft', publishedAt: null, publishedBy: null, snapshot: null, marking: null })
        .orIgnore()
        .execute();
      const done = await repo.update({ exerciseId, status: 'draft' }, { marking });
      return done.affected === 1;
    });
  }

  /** Draft → published with the frozen copy; false when it was not a draft. */
  async publish(m: EntityManager, exerciseId: string, publication: Publication): Promise<boolean> {
    const done = await m
      .getRepository(AarStateEntity)
      .update({ exerciseId, status: 'draft' }, { status: 'published', ...publication });
    return done.affected === 1;
  }

  /** Published → draft, the frozen copy dropped; false when it was not published. */
  async reopen(m: EntityManager, exerciseId: string): Promise<boolean> {
    const done = await m
      .getRepository(AarStateEntity)
      .update(
        { exerciseId, status: 'published' },
        { status: 'draft', publishedAt: null, publishedBy: null, snapshot: null },
      );
    return done.affected === 1;
  }

  /**
   * What the scores are computed from, counted (score and rating overrides, reports, released deliveries): equal
   * counts at two moments mean equal scores in between (see ReportingService.publish).
   */
  async scoreInputs(exerciseId: string, m?: EntityManager): Promise<number[]> {
    const on = this.manager(m);
    return Promise.all([
      on.getRepository(ScoreOverrideEntity).countBy({ exerciseId }),
      on.getRepository(RatingOverrideEntity).countBy({ exerciseId }),
      on.getRepository(IsmReportEntity).countBy({ exerciseId }),
      on.getRepository(DeliveryEntity).countBy({ exerciseId, status: In([...RELEASED_STATUSES]) }),
    ]);
  }

  /** The evaluators' notes, oldest first. */
  notes(exerciseId: string): Promise<AarNoteEntity[]> {
    return this.ds.getRepository(AarNoteEntity).find({ where: { exerciseId }, order: { at: 'ASC' } });
  }

  findNote(exerciseId: string, noteId: string): Promise<AarNoteEntity | null> {
    return this.ds.getRepository(AarNoteEntity).findOneBy({ id: noteId, exerciseId });
  }

  async addNote(note: AarNoteEntity): Promise<void> {
    await this.ds.getRepository(AarNoteEntity).insert(note);
  }

  async deleteNote(exerciseId: string, noteId: string): Promise<void> {
    await this.ds.getRepository(AarNoteEntity).delete({ id: noteId, exerciseId });
  }

  /** The improvement plan, oldest item first. */
  planItems(exerciseId: string): Promise<AarPlanItemEntity[]> {
    return this.ds.getRepository(AarPlanItemEntity).find({ where: { exerciseId }, order: { createdAt: 'ASC' } });
  }

  findPlanItem(exerciseId: string, itemId: string): Promise<AarPlanItemEntity | null> {
    return this.ds.getRepository(AarPlanItemEntity).findOneBy({ id: itemId, exerciseId });
  }

  async addPlanItem(item: AarPlanItemEntity): Promise<void> {
    await this.ds.getRepository(AarPlanItemEntity).insert(item);
  }

  async deletePlanItem(exerciseId: string, itemId: string): Promise<void> {
    await this.ds.getRepository(AarPlanItemEntity).delete({ id: itemId, exerciseId });
  }

  /** The names of the people the AAR and the scorecards mention (authors, evaluators, actors), by user id. */
  async userNames(userIds: string[]): Promise<Map<string, string>> {
    if (!userIds.length) return new Map();
    const users = await this.ds.getRepository(UserEntity).findBy({ id: In(userIds) });
    return new Map(users.map((u) => [u.id, u.name]));
  }

  /** The teams' countries, by team id (null when a team has none). */
  async teamCountries(teamIds: string[]): Promise<Map<string, string | null>> {
    const teams = await this.ds.getRepository(TeamEntity).findBy({ id: In(teamIds) });
    return new Map(teams.map((t) => [t.id, t.country]));
  }
}
