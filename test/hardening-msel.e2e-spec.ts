import { Worker } from 'node:worker_threads';
import { constants, crc32, deflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MSEL_MAX_CELL_CHARS, MSEL_MAX_COLUMNS, MSEL_MAX_ROWS } from '@drill/scenario';
import { unpackZip } from '../libs/scenario/src/msel-zip.js';
import { expectAs } from './support/expect.js';
import { zip, type RawPart as Part } from './support/hostile-zip.js';
import { ADMIN_TOKEN, bearer, startServer, type TestServer } from './support/app.js';
import { remote, startReplica, type Replica } from './support/cluster.js';
import { bestOfThree, expectServerFree, measuringLoop } from './support/server-free.js';

// Issue 15: hostile MSEL uploads. Each one is sent to a running server while /health is polled: the upload never
// stalls the drill (test/support/server-free.ts says how that is measured), and the file is refused with a 4xx that
// names the limit it broke.

// The server runs in a process of its own (embedded mode, as `npm start` runs it), so that what /health shows is the
// server's event loop, not this test process's garbage collector after it built a 50 MB body. The upload is sent
// from a worker thread, so that writing it does not stall this thread's /health polling either.
const UPLOADER = `
const { parentPort, workerData: w } = require('node:worker_threads');
const form = new FormData();
form.append('file', new Blob([new Uint8Array(w.file)]), w.name);
fetch(w.url, { method: 'POST', headers: { Authorization: 'Bearer ' + w.token }, body: form })
  .then(async (r) => parentPort.postMessage({ status: r.status, body: await r.text() }))
  .catch((e) => parentPort.postMessage({ status: 0, body: JSON.stringify({ error: String(e) }) }));
`;

function upload(s: TestServer, file: Buffer, name: string, query = ''): Promise<{ status: number; body: any }> {
  const copy = new Uint8Array(file).buffer; // its own ArrayBuffer, to transfer
  const worker = new Worker(UPLOADER, {
    eval: true,
    workerData: { url: `${s.url}/api/scenarios/import${query}`, token: ADMIN_TOKEN, file: copy, name },
    transferList: [copy],
  });
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  })
    .then(({ status, body }) => ({ status, body: JSON.parse(body) }))
    .finally(() => void worker.terminate());
}

/** Uploads the file and polls /health until the answer comes: the answer, and the slowest /health answer. */
async function pollDuring(
  s: TestServer,
  file: Buffer,
  name: string,
  query: string,
): Promise<{ status: number; body: any; slowestHealthMs: number; polls: number }> {
  let done = false;
  const sent = upload(s, file, name, query).finally(() => {
    done = true;
  });
  let slowest = 0;
  let polls = 0;
  while (!done) {
    const start = performance.now();
    const health = await fetch(`${s.url}/health`);
    await health.arrayBuffer();
    slowest = Math.max(slowest, performance.now() - start);
    polls++;
    await new Promise((r) => setTimeout(r, 20));
  }
  return { ...(await sent), slowestHealthMs: slowest, polls };
}

/** pollDuring, measured by the server's own loop delay, up to three times while it was held too long. */
const sendWhilePolling = (s: TestServer, file: Buffer, name: string, query = '') =>
  bestOfThree(() => measuringLoop(s.url, () => pollDuring(s, file, name, query)));

async function sheet(build: (ws: ExcelJS.Worksheet) => void): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  build(wb.addWorksheet('MSEL'));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** A workbook of ~310 KB whose sheet holds one 300 MB cell; `declared`: the size its zip claims instead. */
async function zipBomb(declared?: number): Promise<Buffer> {
  const parts = unpackZip(await sheet((ws) => ws.addRow(['ID', 'Delivery Time', 'Title'])));
  const mb = Buffer.alloc(1024 * 1024, 'A');
  const flushed = (b: Buffer) => deflateRawSync(b, { finishFlush: constants.Z_SYNC_FLUSH });
  return zip(
    parts.map((p): Part => {
      if (p.name !== 'xl/worksheets/sheet1.xml')
        return { name: p.name, deflated: deflateRawSync(p.data), crc: crc32(p.data) >>> 0, size: p.data.length };
      const [before, after] = p.data.toString().split('</sheetData>') as [string, string];
      const head = Buffer.from(`${before}<row r="2"><c r="C2" t="inlineStr"><is><t>`);
      const tail = Buffer.from(`</t></is></c></row></sheetData>${after}`);
      let crc = crc32(head);
      for (let i = 0; i < 300; i++) crc = crc32(mb, crc);
      return {
        name: p.name,
        deflated: Buffer.concat([flushed(head), ...Array<Buffer>(300).fill(flushed(mb)), deflateRawSync(tail)]),
        crc: crc32(tail, crc) >>> 0,
        size: head.length + 300 * mb.length + tail.length,
        ...(declared !== undefined && { declared }),
      };
    }),
  );
}

