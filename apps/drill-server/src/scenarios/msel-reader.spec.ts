import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { describe, expect, it } from '@jest/globals';
import { MSEL_READ_TIMEOUT_MS, readMselInWorker, runMselTask, Slots, workerEntry } from './msel-reader.js';

const csv = Buffer.from('ID,Delivery Time,Title\r\n1,+00:10,First\r\n2,+00:20,Second\r\n');

/** A large but legitimate MSEL: 3,000 injects with long descriptions. */
async function largeWorkbook(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('MSEL');
  ws.addRow(['ID', 'Delivery Time', 'Title', 'Description']);
  for (let i = 0; i < 3000; i++)
    ws.addRow([
      `M-${i}`,
      `+${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}`,
      `Inject ${i}`,
      'lorem ipsum '.repeat(40),
    ]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe('readMselInWorker', () => {
  it('runs the import the worker runs, from the Uint8Array a worker receives', async () => {
    const r = await runMselTask({ data: new Uint8Array(csv), format: 'csv', meta: { id: 'task', title: 'Task' } });
    expect(r.errors).toEqual([]);
    expect(r.scenario!.injects.map((i) => i.title)).toEqual(['First', 'Second']);
  });

  it('imports in a worker thread while this thread stays free', async () => {
    const data = await largeWorkbook();
    let lag = 0;
    let last = performance.now();
    const tick = setInterval(() => {
      const now = performance.now();
      lag = Math.max(lag, now - last - 20);
      last = now;
    }, 20);
    const started = performance.now();
    const r = await readMselInWorker(data, 'xlsx', { id: 'large', title: 'Large' });
    const took = performance.now() - started;
    clearInterval(tick);
    expect(r.errors).toEqual([]);
    expect(r.scenario!.injects).toHaveLength(3000);
    // Reading took long; this thread never waited for it.
    expect(took).toBeGreaterThan(500);
    expect(lag).toBeLessThan(150);
  }, 30_000);

  it('stops a read that exceeds its time budget and says so', async () => {
    const started = performance.now();
    const r = await readMselInWorker(await largeWorkbook(), 'xlsx', {}, { timeoutMs: 50 });
    expect(r).toEqual({
      errors: [
        {
          path: 'file',
          message:
            'the spreadsheet took longer than 0.05 s to read (MSEL_READ_TIMEOUT_MS); make it smaller or simpler, e.g. save it as CSV',
        },
      ],
    });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(MSEL_READ_TIMEOUT_MS).toBe(10_000);
  }, 30_000);

  it('stops a read that exceeds its heap and says so', async () => {
    const r = await readMselInWorker(await largeWorkbook(), 'xlsx', {}, { heapMb: 8 });
    expect(r.errors).toEqual([
      {
        path: 'file',
        message:
          'reading the spreadsheet needs more than 8 MB of memory (MSEL_READ_HEAP_MB); make it smaller or simpler, e.g. save it as CSV',
      },
    ]);
  }, 30_000);

  it('has a worker entry that does nothing when imported outside a worker', async () => {
    await expect(import('./msel-worker.js')).resolves.toBeDefined();
  });

  it('starts the built worker from dist, and the TypeScript one through the loader', () => {
    const built = workerEntry('file:///srv/dist/apps/drill-server/src/scenarios/msel-reader.js');
    expect(built).toEqual({ url: new URL('file:///srv/dist/apps/drill-server/src/scenarios/msel-worker.js') });
    const source = workerEntry();
    expect(fileURLToPath(source.url)).toMatch(/apps\/drill-server\/src\/scenarios\/msel-worker\.ts$/);
    expect(existsSync(source.url)).toBe(true);
    expect(source.execArgv).toEqual(['--import', expect.stringMatching(/scripts\/ts-register\.mjs$/)]);
    expect(existsSync(source.execArgv![1]!)).toBe(true);
  });
});

describe('Slots', () => {
  it('runs at most n tasks at once, the others in order, and frees a slot when a task fails', async () => {
    const slots = new Slots(2);
    let running = 0;
    let most = 0;
    const order: number[] = [];
    const task = (n: number, fail = false) =>
      slots.run(async () => {
        running++;
        most = Math.max(most, running);
        await new Promise((r) => setTimeout(r, 20));
        running--;
        order.push(n);
        if (fail) throw new Error(`task ${n}`);
        return n;
      });
    const results = await Promise.allSettled([task(1), task(2, true), task(3), task(4), task(5)]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([
      1,
      'task 2',
      3,
      4,
      5,
    ]);
    expect(most).toBe(2);
    expect(order.slice(0, 2).sort()).toEqual([1, 2]);
    expect(await task(6)).toBe(6);
  });
});
