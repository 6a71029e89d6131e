import { Module } from '@nestjs/common';
import { AssistanceModule } from '../assistance/assistance.module.js';
import { ComcheckModule } from '../comcheck/comcheck.module.js';
import { FeedbackModule } from '../feedback/feedback.module.js';
import { IsmModule } from '../ism/ism.module.js';
import { ScoringModule } from '../scoring/scoring.module.js';
import { AarPdfPrinter } from './aar-pdf.js';
import { ReportingController } from './reporting.controller.js';
import { ReportingService } from './reporting.service.js';

/** The after-action report: evaluators' notes, improvement plan and marking, the report in HTML/PDF/JSON/CSV, publishing. */
@Module({
  imports: [ScoringModule, IsmModule, FeedbackModule, ComcheckModule, AssistanceModule],
  controllers: [ReportingController],
  providers: [ReportingService, AarPdfPrinter],
  exports: [ReportingService],
})
export class ReportingModule {}
