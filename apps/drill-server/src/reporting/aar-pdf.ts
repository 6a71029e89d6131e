import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { HttpException, Inject, Injectable, Logger } from '@nestjs/common';
import { RateLimited } from '@drill/contracts';
import { DRILL_CONFIG } from '../config/config.module.js';
import { CHROMIUM_CANDIDATES, type DrillConfig } from '../config/drill-config.js';

/** How long one print may take before Chromium is killed and the request answered 504. */
export const PDF_TIMEOUT_MS = 30_000;
/** Chromium prints at most this many reports at once (each is a browser: ~150 MB and a core while it lasts)… */
export const PDF_CONCURRENCY = 2;
/** …with at most this many waiting their turn; beyond, 429 with Retry-After. */
export const PDF_QUEUE_LENGTH = 4;

// Headless Chromium as a child process: it prints the self-contained AAR HTML (no scripts, nothing to fetch, a CSP
// of its own) with its own --print-to-pdf, so the server adds no dependency and its event loop only waits. It gets
// a profile in a fresh temporary directory, no network (every host unresolvable, every connection sent to a dead
// proxy), and no extensions, sync, updates or first-run work.
function chromiumArgs(dir: string, htmlFile: string, pdfFile: string): string[] {
  return [
    '--headless',
    // Chromium refuses to run as root with its sandbox; as any other user the sandbox stays on.
    ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
    '--disable-gpu',
    '--disable-dev-shm-usage',
    '--no-first-run',
    '--no-default-browser-check',
    '--disable-extensions',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-default-apps',
    '--disable-sync',
    '--mute-audio',
    '--host-resolver-rules=MAP * ~NOTFOUND',
    '--proxy-server=http://127.0.0.1:9',
    '--proxy-bypass-list=<-loopback>',
    `--user-data-dir=${join(dir, 'profile')}`,
    '--no-pdf-header-footer', // the report prints its own marking and page numbers (CSS page-margin boxes)
    `--print-to-pdf=${pdfFile}`,
    pathToFileURL(htmlFile).href,
  ];
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Prints the AAR's HTML to PDF with headless Chromium: at most PDF_CONCURRENCY at once, each within PDF_TIMEOUT_MS,
 * its temporary directory removed afterwards whatever happened.
 */
@Injectable()
export class AarPdfPrinter {
  private readonly log = new Logger('aar-pdf');
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  /** PDF_TIMEOUT_MS; a test of the timeout shortens it rather than wait half a minute. */
  timeoutMs = PDF_TIMEOUT_MS;

  constructor(@Inject(DRILL_CONFIG) private readonly config: DrillConfig) {}

  /** The Chromium to use, or 501 saying what is missing and how to get it. */
  async chromium(): Promise<string> {
    const candidates = this.config.chromiumPath ? [this.config.chromiumPath] : [...CHROMIUM_CANDIDATES];
    for (const path of candidates) if (await isExecutable(path)) return path;
    const where = this.config.chromiumPath
      ? `DRILL_CHROMIUM_PATH is ${this.config.chromiumPath}, which is not an executable file`
      : `no Chromium at ${candidates.join(', ')}`;
    throw new HttpException(
      {
        error: 'Not Implemented',
        message:
          `the PDF of the AAR is printed by headless Chromium, and this server has none (${where}). ` +
          'Install it (Debian/Ubuntu: apt-get install chromium) or set DRILL_CHROMIUM_PATH to its executable; ' +
          'meanwhile format=html prints to PDF from any browser.',
        details: [{ path: '/format', message: 'pdf needs Chromium on the server' }],
      },
      501,
    );
  }

  async print(html: string): Promise<Buffer> {
    const chromium = await this.chromium();
    await this.turn();
    try {
      return await this.run(chromium, html);
    } finally {
      this.done();
    }
  }

  private async turn(): Promise<void> {
    if (this.running < PDF_CONCURRENCY) {
      this.running++;
      return;
    }
    if (this.waiting.length >= PDF_QUEUE_LENGTH)
      throw new RateLimited(
        `${PDF_CONCURRENCY} PDFs are being printed and ${PDF_QUEUE_LENGTH} are waiting; try again in a few seconds`,
        Math.ceil(this.timeoutMs / 1000 / 3),
      );
    // The finishing print hands its place straight to the next in line (running stays the same).
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private done(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running--;
  }

  private async run(chromium: string, html: string): Promise<Buffer> {
    const dir = await mkdtemp(join(tmpdir(), 'drill-aar-pdf-'));
    const htmlFile = join(dir, 'aar.html');
    const pdfFile = join(dir, 'aar.pdf');
    try {
      await writeFile(htmlFile, html);
      const started = Date.now();
      const outcome = await this.chromiumRun(chromium, chromiumArgs(dir, htmlFile, pdfFile), dir);
      if (outcome.timedOut)
        throw new HttpException(
          {
            error: 'Gateway Timeout',
            message: `Chromium did not finish printing the AAR within ${this.timeoutMs / 1000} s and was stopped; try again, or print format=html from a browser`,
          },
          504,
        );
      const pdf = await readFile(pdfFile).catch(() => undefined);
      if (outcome.code !== 0 || !pdf || pdf.subarray(0, 5).toString('latin1') !== '%PDF-') {
        this.log.error(
          `Chromium (${chromium}) printed no PDF: exit ${outcome.code ?? outcome.signal}; its last output: ${outcome.stderr}`,
        );
        throw new HttpException(
          {
            error: 'Service Unavailable',
            message: `Chromium failed to print the AAR (exit ${outcome.code ?? outcome.signal}); the server log has its output`,
          },
          503,
        );
      }
      this.log.debug(`printed the AAR to PDF: ${pdf.length} bytes in ${Date.now() - started} ms`);
      return pdf;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /**
   * Runs Chromium in a process group of its own, so that on timeout the whole tree (zygote, renderer, GPU
   * processes) is killed, and resolves once it has exited; what it left running is killed with it, so the
   * temporary directory is no longer in use.
   */
  private chromiumRun(
    chromium: string,
    args: string[],
    home: string,
  ): Promise<{ code: number | null; signal: NodeJS.Signals | null; timedOut: boolean; stderr: string }> {
    return new Promise((resolve) => {
      let stderr = '';
      let timedOut = false;
      const child = spawn(chromium, args, {
        detached: true,
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { ...process.env, HOME: home },
      });
      child.stderr.on('data', (b: Buffer) => {
        stderr = (stderr + b.toString()).slice(-2000);
      });
      const killTree = () => {
        try {
          if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      };
      const timer = setTimeout(() => {
        timedOut = true;
        killTree();
      }, this.timeoutMs);
      child.once('error', (e) => {
        clearTimeout(timer);
        resolve({ code: null, signal: null, timedOut, stderr: `${stderr}\n${e.message}` });
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        killTree(); // helpers Chromium left behind, if any
        resolve({ code, signal, timedOut, stderr });
      });
    });
  }
}
