import { IOC_TYPES, type IocType } from '@drill/contracts';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { trimTrailing } from './extract.js';
import { defangedTextToIocs, MAX_EXTRACT_TEXT_LENGTH, normaliseIoc, refang } from './index.js';

// Property-based tests of the extractor and the normaliser on generated text. The seed is fixed so that a run can
// be repeated; a failure prints the smallest input it found. Change SEED (or drop it) to explore further.
const SEED = 20261202;
const RUNS = { seed: SEED, numRuns: 300 };

// Pieces the rules turn on (defang tokens, schemes, brackets, label characters, digits, separators) and some they
// must not trip over (invisible characters, a ligature NFKC expands, letters that case-fold to ASCII).
const PIECES = [
  '.',
  '[.]',
  '(.)',
  '{dot}',
  '[dot]',
  '[:]',
  '(:)',
  '[://]',
  '[@]',
  '(at)',
  ' [.] ',
  ' ',
  '  ',
  '\n',
  '\t',
  ')',
  '(',
  ']',
  '[',
  '{',
  '}',
  '/',
  ':',
  '::',
  '@',
  '-',
  '_',
  '|',
  '#',
  '?',
  '%',
  '"',
  "'",
  ',',
  ';',
  'http://',
  'https://',
  'hxxps://',
  'hXXp[:]//',
  'h[tt]p',
  'ftp://',
  'wss://',
  'a',
  'ex',
  'evil',
  'example',
  'com',
  'xn--bcher-kva',
  'bücher',
  'é',
  'ü',
  'ſ',
  'K',
  'A',
  '1',
  '2',
  '10',
  '203',
  '255',
  '256',
  '010',
  '0x7f',
  'f',
  'deadbeef',
  'cve-2024-',
  'CVE-2021-44228',
  'AS',
  'as',
  '.exe',
  '.pdf',
  'svchost.exe',
  'smtp',
  'mailto:',
  '\u200b',
  '\u00ad',
  '\uFDFA',
  '\u0301',
  '😀',
];
const piece = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...PIECES) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 3 }) },
);
/** Text made of pieces: short enough to run hundreds of times, rich enough to hit every rule. */
const text = fc.array(piece, { maxLength: 40 }).map((p) => p.join(''));
/** A non-empty run of a few pieces, to be repeated. */
const fragment = (pieces: number) =>
  fc
    .array(piece, { minLength: 1, maxLength: pieces })
    .map((p) => p.join(''))
    .filter((f) => f.length > 0);

const cpuMs = (f: () => unknown): number => {
  const before = process.cpuUsage();
  f();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
};

describe('defangedTextToIocs on generated text', () => {
  it('never throws, and returns valid, normalised, distinct indicators quoted from the text', () => {
    fc.assert(
      fc.property(text, (t) => {
        const found = defangedTextToIocs(t);
        const keys = new Set<string>();
        for (const ioc of found) {
          expect(IOC_TYPES).toContain(ioc.type);
          // The value is what the normaliser makes of it, and normalising it again changes nothing.
          expect(normaliseIoc(ioc.type, ioc.value)).toMatchObject({ ok: true, value: ioc.value });
          expect(t).toContain(ioc.original);
          expect(ioc.original).not.toBe('');
          if (ioc.unsure !== undefined) expect(ioc.unsure).not.toBe('');
          keys.add(`${ioc.type} ${ioc.value}`);
        }
        expect(keys.size).toBe(found.length);
      }),
      RUNS,
    );
  });

  it('returns in bounded time however a fragment is repeated up to MAX_EXTRACT_TEXT_LENGTH', () => {
    // Repetition is what made the old rules superlinear: runs of ')' or of blanks, label after label, claim after
    // claim. Budget: 1.5 s of CPU for 50,000 characters; the slowest shape takes about 0.15 s.
    fc.assert(
      fc.property(fragment(6), fc.constantFrom('', 'http://a.example/', 'a.', '[', 'hxxp'), (fragment, prefix) => {
        const t = prefix + fragment.repeat(Math.ceil(MAX_EXTRACT_TEXT_LENGTH / fragment.length));
        expect(cpuMs(() => defangedTextToIocs(t.slice(0, MAX_EXTRACT_TEXT_LENGTH)))).toBeLessThan(1500);
      }),
      { seed: SEED, numRuns: 25 },
    );
  });

  it('accepts whatever a caller passes', () => {
    expect(defangedTextToIocs(undefined as unknown as string)).toEqual([]);
    expect(defangedTextToIocs(42 as unknown as string)).toEqual([]);
  });
});

