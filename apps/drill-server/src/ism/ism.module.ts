import { Module } from '@nestjs/common';
import { IsmController } from './ism.controller.js';
import { IsmGateway } from './ism.gateway.js';
import { IsmService } from './ism.service.js';

@Module({
  controllers: [IsmController],
  providers: [IsmService, IsmGateway],
  exports: [IsmService],
})
export class IsmModule {}
