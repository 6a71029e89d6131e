import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
import { from, mergeMap, type Observable } from 'rxjs';
import type { Principal } from '@drill/auth';
import { AuditService } from './audit.service.js';

/** What a handler may tell the audit log about the change it made; the interceptor fills in who/when/what. */
export interface AuditDetail {
  action?: string;
  targetType?: string;
  targetId?: string;
  exerciseId?: string;
  before?: unknown;
  after?: unknown;
}

export type AuditedRequest = Request & { principal?: Principal; audit?: AuditDetail; id?: string };

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Every successful state-changing request leaves one audit event, whether or not its handler remembered to
 * write one. Routes that change nothing (a dry-run validation) opt out with `req.audit = { action: '' }`.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(private readonly audit: AuditService) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (ctx.getType() !== 'http') return next.handle();
    const req = ctx.switchToHttp().getRequest<AuditedRequest>();
    if (!STATE_CHANGING.has(req.method)) return next.handle();
    return next.handle().pipe(
      mergeMap((result) =>
        from(
          (async () => {
            const d = req.audit ?? {};
            if (d.action === '') return result; // the handler changed nothing (e.g. a dry-run validation)
            const route = (req.route as { path?: string } | undefined)?.path ?? req.path;
            await this.audit.record({
              actorUserId: req.principal?.userId,
              actorRole: req.principal?.role,
              action: d.action ?? `${req.method} ${route}`,
              targetType: d.targetType,
              targetId: d.targetId ?? (req.params as Record<string, string>)?.id,
              exerciseId:
                d.exerciseId ??
                (route.startsWith('/api/exercises/') ? (req.params as Record<string, string>).id : undefined),
              before: d.before,
              after: d.after,
              requestId: req.id ? String(req.id) : undefined,
            });
            return result;
          })(),
        ),
      ),
    );
  }
}
