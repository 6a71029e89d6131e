import { Inject, Injectable, Optional, type OnModuleDestroy } from '@nestjs/common';
import { Worker } from 'node:worker_threads';
import type { ScenarioValidation } from '@drill/scenario';
import { Slots, workerEntry } from './msel-reader.js';

// Parsing and checking a scenario is linear but not free: the YAML parser takes about a microsecond a byte, so a
// 500-inject drill or a large MSEL import costs 0.5–1.5 s of CPU. Done on the main thread that would stall releases
// and /health for that long; it is done in a worker thread instead, kept warm between texts (starting one costs
// most of a second), one text at a time, under a time budget and a heap bound. A text past the budget costs its
// worker, which is replaced for the next one.

/** Longest one scenario text may take to validate. */
export const SCENARIO_VALIDATE_TIMEOUT_MS = 10_000;
/** Heap of the validating worker; the largest text the parser's limits let through needs far less. */
export const SCENARIO_VALIDATE_HEAP_MB = 256;

export interface ValidationTask {
  id: number;
  text: string;
  format: 'yaml' | 'json';
}

/** The text cost more than the worker's time or heap budget allows; the worker was replaced. */
export class ScenarioValidationRefused extends Error {}

/** Test hook: other bounds than the defaults. */
export const VALIDATOR_BOUNDS = Symbol('VALIDATOR_BOUNDS');

@Injectable()
export class ScenarioValidator implements OnModuleDestroy {
  private worker?: Worker;
  private readonly slot = new Slots(1);
  private nextId = 0;
  private waiting?: { id: number; resolve: (r: ScenarioValidation) => void; reject: (e: Error) => void };

  constructor(
    @Optional() @Inject(VALIDATOR_BOUNDS) private readonly bounds: { timeoutMs?: number; heapMb?: number } = {},
  ) {}

  validate(text: string, format: 'yaml' | 'json'): Promise<ScenarioValidation> {
    return this.slot.run(
      () =>
        new Promise<ScenarioValidation>((resolve, reject) => {
          const worker = this.ensureWorker();
          const id = ++this.nextId;
          const timeoutMs = this.bounds.timeoutMs ?? SCENARIO_VALIDATE_TIMEOUT_MS;
          const timer = setTimeout(() => {
            this.discard(worker);
            reject(
              new ScenarioValidationRefused(
                `checking the scenario took longer than ${timeoutMs / 1000} s (SCENARIO_VALIDATE_TIMEOUT_MS)`,
              ),
            );
          }, timeoutMs);
          this.waiting = {
            id,
            resolve: (r) => {
              clearTimeout(timer);
              resolve(r);
            },
            reject: (e) => {
              clearTimeout(timer);
              reject(e);
            },
          };
          worker.postMessage({ id, text, format } satisfies ValidationTask);
        }),
    );
  }

  async onModuleDestroy(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    await w?.terminate();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const { url, execArgv } = workerEntry(import.meta.url, 'scenario-worker');
    const worker = new Worker(url, {
      workerData: { scenarioValidator: true },
      ...(execArgv && { execArgv }),
      resourceLimits: { maxOldGenerationSizeMb: this.bounds.heapMb ?? SCENARIO_VALIDATE_HEAP_MB },
    });
    worker.unref(); // an idle validator never keeps the process alive
    worker.on('message', (m: { id: number; result: ScenarioValidation }) => {
      if (this.waiting?.id !== m.id) return;
      const w = this.waiting;
      this.waiting = undefined;
      w.resolve(m.result);
    });
    worker.on('error', (e: Error & { code?: string }) => {
      this.discard(worker);
      const w = this.waiting;
      this.waiting = undefined;
      w?.reject(
        e.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? new ScenarioValidationRefused(
              `checking the scenario needs more than ${this.bounds.heapMb ?? SCENARIO_VALIDATE_HEAP_MB} MB of memory (SCENARIO_VALIDATE_HEAP_MB)`,
            )
          : e,
      );
    });
    this.worker = worker;
    return worker;
  }

  private discard(worker: Worker): void {
    if (this.worker === worker) this.worker = undefined;
    void worker.terminate();
  }
}
