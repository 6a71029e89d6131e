import { Module } from '@nestjs/common';
import { ComcheckController } from './comcheck.controller.js';
import { ComcheckGateway } from './comcheck.gateway.js';
import { ComcheckRepository } from './comcheck.repository.js';
import { ComcheckService } from './comcheck.service.js';

/** The communications check: drill control asks every participant to confirm they can be reached. */
@Module({
  controllers: [ComcheckController],
  providers: [ComcheckRepository, ComcheckService, ComcheckGateway],
  exports: [ComcheckService],
})
export class ComcheckModule {}
