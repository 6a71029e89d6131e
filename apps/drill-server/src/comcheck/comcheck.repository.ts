import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, IsNull, type DataSource, type EntityManager } from 'typeorm';
import { ComcheckEntity, ComcheckReceiptEntity, ExerciseTeamEntity, UserEntity } from '@drill/persistence';
import { DrillRepository } from '../runtime/drill.repository.js';

/** Communications checks and their receipts. A receipt's first reached / confirmed instant stands. */
@Injectable()
export class ComcheckRepository extends DrillRepository {
  constructor(@InjectDataSource() ds: DataSource) {
    super(ds);
  }

  /** The check and one unanswered receipt per person on the roll, in one unit of work with the caller's audit row. */
  async insert(
    m: EntityManager,
    check: ComcheckEntity,
    roll: readonly { userId: string; teamId: string }[],
  ): Promise<void> {
    await m.insert(ComcheckEntity, check);
    for (let i = 0; i < roll.length; i += 200) {
      const chunk = roll.slice(i, i + 200).map((p) => ({
        comcheckId: check.id,
        userId: p.userId,
        teamId: p.teamId,
        reachedAt: null,
        confirmedAt: null,
        confirmedVia: null,
      }));
      await m.createQueryBuilder().insert().into(ComcheckReceiptEntity).values(chunk).orIgnore().execute();
    }
  }

  listOf(exerciseId: string): Promise<ComcheckEntity[]> {
    return this.ds.getRepository(ComcheckEntity).find({ where: { exerciseId }, order: { sentAt: 'ASC', id: 'ASC' } });
  }

  find(exerciseId: string, comcheckId: string): Promise<ComcheckEntity | null> {
    return this.ds.getRepository(ComcheckEntity).findOneBy({ id: comcheckId, exerciseId });
  }

  receiptsOf(comcheckIds: readonly string[]): Promise<ComcheckReceiptEntity[]> {
    if (!comcheckIds.length) return Promise.resolve([]);
    return this.ds.getRepository(ComcheckReceiptEntity).findBy({ comcheckId: In([...comcheckIds]) });
  }

  /** The ids of the checks of this exercise the person has confirmed. */
  async confirmedBy(exerciseId: string, userId: string): Promise<Set<string>> {
    const rows = await this.ds
      .getRepository(ComcheckReceiptEntity)
      .createQueryBuilder('r')
      .innerJoin(ComcheckEntity, 'c', 'c.id = r.comcheckId AND c.exerciseId = :exerciseId', { exerciseId })
      .where('r.userId = :userId AND r.confirmedAt IS NOT NULL', { userId })
      .getMany();
    return new Set(rows.map((r) => r.comcheckId));
  }

  /** The participants of the exercise's enrolled teams: who a check asks to answer. */
  rollOf(exerciseId: string): Promise<UserEntity[]> {
    return this.ds
      .getRepository(UserEntity)
      .createQueryBuilder('u')
      .innerJoin(ExerciseTeamEntity, 'et', 'et.teamId = u.teamId AND et.exerciseId = :exerciseId', { exerciseId })
      .where("u.role = 'participant'")
      .orderBy('u.name', 'ASC')
      .addOrderBy('u.id', 'ASC')
      .getMany();
  }

  /** A person missing from the roll when the check was sent (enrolled since): their receipt, unanswered. */
  private async ensureReceipt(m: EntityManager, comcheckId: string, userId: string, teamId: string): Promise<void> {
    await m
      .createQueryBuilder()
      .insert()
      .into(ComcheckReceiptEntity)
      .values({ comcheckId, userId, teamId, reachedAt: null, confirmedAt: null, confirmedVia: null })
      .orIgnore()
      .execute();
  }

  /** Records that the check reached the person; true when this is the first time. */
  async markReached(comcheckId: string, userId: string, teamId: string, at: number): Promise<boolean> {
    return this.transaction(async (m) => {
      await this.ensureReceipt(m, comcheckId, userId, teamId);
      const r = await m.update(ComcheckReceiptEntity, { comcheckId, userId, reachedAt: IsNull() }, { reachedAt: at });
      return (r.affected ?? 0) > 0;
    });
  }

  /**
   * Records the person's confirmation (and that it reached them, if no receipt said so); the receipt as it stands
   * afterwards and whether this was the first confirmation. `audit` writes its row in the same unit of work, and
   * only for a first confirmation.
   */
  async confirm(
    comcheckId: string,
    userId: string,
    teamId: string,
    at: number,
    via: 'socket' | 'http',
    audit: (m: EntityManager) => Promise<void>,
  ): Promise<{ first: boolean; receipt: ComcheckReceiptEntity }> {
    return this.transaction(async (m) => {
      await this.ensureReceipt(m, comcheckId, userId, teamId);
      const r = await m.update(
        ComcheckReceiptEntity,
        { comcheckId, userId, confirmedAt: IsNull() },
        { confirmedAt: at, confirmedVia: via },
      );
      const first = (r.affected ?? 0) > 0;
      await m.update(ComcheckReceiptEntity, { comcheckId, userId, reachedAt: IsNull() }, { reachedAt: at });
      if (first) await audit(m);
      const receipt = await m.findOneByOrFail(ComcheckReceiptEntity, { comcheckId, userId });
      return { first, receipt };
    });
  }
}
