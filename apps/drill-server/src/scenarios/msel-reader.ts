import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { importMsel, type MselImport } from '@drill/scenario';
import { repoRoot } from '../common/repo-files.js';

// A spreadsheet is read in a worker thread: whatever a hostile file costs (CPU in exceljs, memory), it costs it
// there, under a time budget and a heap bound, while this thread keeps releasing injects and answering /health.
// The limits in @drill/scenario (msel-limits.ts) refuse the files known to be costly; these bounds catch the rest.

/** Longest the reading of one spreadsheet may take; the worker is stopped then. */
export const MSEL_READ_TIMEOUT_MS = 10_000;
/** Heap (old generation) of the worker reading one spreadsheet; the largest workbook the limits let through needs
 * 130–190 MB (5,000 rows × 45 columns, 16 MB unpacked). */
export const MSEL_READ_HEAP_MB = 384;
/** Spreadsheets read at once; further imports wait for a free reader, so N uploads cannot take N heaps. */
export const MSEL_PARALLEL_READS = 2;

export interface MselTask {
  data: Uint8Array;
  format: 'csv' | 'xlsx';
  meta: { id?: string; title?: string };
}

/** What the worker does with its task, here so that it can be tested in this thread. */
export function runMselTask(task: MselTask): Promise<MselImport> {
  // Structured cloning hands the worker a Uint8Array, not a Buffer.
  const data = Buffer.from(task.data.buffer, task.data.byteOffset, task.data.byteLength);
  return importMsel(data, task.format, task.meta);
}

/**
 * The worker's entry file. Built, it is the .js beside this one; run from the TypeScript sources (Jest, cluster
 * tests, `node --import ./scripts/ts-register.mjs`) it is the .ts, which a worker can only load through the same
 * loader: Jest's transform does not reach worker threads.
 */
export function workerEntry(from: string = import.meta.url, name = 'msel-worker'): { url: URL; execArgv?: string[] } {
  if (from.endsWith('.ts'))
    return {
      url: new URL(`./${name}.ts`, from),
      execArgv: ['--import', join(repoRoot(), 'scripts', 'ts-register.mjs')],
    };
  return { url: new URL(`./${name}.js`, from) };
}

/** Runs at most `size` tasks at a time, the others in the order they came. */
export class Slots {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly size: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active < this.size) this.active++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await task();
    } finally {
      // A waiting task takes over the slot; only when none waits is it given back.
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}

const slots = new Slots(MSEL_PARALLEL_READS);

const refused = (message: string): MselImport => ({ errors: [{ path: 'file', message }] });

/** importMsel in a worker thread, within a time budget and a heap bound. */
export function readMselInWorker(
  data: Buffer,
  format: 'csv' | 'xlsx',
  meta: { id?: string; title?: string },
  bounds: { timeoutMs?: number; heapMb?: number } = {},
): Promise<MselImport> {
  const timeoutMs = bounds.timeoutMs ?? MSEL_READ_TIMEOUT_MS;
  const heapMb = bounds.heapMb ?? MSEL_READ_HEAP_MB;
  return slots.run(
    () =>
      new Promise<MselImport>((resolve, reject) => {
        const { url, execArgv } = workerEntry();
        const task: MselTask = { data, format, meta };
        const worker = new Worker(url, {
          workerData: task,
          ...(execArgv && { execArgv }),
          resourceLimits: { maxOldGenerationSizeMb: heapMb },
        });
        let settled = false;
        const settle = (done: () => void) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          done();
          void worker.terminate();
        };
        const timer = setTimeout(
          () =>
            settle(() =>
              resolve(
                refused(
                  `the spreadsheet took longer than ${timeoutMs / 1000} s to read (MSEL_READ_TIMEOUT_MS); make it smaller or simpler, e.g. save it as CSV`,
                ),
              ),
            ),
          timeoutMs,
        );
        // A worker that ends without an answer or an error cannot happen short of a bug; the time budget covers it.
        worker.once('message', (result: MselImport) => settle(() => resolve(result)));
        worker.once('error', (e: Error & { code?: string }) =>
          settle(() =>
            e.code === 'ERR_WORKER_OUT_OF_MEMORY'
              ? resolve(
                  refused(
                    `reading the spreadsheet needs more than ${heapMb} MB of memory (MSEL_READ_HEAP_MB); make it smaller or simpler, e.g. save it as CSV`,
                  ),
                )
              : reject(e),
          ),
        );
      }),
  );
}
