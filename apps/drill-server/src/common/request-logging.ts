import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { CREDENTIAL_PARAMS, redactUrl } from './http-hardening.js';

/** One JSON log line per request, tagged with a request id that is echoed back as X-Request-Id. */
export function requestLogging(logger: Logger) {
  return pinoHttp({
    logger,
    genReqId: (req: IncomingMessage, res: ServerResponse) => {
      const given = req.headers['x-request-id'];
      const id = typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    // Tokens must never reach a log file.
    redact: ['req.headers.authorization', 'req.headers.cookie', ...CREDENTIAL_PARAMS.map((p) => `req.query.${p}`)],
    serializers: {
      // A token sent in the URL is refused, but the refusal is logged: without its value.
      req: (req: { url?: string }) => (req.url ? Object.assign(req, { url: redactUrl(req.url) }) : req),
    },
    customLogLevel: (_req, res, err) =>
      err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
  });
}
