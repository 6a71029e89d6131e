import { Controller, Get, Header, Inject, Injectable, Optional, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { Public } from '../auth/decorators.js';

/** Probes that `/health` asks besides the database (Redis, when cluster mode uses it). */
export const HEALTH_PROBES = Symbol('HEALTH_PROBES');
export interface HealthProbe {
  name: string;
  /** Throws, with what is wrong, when down. */
  check(): Promise<void>;
  /**
   * false: a finding about the drills, not about this replica (a stalled exercise): reported, and the status says
   * `degraded`, but the replica stays ready (200) so a load balancer keeps routing to it.
   */
  readiness?: boolean;
}

@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  readonly httpRequests = new Counter({
    name: 'drill_http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'],
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'drill_http_request_duration_seconds',
    help: 'HTTP request duration',
    labelNames: ['method', 'route'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  readonly releaseFailures = new Counter({
    name: 'drill_release_failures_total',
    help: 'release passes that failed (database or Redis unreachable) and were retried',
    registers: [this.registry],
  });
  readonly sweepHeals = new Counter({
    name: 'drill_sweep_heals_total',
    help: 'exercises the periodic sweep found with an overdue release or start, and released or started',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}

@ApiTags('operations')
@Controller()
export class HealthController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly metrics: MetricsService,
    @Optional() @Inject(HEALTH_PROBES) private readonly probes: HealthProbe[] = [],
  ) {}

  @Get('health')
  @Public()
  async health(@Res({ passthrough: true }) res: Response) {
    const checks: Record<string, string> = {};
    const run = async (name: string, f: () => Promise<unknown>) => {
      try {
        await f();
        checks[name] = 'up';
      } catch (e) {
        checks[name] = `down: ${(e as Error).message}`;
      }
    };
    await run('database', () => this.db.query('SELECT 1'));
    for (const p of this.probes ?? []) await run(p.name, () => p.check());
    const critical = new Set([
      'database',
      ...(this.probes ?? []).filter((p) => p.readiness !== false).map((p) => p.name),
    ]);
    const ok = Object.entries(checks).every(([name, v]) => v === 'up' || !critical.has(name));
    if (!ok) res.status(503);
    const clean = Object.values(checks).every((v) => v === 'up');
    return { status: !ok ? 'unavailable' : clean ? 'ok' : 'degraded', checks };
  }

  @Get('metrics')
  @Public()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  metricsText(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
