import { performance } from 'node:perf_hooks';
import { Controller, Get, Header, Inject, Injectable, type OnModuleDestroy, Optional, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { hashToken, tokenMatches } from '@drill/auth';
import { Forbidden } from '@drill/contracts';
import { bearerToken } from '../auth/auth.guard.js';
import { AuthService } from '../auth/auth.service.js';
import { Public } from '../auth/decorators.js';
import { DRILL_CONFIG } from '../config/config.module.js';
import type { DrillConfig } from '../config/drill-config.js';

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
export class MetricsService implements OnModuleDestroy {
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

  /**
   * Event-loop delay, cumulative since start: how late a 10 ms timer fires. prom-client's
   * nodejs_eventloop_lag_p99_seconds is reset at every scrape; differencing two scrapes of this histogram gives the
   * percentiles of any window (the soak benchmark uses it).
   */
  readonly eventLoopDelay = new Histogram({
    name: 'drill_event_loop_delay_seconds',
    help: 'event-loop delay: how late a 10 ms interval timer fires',
    buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.03, 0.04, 0.05, 0.075, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  private readonly loopTimer: NodeJS.Timeout;

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    let last = performance.now();
    this.loopTimer = setInterval(() => {
      const now = performance.now();
      this.eventLoopDelay.observe(Math.max(0, now - last - 10) / 1000);
      last = now;
    }, 10);
    this.loopTimer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.loopTimer);
  }
}

@ApiTags('operations')
@Controller()
export class HealthController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly metrics: MetricsService,
    private readonly auth: AuthService,
    @Inject(DRILL_CONFIG) private readonly config: DrillConfig,
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

  /**
   * Prometheus text. Not public: it names exercises and shows load. Prometheus presents METRICS_TOKEN; a
   * controller may look with their own token.
   */
  @Get('metrics')
  @Public()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  async metricsText(@Req() req: Request): Promise<string> {
    const token = bearerToken(req.headers.authorization);
    const scraper =
      this.config.metricsToken && token !== undefined && tokenMatches(token, hashToken(this.config.metricsToken));
    if (!scraper) {
      const p = await this.auth.signIn(token, req.ip ?? 'unknown');
      if (p.role !== 'controller')
        throw new Forbidden(`role ${p.role} may not read metrics (controllers, or METRICS_TOKEN)`);
    }
    return this.metrics.registry.metrics();
  }
}
