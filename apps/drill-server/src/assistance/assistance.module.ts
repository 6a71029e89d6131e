import { Module } from '@nestjs/common';
import { ScoringModule } from '../scoring/scoring.module.js';
import { AssistanceController } from './assistance.controller.js';
import { AssistanceRepository } from './assistance.repository.js';
import { AssistanceService } from './assistance.service.js';

/** Requests for assistance between teams and drill control, and the cooperation score they give. */
@Module({
  imports: [ScoringModule],
  controllers: [AssistanceController],
  providers: [AssistanceRepository, AssistanceService],
  exports: [AssistanceService],
})
export class AssistanceModule {}
