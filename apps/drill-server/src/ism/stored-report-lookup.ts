import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { IsmReportEntity } from '@drill/persistence';
import { ReportLookup } from '../runtime/report-lookup.js';

/** Answers the runtime's trigger questions from the stored ISM reports. */
@Injectable()
export class StoredReportLookup extends ReportLookup {
  constructor(@InjectRepository(IsmReportEntity) private readonly reports: Repository<IsmReportEntity>) {
    super();
  }

  async hasReport(exerciseId: string, teamId: string, injectId: string): Promise<boolean> {
    const rows = await this.reports.find({ where: { exerciseId, teamId }, select: { kind: true, injectIds: true } });
    return rows.some((r) => r.kind !== 'acknowledgement' && r.injectIds.includes(injectId));
  }
}
