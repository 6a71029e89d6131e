import { describe, expect, it } from '@jest/globals';
import { trimTrailing } from './extract.js';
import { defangedTextToIocs, extractTextProblem, MAX_EXTRACT_TEXT_LENGTH, normaliseIoc, refang } from './index.js';

// Inputs that used to hold the event loop for seconds to minutes (issue 15), each now linear. A regular
// expression's work cannot be counted from outside, so these bound the CPU time instead: each budget is at least
// five times what the input takes now and at least five times less than what it took before (measured
// 2026-12-02 on the 2-core CI box: before → after).
const cpuMs = (f: () => unknown): number => {
  const before = process.cpuUsage();
  f();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
};

describe('extraction of hostile text runs in linear time', () => {
  it('trims a URL followed by 40,000 closing parentheses (95 s → 25 ms)', () => {
    let found: ReturnType<typeof defangedTextToIocs> = [];
    const ms = cpuMs(() => (found = defangedTextToIocs('http://a.example/' + ')'.repeat(40_000))));
    expect(found).toEqual([{ type: 'url', value: 'http://a.example/', original: 'http://a.example/' }]);
    expect(ms).toBeLessThan(1500);
  });

  it('reads 100,000 blanks after a bracket without trying each blank as the start of a defang token (20 s → 10 ms)', () => {
    expect(cpuMs(() => expect(defangedTextToIocs('[' + ' '.repeat(100_000) + 'x')).toEqual([]))).toBeLessThan(1500);
    expect(cpuMs(() => expect(defangedTextToIocs('hxxp' + ' '.repeat(60_000))).toEqual([]))).toBeLessThan(1500);
  });

  it('starts a host name only where a run of label characters starts, ASCII or not (6.5 s → 100 ms)', () => {
    expect(cpuMs(() => defangedTextToIocs('éa.'.repeat(33_334)))).toBeLessThan(1500);
  });

  it('checks a match against what earlier patterns claimed in the time of the match, not of all claims (10 s → 300 ms)', () => {
    let found: ReturnType<typeof defangedTextToIocs> = [];
    const ms = cpuMs(() => (found = defangedTextToIocs('1.2.3.4 a.bc '.repeat(30_000))));
    expect(found.map((f) => f.value)).toEqual(['1.2.3.4', 'a.bc']);
    expect(ms).toBeLessThan(2000);
  });

  it('strips the dots around a domain by hand (a run of 100,000 inner dots: 6 s → 1 ms)', () => {
    let r: ReturnType<typeof normaliseIoc> | undefined;
    expect(cpuMs(() => (r = normaliseIoc('domain', 'a' + '.'.repeat(100_000) + 'b')))).toBeLessThan(1000);
    expect(r).toMatchObject({ ok: false, message: 'a domain name is at most 253 characters' });
  });
});

describe('trimTrailing', () => {
  it.each([
    ['http://a.example/x).', 'http://a.example/x'],
    ['http://a.example/(x)', 'http://a.example/(x)'],
    ['http://a.example/(x))', 'http://a.example/(x)'],
    ['http://a.example/[x]]', 'http://a.example/[x]'],
    ['http://a.example/x"!?;:,\'', 'http://a.example/x'],
    ['a)]).', 'a'],
    ['((a))', '((a))'],
    ['...', ''],
    ['', ''],
  ])('%j → %j', (input, trimmed) => expect(trimTrailing(input)).toBe(trimmed));
});

describe('refang keeps the blanks around a bracketed token with the token', () => {
  it.each([
    ['evil [.] example', 'evil.example'],
    ['evil  (dot)  example', 'evil.example'],
    ['user [at] evil[.]example', 'user@evil.example'],
    ['hxxp [://]evil[.]example', 'http://evil.example'], // blanks before `://` only
    ['hxxps[:]//x', 'https://x'],
    ['a [:] b', 'a : b'], // a colon token takes no blanks
    ['[.] [.]', '..'],
  ])('%j → %j', (input, out) => expect(refang(input)).toBe(out));
});

describe('MAX_EXTRACT_TEXT_LENGTH', () => {
  it('accepts a text of exactly the limit', () => {
    expect(extractTextProblem('a'.repeat(MAX_EXTRACT_TEXT_LENGTH))).toBeUndefined();
  });

  it('refuses a longer text, naming the limit', () => {
    expect(extractTextProblem('a'.repeat(MAX_EXTRACT_TEXT_LENGTH + 1))).toBe(
      `text must have at most ${MAX_EXTRACT_TEXT_LENGTH} characters (MAX_EXTRACT_TEXT_LENGTH); this one has ${MAX_EXTRACT_TEXT_LENGTH + 1}`,
    );
  });

  it('counts the text as the extractor reads it, after NFKC, which turns ﷺ into 18 characters', () => {
    const text = '\uFDFA'.repeat(3000);
    expect(text.length).toBeLessThan(MAX_EXTRACT_TEXT_LENGTH);
    expect(extractTextProblem(text)).toBe(
      `text must have at most ${MAX_EXTRACT_TEXT_LENGTH} characters (MAX_EXTRACT_TEXT_LENGTH); this one has 54000 once normalised (NFKC)`,
    );
  });
});
