import type { EntityManager } from 'typeorm';
import { Conflict } from '@drill/contracts';
import { AarStateEntity } from '@drill/persistence';

const iso = (ms: number | null) => (ms === null ? 'an unknown time' : new Date(ms).toISOString());

/**
 * Publication freezes scores. Whatever changes a figure that the AAR shows (a score or rating override) and the
 * publication itself take this hold on the exercise's AAR state row first, inside their transaction: the row is
 * created as a draft if need be and then updated draft → draft, which locks it until the transaction ends (a row
 * lock on PostgreSQL; the whole connection on SQLite, where one transaction runs at a time). So an override either
 * commits before publication reads the scores, or waits and then finds the AAR published and is refused with 409.
 * The caller must run inside `ds.transaction(m => …)` and pass its manager.
 */
export async function holdDraftAar(m: EntityManager, exerciseId: string, doing: string): Promise<void> {
  const repo = m.getRepository(AarStateEntity);
  await repo
    .createQueryBuilder()
    .insert()
    .values({ exerciseId, status: 'draft', publishedAt: null, publishedBy: null, snapshot: null })
    .orIgnore()
    .execute();
  const held = await repo.update({ exerciseId, status: 'draft' }, { status: 'draft' });
  if (held.affected === 1) return;
  const row = await repo.findOneBy({ exerciseId });
  throw new Conflict(
    `the AAR of exercise ${exerciseId} was published at ${iso(row?.publishedAt ?? null)}: scores are frozen, ` +
      `so ${doing} is refused until an evaluator reopens it (POST /api/exercises/${exerciseId}/aar/reopen with a reason)`,
  );
}
