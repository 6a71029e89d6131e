import { Logger, UseFilters } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
  type OnGatewayConnection,
  type OnGatewayInit,
} from '@nestjs/websockets';
import { DRILL_NAMESPACE, type ComcheckConfirmReply, type ComcheckPayload } from '@drill/contracts';
import { badRequest } from '../common/error-filter.js';
import { validateDto } from '../common/validation.js';
import { DrillWsExceptionFilter } from '../common/ws-error-filter.js';
import type { DrillNamespace, DrillSocket } from '../runtime/live-channel.js';
import { ComcheckConfirmDto } from './comcheck.dto.js';
import { COMCHECK_SIGNAL, ComcheckService } from './comcheck.service.js';

/**
 * The communications check on /drill: a participant's console connecting before they confirm the latest check gets
 * it (so a reconnect never loses it), and `comcheck.confirm` answers it with the same rules as the REST route; the
 * ack is `{ok, firstConfirmation, confirmedAt}` or `{error}` with the REST body (403, 400, 404, 409).
 */
@WebSocketGateway({ namespace: DRILL_NAMESPACE })
@UseFilters(DrillWsExceptionFilter)
export class ComcheckGateway implements OnGatewayInit, OnGatewayConnection {
  private readonly log = new Logger('comcheck');

  constructor(private readonly comchecks: ComcheckService) {}

  afterInit(ns: DrillNamespace): void {
    // Another replica sent a check: this one serves its own sockets.
    (ns as unknown as { on(e: string, l: (p: ComcheckPayload) => void): void }).on(COMCHECK_SIGNAL, (payload) =>
      this.comchecks.deliverLocally(payload),
    );
  }

  handleConnection(socket: DrillSocket): void {
    this.comchecks.onConnect(socket).catch((e: unknown) => this.log.error(e as Error));
  }

  @SubscribeMessage('comcheck.confirm')
  async onConfirm(@ConnectedSocket() socket: DrillSocket, @MessageBody() body: unknown): Promise<ComcheckConfirmReply> {
    const { principal, exerciseId } = socket.data;
    const { value, problems } = await validateDto(ComcheckConfirmDto, body);
    if (!value) throw badRequest(problems);
    return this.comchecks.confirm(exerciseId, principal, value.comcheckId, 'socket');
  }
}
