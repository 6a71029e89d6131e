import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

// Opaque bearer tokens: 32 random bytes, prefixed so a leaked one is recognisable in logs and secret scanners.
const PREFIX = 'drl_';

export function generateToken(): string {
  return PREFIX + randomBytes(32).toString('base64url');
}

/** Only this digest is stored; a database leak does not hand out working tokens. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function tokenMatches(token: string, storedHash: string): boolean {
  const a = Buffer.from(hashToken(token), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** What a list of tokens shows of each: the prefix and 4 characters, enough to tell them apart, not to guess one. */
export function tokenPrefix(token: string): string {
  return token.startsWith(PREFIX) ? token.slice(0, PREFIX.length + 4) : token.slice(0, 4);
}
