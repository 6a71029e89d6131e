import { UseFilters } from '@nestjs/common';
import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { DRILL_NAMESPACE, type IsmReportReply } from '@drill/contracts';
import { badRequest } from '../common/error-filter.js';
import { validateDto } from '../common/validation.js';
import { DrillWsExceptionFilter } from '../common/ws-error-filter.js';
import type { DrillSocket } from '../runtime/live-channel.js';
import { CreateReportDto } from './ism.dto.js';
import { IsmService } from './ism.service.js';

/**
 * `ism.report` from a client: the same validation and rules as the REST route. The ack carries `{ok, id}`, or
 * `{error}` with the body REST would answer (400 naming the field, 422 for a TLP rule, 429, ...).
 */
@WebSocketGateway({ namespace: DRILL_NAMESPACE })
@UseFilters(DrillWsExceptionFilter)
export class IsmGateway {
  constructor(private readonly ism: IsmService) {}

  @SubscribeMessage('ism.report')
  async onReport(@ConnectedSocket() socket: DrillSocket, @MessageBody() body: unknown): Promise<IsmReportReply> {
    const { principal, exerciseId } = socket.data;
    const { value, problems } = await validateDto(CreateReportDto, body);
    if (!value) throw badRequest(problems);
    const r = await this.ism.submit(exerciseId, principal, value);
    return { ok: true, id: r.id };
  }
}
