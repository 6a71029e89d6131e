import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ReportLookup } from '../runtime/report-lookup.js';
import { ReportRepository } from './report.repository.js';

/** Answers the runtime's trigger questions from the stored ISM reports. */
@Injectable()
export class StoredReportLookup extends ReportLookup {
  constructor(private readonly reports: ReportRepository) {
    super();
  }

  hasReport(
    exerciseId: string,
    teamId: string,
    injectId: string,
    byScenarioMs: number,
    m?: EntityManager,
  ): Promise<boolean> {
    return this.reports.hasReportOn(exerciseId, teamId, injectId, byScenarioMs, m);
  }
}
