import { Module } from '@nestjs/common';
import { IsmModule } from '../ism/ism.module.js';
import { AarRepository } from '../reporting/aar.repository.js';
import { ScoreRepository } from './score.repository.js';
import { ScoringController } from './scoring.controller.js';
import { ScoringService } from './scoring.service.js';

/**
 * Scores, scorecards and evaluators' overrides. The AAR's repository is provided here, not by the reporting module:
 * an override takes the AAR's draft hold (aar-freeze.ts), and the reporting module builds on this one.
 */
@Module({
  imports: [IsmModule],
  controllers: [ScoringController],
  providers: [ScoringService, ScoreRepository, AarRepository],
  exports: [ScoringService, AarRepository],
})
export class ScoringModule {}
