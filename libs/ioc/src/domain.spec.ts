import { domainToASCII as nodeDomainToASCII } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { domainToASCII } from './domain.js';

// The library converts names with the WHATWG URL parser (so browsers run it too) where it used node:url: the two
// must agree on every name normaliseDomain hands over (it refuses whitespace and / \ @ : ? # % before).
const REFUSED_BEFORE = /[\s/\\@:?#%]/;
const PIECES = [
  'a',
  'z',
  '0',
  '9',
  '-',
  '_',
  '.',
  'xn--',
  'ü',
  'ß',
  'İ',
  'ﬁ',
  '．',
  '。',
  'Ａ',
  '１',
  '\u200d',
  '\u00ad',
];
const PIECES_MORE = ['中文', '\u0301', '١', '*', '!', '<', '|', '^', '"', '\u0000', '.example', '.com', 'ǅ', 'ẞ'];

describe('domainToASCII', () => {
  it('converts as node:url does: IDN to punycode, case folded, invalid names to ""', () => {
    for (const name of ['bücher.example', 'BÜCHER.example', 'xn--bcher-kva.example', 'a..b', 'a<b.example', '']) {
      expect([name, domainToASCII(name)]).toEqual([name, nodeDomainToASCII(name)]);
    }
    expect(domainToASCII('bücher.example')).toBe('xn--bcher-kva.example');
    expect(domainToASCII('a<b.example')).toBe('');
  });

  it('agrees with node:url on generated names', () => {
    const name = fc
      .array(fc.oneof(fc.constantFrom(...PIECES), fc.constantFrom(...PIECES_MORE), fc.string({ maxLength: 2 })), {
        maxLength: 12,
      })
      .map((p) => p.join(''))
      .filter((s) => !REFUSED_BEFORE.test(s));
    fc.assert(
      fc.property(name, (s) => {
        expect(domainToASCII(s)).toBe(nodeDomainToASCII(s));
      }),
      { numRuns: 5_000 },
    );
  });
});
