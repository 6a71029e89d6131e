import type { EntityManager } from 'typeorm';
import { Conflict } from '@drill/contracts';
import type { AarRepository } from '../reporting/aar.repository.js';

const iso = (ms: number | null) => (ms === null ? 'an unknown time' : new Date(ms).toISOString());

/**
 * Publication freezes scores. Whatever changes a figure that the AAR shows (a score or rating override) and the
 * publication itself take this hold on the exercise's AAR state row first, inside their transaction: the row is
 * created as a draft if need be and then updated draft → draft, which locks it until the transaction ends (a row
 * lock on PostgreSQL; the whole connection on SQLite, where one transaction runs at a time). So an override either
 * commits before publication reads the scores, or waits and then finds the AAR published and is refused with 409.
 * The caller must run inside a transaction (`repository.transaction(m => …)`) and pass its manager.
 */
export async function holdDraftAar(
  aar: AarRepository,
  m: EntityManager,
  exerciseId: string,
  doing: string,
): Promise<void> {
  if (await aar.holdDraft(m, exerciseId)) return;
  const row = await aar.state(exerciseId, m);
  throw new Conflict(
    `the AAR of exercise ${exerciseId} was published at ${iso(row?.publishedAt ?? null)}: scores are frozen, ` +
      `so ${doing} is refused until an evaluator reopens it (POST /api/exercises/${exerciseId}/aar/reopen with a reason)`,
  );
}
