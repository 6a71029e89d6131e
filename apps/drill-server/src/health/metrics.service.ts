import { performance } from 'node:perf_hooks';
import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { statementTally, type StatementKind } from '@drill/persistence';

const STATEMENT_KINDS: readonly StatementKind[] = ['read', 'write', 'transaction'];

/** The Prometheus registry of this replica, read at /metrics. */
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
    buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.03, 0.04, 0.05, 0.075, 0.1, 0.2, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  private readonly loopTimer: NodeJS.Timeout;

  constructor(@InjectDataSource() ds: DataSource) {
    collectDefaultMetrics({ register: this.registry });
    // Counted by the data source's logger (a plain number per statement, no label lookup on the hot path) and
    // copied into the counter when scraped.
    const tally = statementTally(ds);
    new Counter({
      name: 'drill_db_statements_total',
      help: 'SQL statements sent to the database, by kind (read, write, transaction: BEGIN, COMMIT, SAVEPOINT, ...)',
      labelNames: ['kind'],
      registers: [this.registry],
      collect() {
        if (!tally) return;
        this.reset();
        for (const kind of STATEMENT_KINDS) this.inc({ kind }, tally[kind]);
      },
    });
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