describe('normaliseIoc on generated values', () => {
  it('never throws; a refused value has a message, an accepted one normalises to itself', () => {
    fc.assert(
      fc.property(fc.constantFrom<IocType>(...IOC_TYPES), text, (type, value) => {
        const r = normaliseIoc(type, value);
        expect(r.original).toBe(value);
        if (!r.ok) expect(r.message).not.toBe('');
        else expect(normaliseIoc(type, r.value)).toMatchObject({ ok: true, value: r.value });
      }),
      RUNS,
    );
  });

  it('is linear on long values of every type', () => {
    fc.assert(
      fc.property(fc.constantFrom<IocType>(...IOC_TYPES), fragment(4), (type, fragment) => {
        const value = 'a' + fragment.repeat(Math.ceil(100_000 / fragment.length));
        expect(cpuMs(() => normaliseIoc(type, value))).toBeLessThan(1000);
      }),
      { seed: SEED, numRuns: 40 },
    );
  });
});

// The rules as they were before issue 15, kept here as the reference the linear versions must agree with.
const OLD_DEFANG_TOKEN = new RegExp(
  [
    String.raw`\bh(?:xx|\[tt\]|\*\*)p(s?)(?=\s*(?:\[|\(|\{)?\s*:)`,
    String.raw`\s*(?:\[\s*:\/\/\s*\]|\(\s*:\/\/\s*\)|\{\s*:\/\/\s*\})`,
    String.raw`\s*(?:\[\s*(?:\.|dot)\s*\]|\(\s*(?:\.|dot)\s*\)|\{\s*(?:\.|dot)\s*\})\s*`,
    String.raw`\s*(?:\[\s*(?:@|at)\s*\]|\(\s*(?:@|at)\s*\)|\{\s*(?:@|at)\s*\})\s*`,
    String.raw`(?:\[\s*:\s*\]|\(\s*:\s*\)|\{\s*:\s*\})`,
  ].join('|'),
  'giu',
);
function oldRefang(value: string): string {
  return value
    .normalize('NFKC')
    .replace(/[\u200B-\u200D\u2060\uFEFF\u00AD]/gu, '')
    .trim()
    .replace(OLD_DEFANG_TOKEN, (token: string, s: string | undefined) => {
      if (/^h/i.test(token)) return `http${(s ?? '').toLowerCase()}`;
      const inner = token.replace(/[\s[\](){}]/g, '').toLowerCase();
      if (inner === '://') return '://';
      if (inner === '.' || inner === 'dot') return '.';
      if (inner === '@' || inner === 'at') return '@';
      return ':';
    })
    .trim();
}
function oldTrimTrailing(s: string): string {
  let t = s;
  for (;;) {
    const last = t.at(-1);
    if (last === undefined) return t;
    if ('.,;:!?\'"'.includes(last)) t = t.slice(0, -1);
    else if (last === ')' && (t.match(/\(/g)?.length ?? 0) < (t.match(/\)/g)?.length ?? 0)) t = t.slice(0, -1);
    else if (last === ']' && (t.match(/\[/g)?.length ?? 0) < (t.match(/\]/g)?.length ?? 0)) t = t.slice(0, -1);
    else return t;
  }
}

describe('the linear rules agree with the old ones', () => {
  it('refang', () => {
    fc.assert(
      fc.property(text, (t) => expect(refang(t)).toBe(oldRefang(t))),
      { seed: SEED, numRuns: 1000 },
    );
  });

  it('trimTrailing', () => {
    const tail = fc.array(fc.constantFrom('a', '(', ')', '[', ']', '.', ',', ';', ':', '!', '?', "'", '"'), {
      maxLength: 30,
    });
    fc.assert(
      fc.property(tail, (chars) => expect(trimTrailing(chars.join(''))).toBe(oldTrimTrailing(chars.join('')))),
      { seed: SEED, numRuns: 1000 },
    );
  });
});
