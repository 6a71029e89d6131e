import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import type { Socket } from 'socket.io';
import { DrillError } from '@drill/contracts';
import type { Principal } from '@drill/auth';
import { toErrorBody } from '../common/error-filter.js';
import { validateDto } from '../common/validation.js';
import { CreateReportDto } from './ism.dto.js';
import { IsmService } from './ism.service.js';

/** `ism.report` from a client: the same validation and rules as the REST route; the ack carries {id} or {error}. */
@WebSocketGateway({ namespace: '/drill' })
export class IsmGateway {
  constructor(private readonly ism: IsmService) {}

  @SubscribeMessage('ism.report')
  async onReport(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown) {
    const { principal, exerciseId } = socket.data as { principal: Principal; exerciseId: string };
    const { value, problems } = await validateDto(CreateReportDto, body);
    if (!value)
      return {
        error: {
          statusCode: 400,
          error: 'Bad Request',
          message: problems.map((d) => `${d.path}: ${d.message}`).join('; '),
          details: problems,
        },
      };
    try {
      const r = await this.ism.submit(exerciseId, principal, value);
      return { id: r.id };
    } catch (e) {
      if (e instanceof DrillError) return { error: toErrorBody(e) };
      throw e;
    }
  }
}
