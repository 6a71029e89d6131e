import { Module } from '@nestjs/common';
import { IsmModule } from '../ism/ism.module.js';
import { ScoringModule } from '../scoring/scoring.module.js';
import { ReportingController } from './reporting.controller.js';
import { ReportingService } from './reporting.service.js';

/** The after-action report: evaluators' notes and improvement plan, the report in HTML/JSON/CSV, publishing. */
@Module({
  imports: [ScoringModule, IsmModule],
  controllers: [ReportingController],
  providers: [ReportingService],
})
export class ReportingModule {}
