import { Module } from '@nestjs/common';
import { IocController } from './ioc.controller.js';
import { IsmController } from './ism.controller.js';
import { IsmGateway } from './ism.gateway.js';
import { IsmService } from './ism.service.js';

@Module({
  controllers: [IsmController, IocController],
  providers: [IsmService, IsmGateway],
  exports: [IsmService],
})
export class IsmModule {}
