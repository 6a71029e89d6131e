import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { ConsoleLogger, Logger } from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/internal';
import { WsException } from '@nestjs/websockets';
import { Conflict, NotFound, type ErrorBody } from '@drill/contracts';
import { badRequest } from './error-filter.js';
import { DrillWsExceptionFilter } from './ws-error-filter.js';

/** What a socket receives when a handler throws, with and without an acknowledgement callback. */
function answer(e: unknown, withAck = true) {
  const acks: unknown[] = [];
  const emitted: [string, unknown][] = [];
  const socket = { emit: (event: string, data: unknown) => emitted.push([event, data]) };
  // The arguments Nest's socket.io adapter hands a @SubscribeMessage handler: socket, data, ack?, then the pattern.
  const ack = withAck ? (reply: unknown) => acks.push(reply) : undefined;
  const host = new ExecutionContextHost([socket, { injectId: 'I-01' }, ack, 'inject.ack']);
  host.setType('ws');
  new DrillWsExceptionFilter().catch(e, host);
  return { acks, emitted };
}

describe('DrillWsExceptionFilter', () => {
  beforeEach(() => Logger.overrideLogger(false)); // the 500 case logs, on purpose
  afterEach(() => Logger.overrideLogger(new ConsoleLogger()));

  it('acknowledges a domain error with the REST body, details included', () => {
    const e = new NotFound('no inject X', [{ path: '/injectId', message: 'unknown' }]);
    expect(answer(e).acks).toEqual([
      {
        error: {
          statusCode: 404,
          error: 'Not Found',
          message: 'no inject X',
          details: [{ path: '/injectId', message: 'unknown' }],
        },
      },
    ]);
  });

  it('acknowledges a validation failure with 400 naming the field', () => {
    const { acks } = answer(badRequest([{ path: '/kind', message: 'kind must be one of …' }]));
    expect(acks).toEqual([
      {
        error: {
          statusCode: 400,
          error: 'Bad Request',
          message: '/kind: kind must be one of …',
          details: [{ path: '/kind', message: 'kind must be one of …' }],
        },
      },
    ]);
  });

  it('answers an unexpected error with a 500 that says nothing of it', () => {
    const { acks } = answer(new Error('SQLITE_CORRUPT: database disk image is malformed at /var/lib/drill.db'));
    const body = (acks[0] as { error: ErrorBody }).error;
    expect(body).toEqual({ statusCode: 500, error: 'Internal Server Error', message: expect.any(String) });
    expect(JSON.stringify(body)).not.toMatch(/SQLITE|drill\.db/);
  });

  it("reads Nest's own WsException as a bad request", () => {
    expect(answer(new WsException('no')).acks).toEqual([
      { error: { statusCode: 400, error: 'Bad Request', message: 'no' } },
    ]);
    const { acks } = answer(new WsException({ message: 'bad', details: [{ path: '/x', message: 'bad' }] }));
    expect(acks).toEqual([
      { error: { statusCode: 400, error: 'Bad Request', message: 'bad', details: [{ path: '/x', message: 'bad' }] } },
    ]);
  });

  it('emits `exception` naming the event when the client gave no acknowledgement callback', () => {
    const { acks, emitted } = answer(new Conflict('the exercise is completed'), false);
    expect(acks).toEqual([]);
    expect(emitted).toEqual([
      [
        'exception',
        { event: 'inject.ack', error: { statusCode: 409, error: 'Conflict', message: 'the exercise is completed' } },
      ],
    ]);
  });
});
