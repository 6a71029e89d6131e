import 'reflect-metadata';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import { AppModule } from './app.module.js';
import { createRootLogger, PinoNestLogger } from './common/logger.js';
import { repoRoot } from './common/repo-files.js';
import { requestLogging } from './common/request-logging.js';
import { DrillExceptionFilter } from './common/error-filter.js';
import { drillValidationPipe } from './common/validation.js';
import { parseDrillConfig, type DrillConfig } from './config/drill-config.js';
import { MetricsService } from './health/metrics.service.js';
import { DrillIoAdapter, RedisIoAdapter } from './runtime/redis-io.adapter.js';
import { refuseCredentialsInUrl, refuseDeepBodies, securityHeaders } from './common/http-hardening.js';

export interface DrillApp {
  app: NestExpressApplication;
  config: DrillConfig;
}

/**
 * Builds the configured application without listening, so that main.ts, the CLI and the e2e tests all start
 * exactly the same server. `env` overrides process.env (tests never mutate the process environment).
 */
export async function createDrillApp(env: Record<string, string | undefined> = {}): Promise<DrillApp> {
  // The one parse: every module gets this object (DRILL_CONFIG). A bad setting stops here, before Nest starts,
  // with one line naming it.
  const config = parseDrillConfig({ ...process.env, ...env });
  const logger = createRootLogger(config.logLevel);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bodyParser: false,
    rawBody: true, // JSON scenarios are validated from their text, so errors can give line and column
    logger: new PinoNestLogger(logger),
  });
  app.disable('x-powered-by');
  if (config.trustProxy)
    app.set('trust proxy', /^\d+$/.test(config.trustProxy) ? Number(config.trustProxy) : config.trustProxy);
  app.use(requestLogging(logger));
  app.use(securityHeaders);
  app.use(refuseCredentialsInUrl);
  // Same origin only unless CORS_ORIGINS names others: a page elsewhere cannot drive the API with a user's token.
  app.enableCors({ origin: config.corsOrigins.length ? [...config.corsOrigins] : false });
  const limit = config.bodyLimitBytes;
  app.useBodyParser('json', { limit });
  app.use(refuseDeepBodies);
  // Scenarios arrive as YAML; MSEL spreadsheets as multipart (parsed per route).
  app.useBodyParser('text', {
    limit,
    type: ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/plain', 'text/csv'],
  });

  const metrics = app.get(MetricsService);
  app.use((req: Request, res: Response, next: NextFunction) => {
    const end = metrics.httpDuration.startTimer();
    res.on('finish', () => {
      const route = (req.route as { path?: string } | undefined)?.path ?? 'unmatched';
      metrics.httpRequests.inc({ method: req.method, route, status: String(res.statusCode) });
      end({ method: req.method, route });
    });
    next();
  });

  if (config.redisUrl) {
    const adapter = new RedisIoAdapter(app, config.corsOrigins, config.redisUrl, config.redisPrefix);
    await adapter.connect();
    app.useWebSocketAdapter(adapter);
  } else app.useWebSocketAdapter(new DrillIoAdapter(app, config.corsOrigins));

  // The web consoles (team, control board, evaluator): their pages and styles from web/public, their scripts as
  // `npm run build` bundles them from web/src (scripts/build-web.mjs). They hold no file named like an API route,
  // so /api, /health and /metrics still reach Nest.
  app.useStaticAssets(join(repoRoot(), 'dist', 'web', 'js'), { prefix: '/js/', fallthrough: true, maxAge: 0 });
  app.useStaticAssets(join(repoRoot(), 'apps', 'drill-server', 'web', 'public'), {
    index: 'index.html',
    fallthrough: true,
    maxAge: 0,
  });

  app.useGlobalPipes(drillValidationPipe());
  app.useGlobalFilters(new DrillExceptionFilter());
  app.enableShutdownHooks();

  const doc = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('ACID Drill Orchestrator')
      .setDescription(
        'Cyber incident drills for national CERTs: scenarios, live injects, ISM reports, scoring, after-action reports.',
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, doc, { jsonDocumentUrl: 'api/docs/openapi.json' });
  return { app, config };
}
