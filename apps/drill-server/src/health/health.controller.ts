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
  check(): Promise<void>;
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
    const ok = Object.values(checks).every((v) => v === 'up');
    if (!ok) res.status(503);
    return { status: ok ? 'ok' : 'unavailable', checks };
  }

  @Get('metrics')
  @Public()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  metricsText(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
