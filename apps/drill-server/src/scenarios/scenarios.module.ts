import { Module } from '@nestjs/common';
import { ScenarioRepository } from './scenario.repository.js';
import { ScenarioValidator } from './scenario-validator.js';
import { ScenariosController } from './scenarios.controller.js';
import { ScenariosService } from './scenarios.service.js';

/** Scenario authoring (`/api/scenarios`): validation in a worker, versions, MSEL import and export, the samples. */
@Module({
  controllers: [ScenariosController],
  providers: [ScenariosService, ScenarioValidator, ScenarioRepository],
})
export class ScenariosModule {}
