/**
 * What the runtime asks about ISM reports when it evaluates conditional injects. The ISM module provides the
 * real answer from stored reports; the runtime depends only on this question.
 */
export abstract class ReportLookup {
  /** Whether the team has sent at least one report (other than a bare acknowledgement) on the inject. */
  abstract hasReport(exerciseId: string, teamId: string, injectId: string): Promise<boolean>;
}
