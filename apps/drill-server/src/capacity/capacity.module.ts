import { Module } from '@nestjs/common';
import { ReportingModule } from '../reporting/reporting.module.js';
import { ScoringModule } from '../scoring/scoring.module.js';
import { CapacityController } from './capacity.controller.js';
import { CapacityRepository } from './capacity.repository.js';
import { CapacityService } from './capacity.service.js';

/** Capacity across drills: each team's history and the trends by capability and GCI tier (`/api/capacity`). */
@Module({
  imports: [ScoringModule, ReportingModule],
  controllers: [CapacityController],
  providers: [CapacityService, CapacityRepository],
})
export class CapacityModule {}