describe('hostile MSEL uploads (issue 15)', () => {
  let s: TestServer;
  let replica: Replica;
  beforeAll(async () => {
    replica = await startReplica('msel', { databaseUrl: 'sqlite::memory:', adminToken: ADMIN_TOKEN });
    s = remote(replica.url);
    // Warm-up: the first upload and /health compile their paths, in the server and in fetch.
    await fetch(`${s.url}/health`);
    await upload(s, Buffer.from('ID,Delivery Time,Title\n1,+00:10,x\n'), 'warm.csv', '?dryRun=true');
  });
  afterAll(() => replica.stop());

  async function refused(file: Buffer, name: string, status: number) {
    const res = await sendWhilePolling(s, file, name);
    expectAs(res.status, JSON.stringify(res.body).slice(0, 500)).toBe(status);
    expectServerFree(res, name);
    return res.body as { statusCode: number; error: string; message: string; details: Record<string, unknown>[] };
  }

  it('a 6 KB sheet with one value in Z20000: refused at once, naming the cell and the row limit', async () => {
    const file = await sheet((ws) => {
      ws.getCell('Z20000').value = 'x';
    });
    expect(file.length).toBeLessThan(10_000);
    const body = await refused(file, 'z20000.xlsx', 422);
    expect(body.details).toEqual([
      {
        path: 'cell Z20000',
        message: `Z20000 holds a value in row 20000; an MSEL may use at most ${MSEL_MAX_ROWS} rows (MSEL_MAX_ROWS)`,
        line: 20000,
        column: 26,
      },
    ]);
  });

  it('a 50 MB CSV: 413 as soon as the upload passes BODY_LIMIT, in the one error shape', async () => {
    const file = Buffer.concat([
      Buffer.from('ID,Delivery Time,Title\n'),
      Buffer.alloc(50_000_000, `1,+00:10,${'x'.repeat(100)}\n`),
    ]);
    const body = await refused(file, 'big.csv', 413);
    const message = 'the file is larger than 2 MB, the largest MSEL upload accepted (BODY_LIMIT)';
    expect(body).toEqual({
      statusCode: 413,
      error: 'Payload Too Large',
      message,
      details: [{ path: '/file', message }],
    });
  });

  it('a 310 KB zip bomb (one 300 MB cell): refused by its declared size, before it is inflated', async () => {
    const file = await zipBomb();
    expect(file.length).toBeLessThan(400_000);
    const body = await refused(file, 'bomb.xlsx', 422);
    expect(body.details).toEqual([
      {
        path: 'file',
        message:
          'the workbook unpacks to 300 MB; an MSEL workbook may unpack to at most 16 MB (MSEL_MAX_UNPACKED_BYTES)',
      },
    ]);
  });

  it('a zip bomb that declares 1 KB: refused when the inflate passes the size it declared', async () => {
    const body = await refused(await zipBomb(1024), 'liar.xlsx', 422);
    expect(body.details).toEqual([
      {
        path: 'file',
        message:
          'xl/worksheets/sheet1.xml inflates to more than the 1 KB its zip entry declares; the file is damaged or crafted (MSEL_MAX_UNPACKED_BYTES)',
      },
    ]);
  });

  it('over the row, column and cell limits: 422 naming the limit and the cell', async () => {
    const rows = ['ID,Delivery Time,Title', ...Array<string>(MSEL_MAX_ROWS - 1).fill('1,+00:10,x'), '2,+00:20,y'];
    const tooManyRows = await refused(Buffer.from(rows.join('\n')), 'rows.csv', 422);
    expect(tooManyRows.details).toEqual([
      expect.objectContaining({
        path: `cell A${MSEL_MAX_ROWS + 1}`,
        message: expect.stringContaining('(MSEL_MAX_ROWS)'),
      }),
    ]);
    const wide = await sheet((ws) => {
      ws.addRow(['ID', 'Delivery Time', 'Title']);
      ws.getCell(2, MSEL_MAX_COLUMNS + 1).value = 'far right';
    });
    expect((await refused(wide, 'wide.xlsx', 422)).details).toEqual([
      expect.objectContaining({ path: 'cell CW2', message: expect.stringContaining('(MSEL_MAX_COLUMNS)') }),
    ]);
    const long = await sheet((ws) => {
      ws.addRow(['ID', 'Delivery Time', 'Title']);
      ws.addRow(['1', '+00:10', 'x'.repeat(MSEL_MAX_CELL_CHARS + 1)]);
    });
    expect((await refused(long, 'long.xlsx', 422)).details).toEqual([
      expect.objectContaining({ path: 'cell C2', message: expect.stringContaining('(MSEL_MAX_CELL_CHARS)') }),
    ]);
  });

  it('a large legitimate MSEL is read off the main thread and imported', async () => {
    const file = await sheet((ws) => {
      ws.addRow(['ID', 'Delivery Time', 'Title', 'Description']);
      for (let i = 0; i < 1500; i++)
        ws.addRow([
          `M-${i}`,
          `+${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}`,
          `Inject ${i}`,
          'lorem ipsum '.repeat(8),
        ]);
    });
    // A dry run: saving validates the scenario's YAML again, in this thread, which is the scenario service's part.
    const res = await sendWhilePolling(s, file, 'large.xlsx', '?id=large&dryRun=true');
    expectAs(res.status, JSON.stringify(res.body).slice(0, 500)).toBe(201);
    expect(res.body.injects).toBe(1500);
    expectServerFree(res, 'large.xlsx');
  });

  it('one file per upload: a second file is refused by multer before it is kept', async () => {
    const csv = Buffer.from('ID,Delivery Time,Title\n1,+00:10,x\n');
    const res = await s
      .http()
      .post('/api/scenarios/import')
      .set(bearer(ADMIN_TOKEN))
      .attach('file', csv, 'a.csv')
      .attach('file', csv, 'b.csv');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ statusCode: 400, message: expect.stringMatching(/too many files/i) });
  });

  it('with BODY_LIMIT above the MSEL file limit, the MSEL limit is the one named', async () => {
    const big = await startServer({ BODY_LIMIT: '20mb' });
    try {
      const res = await big
        .http()
        .post('/api/scenarios/import')
        .set(bearer(ADMIN_TOKEN))
        .attach('file', Buffer.alloc(9 * 1024 * 1024, 'x'), 'nine.csv');
      expect(res.status).toBe(413);
      expect(res.body.details).toEqual([
        {
          path: '/file',
          message: 'the file is larger than 8 MB, the largest MSEL upload accepted (MSEL_MAX_FILE_BYTES)',
        },
      ]);
    } finally {
      await big.close();
    }
  });
});
