import { Writable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { consoleUrl, createRootLogger, PinoNestLogger, startupBanner } from './logger.js';

/** Nest's logger over a pino root logger at `level`, and the JSON lines it wrote. */
function capture(level: 'info' | 'debug') {
  const lines: { level: number; msg: string; context?: string }[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      done();
    },
  });
  return { nest: new PinoNestLogger(createRootLogger(level, sink)), lines };
}

describe('PinoNestLogger', () => {
  it("logs Nest's start-up chatter (modules, routes) at debug and everything else as it came", () => {
    const { nest, lines } = capture('debug');
    nest.log('UsersModule dependencies initialized', 'InstanceLoader');
    nest.log('ReportingController {/api/exercises/:id}:', 'RoutesResolver');
    nest.log('Mapped {/api/exercises/:id/report, GET} route', 'RouterExplorer');
    nest.log('Nest application successfully started', 'NestApplication');
    nest.log('first start: created the controller for DRILL_ADMIN_TOKEN', 'auth');
    nest.warn('a warning', 'RouterExplorer');
    expect(lines.map((l) => [l.level, l.context])).toEqual([
      [20, 'InstanceLoader'],
      [20, 'RoutesResolver'],
      [20, 'RouterExplorer'],
      [20, 'NestApplication'],
      [30, 'auth'],
      [40, 'RouterExplorer'],
    ]);
  });

  it('keeps them out of an info log altogether', () => {
    const { nest, lines } = capture('info');
    nest.log('Mapped {/api/exercises/:id/report, GET} route', 'RouterExplorer');
    nest.log('loaded 3 sample scenarios', 'scenarios');
    expect(lines.map((l) => l.msg)).toEqual(['loaded 3 sample scenarios']);
  });
});

describe('startupBanner', () => {
  it('ends with the console address when the controller already exists', () => {
    const text = startupBanner({ port: 3000, mode: 'embedded', database: 'SQLite ./data/drill.sqlite' });
    expect(text.trimEnd().split('\n').at(-1)).toBe('Console: http://localhost:3000/');
    expect(text).toContain('API docs at http://localhost:3000/api/docs');
  });

  it("puts the first controller's token last, after the console address and a one-line hint", () => {
    const lines = startupBanner({
      host: '127.0.0.1',
      port: 8080,
      mode: 'embedded',
      database: 'SQLite :memory:',
      firstController: { name: 'Drill administrator', token: 'drl_abc' },
    })
      .trimEnd()
      .split('\n');
    expect(lines.slice(-5)).toEqual([
      'Console: http://127.0.0.1:8080/',
      '',
      'First start: created controller "Drill administrator". Its bearer token, shown only this once — store it, then sign in at http://127.0.0.1:8080/ with it:',
      '',
      '  drl_abc',
    ]);
  });

  it('gives a wildcard bind as localhost and an IPv6 address in brackets', () => {
    expect(consoleUrl(undefined, 3000)).toBe('http://localhost:3000/');
    expect(consoleUrl('0.0.0.0', 3000)).toBe('http://localhost:3000/');
    expect(consoleUrl('::', 3000)).toBe('http://localhost:3000/');
    expect(consoleUrl('::1', 3000)).toBe('http://[::1]:3000/');
    expect(consoleUrl('drill.example.org', 443)).toBe('http://drill.example.org:443/');
  });
});
