import type { EntityManager } from 'typeorm';

/**
 * What the runtime asks about ISM reports when it evaluates conditional injects. The ISM module provides the
 * real answer from stored reports; the runtime depends only on this question.
 */
export abstract class ReportLookup {
  /**
   * Whether the team sent, by scenario time `byScenarioMs`, at least one report (other than a bare acknowledgement)
   * on the inject. Asked inside the release's transaction when `m` is given.
   */
  abstract hasReport(
    exerciseId: string,
    teamId: string,
    injectId: string,
    byScenarioMs: number,
    m?: EntityManager,
  ): Promise<boolean>;
}
