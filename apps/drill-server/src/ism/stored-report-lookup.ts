import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThanOrEqual, type EntityManager, type Repository } from 'typeorm';
import { IsmReportEntity } from '@drill/persistence';
import { ReportLookup } from '../runtime/report-lookup.js';

/** Answers the runtime's trigger questions from the stored ISM reports. */
@Injectable()
export class StoredReportLookup extends ReportLookup {
  constructor(@InjectRepository(IsmReportEntity) private readonly reports: Repository<IsmReportEntity>) {
    super();
  }

  async hasReport(
    exerciseId: string,
    teamId: string,
    injectId: string,
    byScenarioMs: number,
    m?: EntityManager,
  ): Promise<boolean> {
    const rows = await (m ? m.getRepository(IsmReportEntity) : this.reports).find({
      where: { exerciseId, teamId, submittedScenarioMs: LessThanOrEqual(byScenarioMs) },
      select: { kind: true, injectIds: true },
    });
    return rows.some((r) => r.kind !== 'acknowledgement' && r.injectIds.includes(injectId));
  }
}
