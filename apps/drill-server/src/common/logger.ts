import type { LoggerService } from '@nestjs/common';
import { pino, type Logger } from 'pino';
import type { LogLevel } from '../config/drill-config.js';

export function createRootLogger(level: LogLevel): Logger {
  return pino({ level, base: { service: 'drill-server' }, timestamp: pino.stdTimeFunctions.isoTime });
}

/** Routes Nest's own log lines into the same structured JSON stream as request logs. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly pinoLogger: Logger) {}
  private write(level: 'info' | 'error' | 'warn' | 'debug' | 'trace', message: unknown, rest: unknown[]) {
    const context = rest.length ? rest[rest.length - 1] : undefined;
    const extra = typeof context === 'string' ? { context } : {};
    if (message instanceof Error) this.pinoLogger[level]({ ...extra, err: message }, message.message);
    else if (typeof message === 'object') this.pinoLogger[level]({ ...extra, ...(message as object) });
    else this.pinoLogger[level](extra, String(message));
  }
  log(message: unknown, ...rest: unknown[]) {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]) {
    // Nest passes (message, stack, context); keep the stack.
    const stack = rest.length > 1 && typeof rest[0] === 'string' ? rest[0] : undefined;
    this.write('error', stack ? { msg: String(message), stack } : message, rest.slice(stack ? 1 : 0));
  }
  warn(message: unknown, ...rest: unknown[]) {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]) {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]) {
    this.write('trace', message, rest);
  }
}
