import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { generateToken, hashToken, tokenMatches, tokenPrefix } from './token.js';

describe('tokens', () => {
  it('are random, prefixed and long', () => {
    const a = generateToken();
    const b = generateToken();
    expect(a).not.toBe(b);
    expect(a).toMatch(/^drl_[A-Za-z0-9_-]{43}$/);
  });

  it('hash to the SHA-256 hex digest and match only themselves', () => {
    const t = 'drl_example-token-value';
    expect(hashToken(t)).toBe(createHash('sha256').update(t).digest('hex'));
    expect(tokenMatches(t, hashToken(t))).toBe(true);
    expect(tokenMatches(t + 'x', hashToken(t))).toBe(false);
  });
});

describe('tokenPrefix', () => {
  it('shows the drill prefix and four characters, or four characters of a foreign token', () => {
    expect(tokenPrefix('drl_abcdefgh')).toBe('drl_abcd');
    expect(tokenPrefix('admin-token')).toBe('admi');
  });
});
