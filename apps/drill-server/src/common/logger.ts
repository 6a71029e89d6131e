import type { LoggerService } from '@nestjs/common';
import { pino, type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from '../config/drill-config.js';

export function createRootLogger(level: LogLevel, destination?: DestinationStream): Logger {
  const options = { level, base: { service: 'drill-server' }, timestamp: pino.stdTimeFunctions.isoTime };
  return destination ? pino(options, destination) : pino(options);
}

/**
 * Nest's own start-up chatter: a line per module loaded, per controller and per route mapped (~55 of them), and
 * "successfully started". Useful when debugging the wiring, noise otherwise: it pushed the first controller's token
 * off the screen. Logged at debug.
 */
export const NEST_STARTUP_CONTEXTS: ReadonlySet<string> = new Set([
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'WebSocketsController',
  'NestApplication',
]);

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
    const context = rest[rest.length - 1];
    this.write(typeof context === 'string' && NEST_STARTUP_CONTEXTS.has(context) ? 'debug' : 'info', message, rest);
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

export interface StartupFacts {
  /** The address the server listens on, as given (HOST); undefined or a wildcard = every interface. */
  host?: string;
  port: number;
  mode: string;
  database: string;
  /** The first controller, when this start created it and generated its token. */
  firstController?: { name: string; token: string };
}

/** The console's address for people: a wildcard bind is reached at localhost; an IPv6 address goes in brackets. */
export function consoleUrl(host: string | undefined, port: number): string {
  const h = !host || host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `http://${h}:${port}/`;
}

/**
 * What the server prints once it listens, after every log line of the start: where it runs, then the console's
 * address, and last — so it is what stays on screen — the first controller's token with what to do with it.
 */
export function startupBanner(f: StartupFacts): string {
  const url = consoleUrl(f.host, f.port);
  const lines = ['', `drill-server ready — ${f.mode}, ${f.database}; API docs at ${url}api/docs`, `Console: ${url}`];
  if (f.firstController) {
    lines.push(
      '',
      `First start: created controller "${f.firstController.name}". Its bearer token, shown only this once — store it, then sign in at ${url} with it:`,
      '',
      `  ${f.firstController.token}`,
    );
  }
  return lines.join('\n') + '\n';
}
