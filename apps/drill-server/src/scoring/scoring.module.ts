import { Module } from '@nestjs/common';
import { IsmModule } from '../ism/ism.module.js';
import { ScoringController } from './scoring.controller.js';
import { ScoringService } from './scoring.service.js';

@Module({
  imports: [IsmModule],
  controllers: [ScoringController],
  providers: [ScoringService],
  exports: [ScoringService],
})
export class ScoringModule {}
