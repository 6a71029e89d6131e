import { ArgumentsHost, BadRequestException, Catch, Logger, type ExceptionFilter } from '@nestjs/common';
import { WsException } from '@nestjs/websockets';
import type { Socket } from 'socket.io';
import type { ErrorBody, SocketException } from '@drill/contracts';
import { toErrorBody } from './error-filter.js';

/** Nest's own socket error carries a string or an object of ours; it is a bad request either way. */
function asHttp(e: unknown): unknown {
  if (!(e instanceof WsException)) return e;
  const r = e.getError();
  return new BadRequestException(typeof r === 'string' ? r : (r as Record<string, unknown>));
}

/**
 * The socket twin of DrillExceptionFilter: a `@SubscribeMessage` handler that throws is answered on its
 * acknowledgement with `{error}`, the same body REST would send (a domain error keeps its status and details, an
 * unexpected one is a 500 that says nothing of its internals and is logged). An event sent without an
 * acknowledgement callback gets the body as an `exception` event instead, so a failure is never silent.
 */
@Catch()
export class DrillWsExceptionFilter implements ExceptionFilter {
  private readonly log = new Logger('socket');

  catch(e: unknown, host: ArgumentsHost): void {
    const ws = host.switchToWs();
    const body: ErrorBody = toErrorBody(asHttp(e));
    if (body.statusCode >= 500) this.log.error(e instanceof Error ? e : String(e));
    // socket.io hands Nest (socket, data, ack?); the ack, when the client asked for one, is the third argument.
    const ack: unknown = host.getArgByIndex(2);
    if (typeof ack === 'function') return void (ack as (reply: { error: ErrorBody }) => void)({ error: body });
    const failure: SocketException = { event: String(ws.getPattern()), error: body };
    ws.getClient<Socket>().emit('exception', failure);
  }
}
