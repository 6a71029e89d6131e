import { Controller, Get, Header, Inject, Optional, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ApiTags } from '@nestjs/swagger';
import { hashToken, tokenMatches } from '@drill/auth';
import { Forbidden } from '@drill/contracts';
import { bearerToken } from '../auth/auth.guard.js';
import { AuthService } from '../auth/auth.service.js';
import { Public } from '../auth/decorators.js';
import { DRILL_CONFIG } from '../config/config.module.js';
import type { DrillConfig } from '../config/drill-config.js';
import { HEALTH_PROBES, type HealthProbe } from './health-probe.js';
import { HealthRepository } from './health.repository.js';
import { MetricsService } from './metrics.service.js';

@ApiTags('operations')
@Controller()
export class HealthController {
  constructor(
    private readonly database: HealthRepository,
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
    await run('database', () => this.database.ping());
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
