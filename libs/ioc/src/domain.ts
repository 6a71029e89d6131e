import { parseIp } from './ip.js';

/**
 * UTS #46 domain-to-ASCII through the WHATWG URL parser, which Node and browsers both have, so the team console
 * bundles this library as it is. Like node:url's domainToASCII it answers '' for a name it cannot convert; the
 * characters that would make the parser read a port, a path or credentials are refused before this is called.
 */
export function domainToASCII(name: string): string {
  try {
    return new URL(`http://${name}/`).hostname;
  } catch {
    return '';
  }
}

export type DomainResult = { ok: true; value: string } | { ok: false; message: string };

// Underscore is allowed outside the TLD because real hostnames carry it (`_dmarc`, `_sip._tcp`, some CDN names).
const LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;
// A TLD is alphabetic or an IDN A-label; this is what tells "evil.example" from "10.0.0.1" or "v1.2".
const TLD = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;

/** By hand: `/\.+$/` tries every dot of a long inner run of dots again (quadratic). */
function trimDots(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && s[start] === '.') start++;
  while (end > start && s[end - 1] === '.') end--;
  return s.slice(start, end);
}

/** Lower-case, strip leading/trailing dots, IDN → punycode, then require `label.tld`. */
export function normaliseDomain(input: string): DomainResult {
  const trimmed = trimDots(input.trim());
  if (trimmed === '') return { ok: false, message: 'is empty' };
  if (/[\s/\\@:?#%]/.test(trimmed)) {
    return { ok: false, message: 'a domain name cannot contain spaces or the characters / \\ @ : ? # %' };
  }
  const bare = trimmed.replace(/^\[|\]$/g, '');
  if (parseIp(bare).ok) return { ok: false, message: 'is an IP address, not a domain name' };
  const rawTld = trimmed.slice(trimmed.lastIndexOf('.') + 1);
  if (/^(?:\d+|0x[0-9a-f]*)$/i.test(rawTld)) {
    // WHATWG hosts ending in a number are parsed as IPv4 (0x7f.1 → 127.0.0.1): refuse rather than reinterpret.
    return {
      ok: false,
      message: `"${rawTld}" is not a valid top-level domain (a name ending in a number reads as an IP address)`,
    };
  }
  const ascii = domainToASCII(trimmed.toLowerCase());
  if (ascii === '')
    return { ok: false, message: 'not a valid domain name (internationalised name could not be converted)' };
  if (ascii.length > 253) return { ok: false, message: 'a domain name is at most 253 characters' };
  const labels = ascii.split('.');
  if (labels.length < 2)
    return { ok: false, message: 'a domain name needs at least a label and a top-level domain (label.tld)' };
  if (labels.some((l) => l === '')) return { ok: false, message: 'a domain name cannot contain empty labels (..)' };
  const badLabel = labels.find((l) => !LABEL.test(l));
  if (badLabel !== undefined) {
    return {
      ok: false,
      message: `label "${badLabel}" is not valid: 1–63 letters, digits or hyphens, not starting or ending with a hyphen`,
    };
  }
  if (!TLD.test(labels[labels.length - 1]!)) {
    return { ok: false, message: `"${labels[labels.length - 1]}" is not a valid top-level domain` };
  }
  return { ok: true, value: ascii };
}
