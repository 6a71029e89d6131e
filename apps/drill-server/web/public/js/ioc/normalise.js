// Generated from libs/ioc/src/normalise.ts by scripts/web-ioc.mjs: edit the library, not this file.
import { IOC_TYPES } from './vocab.js';
import { normaliseDomain } from './domain.js';
import { normaliseIpOrCidr, parseIp } from './ip.js';
import { cleanText, refang } from './refang.js';
const HASH_LENGTHS = { md5: 32, sha1: 40, sha256: 64 };
const HASH_NAMES = { md5: 'MD5', sha1: 'SHA-1', sha256: 'SHA-256' };
function hash(type, s) {
  const want = HASH_LENGTHS[type];
  if (!/^[0-9a-f]+$/i.test(s))
    return { ok: false, message: `an ${HASH_NAMES[type]} hash contains only hexadecimal digits 0-9 a-f` };
  if (s.length !== want) {
    return {
      ok: false,
      message: `an ${HASH_NAMES[type]} hash is ${want} hexadecimal characters, this one has ${s.length}`,
    };
  }
  return { ok: true, value: s.toLowerCase() };
}
function ip(s) {
  // `[2001:db8::1]` is how people quote IPv6 next to ports; as a bare IOC the brackets mean nothing.
  const bare = /^\[[^\]]*\]$/.test(s) ? s.slice(1, -1) : s;
  if (/^\d+(?:\.\d+){3}:\d+$/.test(bare) || /^\[.*\]:\d+$/.test(bare)) {
    return { ok: false, message: 'this is an address with a port; use the ip-dst|port type' };
  }
  return normaliseIpOrCidr(bare);
}
function port(s) {
  if (!/^\d{1,5}$/.test(s)) return { ok: false, message: `port "${s}" is not a number` };
  const n = Number(s);
  if (n < 1 || n > 65535) return { ok: false, message: `port ${n} is outside 1–65535` };
  return { ok: true, value: String(n) };
}
function ipPort(s) {
  let addr;
  let portText;
  const bracketed = /^\[([^\]]+)\]:(.*)$/.exec(s);
  if (s.includes('|')) {
    const at = s.lastIndexOf('|');
    addr = s
      .slice(0, at)
      .trim()
      .replace(/^\[(.*)\]$/, '$1');
    portText = s.slice(at + 1).trim();
  } else if (bracketed) {
    addr = bracketed[1];
    portText = bracketed[2];
  } else {
    const colons = s.split(':').length - 1;
    if (colons === 0)
      return { ok: false, message: 'expected an address and a port, as ip|port, ip:port or [ipv6]:port' };
    if (colons > 1)
      return { ok: false, message: 'an IPv6 address with a port must be written [address]:port or address|port' };
    [addr, portText] = s.split(':');
  }
  if (addr.includes('/')) return { ok: false, message: 'ip-dst|port takes a single address, not a CIDR range' };
  const a = parseIp(addr);
  if (!a.ok) return a;
  const p = port(portText);
  if (!p.ok) return p;
  return { ok: true, value: `${a.text}|${p.value}` };
}
function email(input) {
  const s = input
    .replace(/^mailto:/i, '')
    .replace(/^<(.*)>$/, '$1')
    .toLowerCase();
  const at = s.lastIndexOf('@');
  if (at < 0) return { ok: false, message: 'an e-mail address needs an @ between the local part and the domain' };
  const local = s.slice(0, at);
  const dom = s.slice(at + 1);
  if (local === '') return { ok: false, message: 'the part before @ is empty' };
  if (local.length > 64) return { ok: false, message: 'the part before @ is longer than 64 characters' };
  // RFC 5322 dot-atom; quoted local parts are legal but never seen in phishing IOCs and hard to match.
  if (!/^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/.test(local)) {
    return { ok: false, message: `"${local}" is not a valid local part (before @)` };
  }
  const d = normaliseDomain(dom);
  if (!d.ok)
    return {
      ok: false,
      message: `the domain after @ ${d.message.startsWith('is ') ? d.message : `is invalid: ${d.message}`}`,
    };
  return { ok: true, value: `${local}@${d.value}` };
}
/** Refuses hosts that the WHATWG parser would silently read as an IPv4 number (octal, hex, dword). */
function ambiguousNumericHost(rawHost) {
  const h = rawHost.replace(/\.$/, '');
  const last = h.split('.').pop() ?? '';
  if (!/^(?:0x[0-9a-f]*|\d+)$/i.test(last)) return undefined;
  const v4 = parseIp(h);
  if (v4.ok) return undefined;
  if (v4.message.includes('leading zero')) return v4.message;
  return `host "${rawHost}" is not a valid IPv4 address (octal, hexadecimal or integer forms are ambiguous)`;
}
function url(input) {
  let s = input;
  if (/\s/.test(s)) return { ok: false, message: 'a URL cannot contain spaces' };
  // A scheme-less `evil.example/path` is what analysts paste from logs; it means HTTP.
  if (!/^[a-z][a-z0-9+.-]*:/i.test(s) || /^[^/:]+:\d+(?:[/?#]|$)/.test(s)) s = `http://${s}`;
  const m = /^([a-z][a-z0-9+.-]*):\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)/i.exec(s);
  if (!m) return { ok: false, message: 'not a valid URL (expected scheme://host/…)' };
  const rawHost = m[2];
  if (rawHost === '') return { ok: false, message: 'the URL has no host' };
  if (!rawHost.startsWith('[')) {
    const amb = ambiguousNumericHost(rawHost);
    if (amb) return { ok: false, message: amb };
  }
  let u;
  try {
    u = new URL(s);
  } catch {
    return { ok: false, message: 'not a valid URL' };
  }
  let host = u.hostname;
  if (!host.startsWith('[') && !parseIp(host).ok) {
    const d = normaliseDomain(host);
    if (!d.ok)
      return {
        ok: false,
        message: `the URL's host ${d.message.startsWith('is ') ? d.message : `is invalid: ${d.message}`}`,
      };
    host = d.value;
    // Setting hostname drops a trailing dot the parser kept; the domain rule strips it.
    u.hostname = host;
  }
  u.hash = '';
  return { ok: true, value: u.href };
}
function vulnerability(s) {
  // CVE id syntax (cve.org): the sequence number has 4 digits, or more without a leading zero.
  if (!/^cve-\d{4}-(?:\d{4}|[1-9]\d{4,})$/i.test(s))
    return { ok: false, message: 'a vulnerability is a CVE id such as CVE-2021-44228' };
  return { ok: true, value: s.toUpperCase() };
}
function asNumber(s) {
  const m = /^(?:as\s?)?(\d+)(?:\.(\d+))?$/i.exec(s);
  if (!m) return { ok: false, message: 'an AS number is written AS64500 or 64500' };
  // asdot notation (RFC 5396): high.low means high × 65536 + low.
  let n;
  if (m[2] !== undefined) {
    const [hi, lo] = [Number(m[1]), Number(m[2])];
    if (hi > 65535 || lo > 65535) return { ok: false, message: 'an asdot AS number has two parts of at most 65535' };
    n = hi * 65536 + lo;
  } else {
    if (m[1].length > 10) return { ok: false, message: 'an AS number is at most 4294967295' };
    n = Number(m[1]);
  }
  if (n > 4294967295) return { ok: false, message: 'an AS number is at most 4294967295' };
  if (n === 0) return { ok: false, message: 'AS0 is reserved and cannot originate routes (RFC 7607)' };
  return { ok: true, value: `AS${n}` };
}
function filename(s) {
  // A path (C:\Users\…\evil.exe) is accepted as written: MISP's filename type takes paths too.
  if (s === '') return { ok: false, message: 'is empty' };
  // Control characters are exactly what this rule looks for.
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(s)) return { ok: false, message: 'a file name cannot contain control characters' };
  return { ok: true, value: s };
}
function check(type, value) {
  switch (type) {
    case 'md5':
    case 'sha1':
    case 'sha256':
      return hash(type, cleanText(value));
    case 'ip-src':
    case 'ip-dst':
      return ip(refang(value));
    case 'ip-dst|port':
      return ipPort(refang(value));
    case 'domain':
    case 'hostname':
      return normaliseDomain(refang(value));
    case 'email-src':
      return email(refang(value));
    case 'url':
      return url(refang(value));
    case 'vulnerability':
      return vulnerability(cleanText(value));
    case 'AS':
      return asNumber(cleanText(value));
    case 'filename':
      // Kept literal: brackets and "(1)" are ordinary in file names, so no refanging here.
      return filename(cleanText(value));
  }
}
/** Refangs, trims, canonicalises and validates `value` as `type`. Never throws for bad input. */
export function normaliseIoc(type, value) {
  const original = typeof value === 'string' ? value : String(value ?? '');
  if (!IOC_TYPES.includes(type)) {
    return { ok: false, message: `unknown IOC type "${String(type)}"`, original };
  }
  if (cleanText(original) === '') return { ok: false, message: 'is empty', original };
  const r = check(type, original);
  return r.ok ? { ok: true, type, value: r.value, original } : { ok: false, message: r.message, original };
}
/** ip-src/ip-dst are one family, domain/hostname another; other types are their own family. */
export function iocFamily(type) {
  if (type === 'ip-src' || type === 'ip-dst') return 'ip';
  if (type === 'domain' || type === 'hostname') return 'domain';
  return type;
}
