// Browser port of @drill/ioc (libs/ioc/src: refang.ts, ip.ts, domain.ts, normalise.ts, extract.ts), so that an
// analyst sees at once what a pasted, defanged text yields and which values the server will refuse. The server
// normalises again on submit; apps/drill-server/web/ioc.spec.ts checks this copy against the library.
// Only node:url's domainToASCII differs: the WHATWG URL parser runs the same domain-to-ASCII algorithm.

// ───────────── refang ─────────────

const INVISIBLE = /[\u200B-\u200D\u2060\uFEFF\u00AD]/;
const INVISIBLE_ALL = new RegExp(INVISIBLE.source, 'gu');

const DEFANG_TOKEN = new RegExp(
  [
    String.raw`\bh(?:xx|\[tt\]|\*\*)p(s?)(?=\s*(?:\[|\(|\{)?\s*:)`,
    String.raw`\s*(?:\[\s*:\/\/\s*\]|\(\s*:\/\/\s*\)|\{\s*:\/\/\s*\})`,
    String.raw`\s*(?:\[\s*(?:\.|dot)\s*\]|\(\s*(?:\.|dot)\s*\)|\{\s*(?:\.|dot)\s*\})\s*`,
    String.raw`\s*(?:\[\s*(?:@|at)\s*\]|\(\s*(?:@|at)\s*\)|\{\s*(?:@|at)\s*\})\s*`,
    String.raw`(?:\[\s*:\s*\]|\(\s*:\s*\)|\{\s*:\s*\})`,
  ].join('|'),
  'giu',
);

function replacementFor(token, httpsS) {
  if (/^h/i.test(token)) return `http${(httpsS ?? '').toLowerCase()}`;
  const inner = token.replace(/[\s[\](){}]/g, '').toLowerCase();
  if (inner === '://') return '://';
  if (inner === '.' || inner === 'dot') return '.';
  if (inner === '@' || inner === 'at') return '@';
  return ':';
}

function nfkcMapped(source) {
  let text = '';
  const map = [];
  let i = 0;
  for (const ch of source) {
    if (!INVISIBLE.test(ch)) {
      const n = ch.normalize('NFKC');
      for (let k = 0; k < n.length; k++) map.push(i);
      text += n;
    }
    i += ch.length;
  }
  map.push(source.length);
  return { text, map };
}

function refangMapped(source) {
  const base = nfkcMapped(source);
  let text = '';
  const map = [];
  let last = 0;
  for (const m of base.text.matchAll(DEFANG_TOKEN)) {
    const start = m.index;
    for (let k = last; k < start; k++) map.push(base.map[k]);
    text += base.text.slice(last, start);
    const rep = replacementFor(m[0], m[1]);
    for (let k = 0; k < rep.length; k++) map.push(base.map[start]);
    text += rep;
    last = start + m[0].length;
  }
  for (let k = last; k < base.text.length; k++) map.push(base.map[k]);
  text += base.text.slice(last);
  map.push(base.map[base.text.length]);
  return { text, map };
}

export function cleanText(value) {
  return value.normalize('NFKC').replace(INVISIBLE_ALL, '').trim();
}

export function refang(value) {
  return cleanText(value)
    .replace(DEFANG_TOKEN, (token, s) => replacementFor(token, s))
    .trim();
}

// ───────────── IP addresses ─────────────

function parseIPv4(s) {
  if (!/^\d+(?:\.\d+){3}$/.test(s)) return { ok: false, message: 'not a valid IPv4 or IPv6 address' };
  const parts = s.split('.');
  if (parts.some((p) => p.length > 1 && p.startsWith('0'))) {
    return {
      ok: false,
      message: `IPv4 address "${s}" has an octet with a leading zero, which some systems read as octal; write it without leading zeros`,
    };
  }
  const bytes = parts.map(Number);
  if (bytes.some((b) => b > 255)) return { ok: false, message: `IPv4 address "${s}" has an octet above 255` };
  return { ok: true, version: 4, bytes, text: bytes.join('.') };
}

function formatIPv6(groups) {
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const [a, b] = [groups[6], groups[7]];
    return `::ffff:${a >> 8}.${a & 0xff}.${b >> 8}.${b & 0xff}`;
  }
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestLen < 2) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

function parseIPv6(input) {
  const bad = { ok: false, message: 'not a valid IPv4 or IPv6 address' };
  let s = input.toLowerCase();
  if (s.includes('%'))
    return { ok: false, message: 'IPv6 zone identifiers (%…) are local to one host and cannot be an indicator' };
  if (!/^[0-9a-f:.]+$/.test(s) || !s.includes(':')) return bad;
  let tail = [];
  const lastColon = s.lastIndexOf(':');
  const lastPart = s.slice(lastColon + 1);
  if (lastPart.includes('.')) {
    const v4 = parseIPv4(lastPart);
    if (!v4.ok) return v4.message.includes('leading zero') ? v4 : bad;
    tail = [(v4.bytes[0] << 8) | v4.bytes[1], (v4.bytes[2] << 8) | v4.bytes[3]];
    s = s[lastColon - 1] === ':' ? s.slice(0, lastColon + 1) : s.slice(0, lastColon);
  }
  const halves = s.split('::');
  if (halves.length > 2) return bad;
  const parseGroups = (h) => {
    if (h === '') return [];
    const gs = h.split(':');
    if (gs.some((g) => !/^[0-9a-f]{1,4}$/.test(g))) return undefined;
    return gs.map((g) => parseInt(g, 16));
  };
  const head = parseGroups(halves[0]);
  if (!head) return bad;
  let groups;
  if (halves.length === 2) {
    const rest = parseGroups(halves[1]);
    if (!rest) return bad;
    const all = rest.concat(tail);
    const missing = 8 - head.length - all.length;
    if (missing < 1) return bad;
    groups = [...head, ...new Array(missing).fill(0), ...all];
  } else {
    groups = head.concat(tail);
    if (groups.length !== 8) return bad;
  }
  const bytes = groups.flatMap((g) => [g >> 8, g & 0xff]);
  return { ok: true, version: 6, bytes, text: formatIPv6(groups) };
}

function parseIp(s) {
  return s.includes(':') ? parseIPv6(s) : parseIPv4(s);
}

function bytesToText(version, bytes) {
  if (version === 4) return bytes.join('.');
  const groups = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i] << 8) | bytes[i + 1]);
  return formatIPv6(groups);
}

function normaliseIpOrCidr(s) {
  const slash = s.indexOf('/');
  const addrPart = slash < 0 ? s : s.slice(0, slash);
  const ip = parseIp(addrPart);
  if (!ip.ok) return ip;
  if (slash < 0) return { ok: true, value: ip.text };
  const prefixText = s.slice(slash + 1);
  const max = ip.version === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > max) {
    return { ok: false, message: `CIDR prefix length must be a number from 0 to ${max}` };
  }
  const prefix = Number(prefixText);
  if (prefix === max) return { ok: true, value: ip.text };
  const masked = ip.bytes.map((b, i) => {
    const bitsHere = Math.max(0, Math.min(8, prefix - i * 8));
    return b & ((0xff << (8 - bitsHere)) & 0xff);
  });
  return { ok: true, value: `${bytesToText(ip.version, masked)}/${prefix}` };
}

// ───────────── domains ─────────────

const LABEL_RE = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;
const TLD_RE = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;

function domainToASCII(s) {
  try {
    return new URL(`http://${s}/`).hostname;
  } catch {
    return '';
  }
}

function normaliseDomain(input) {
  const trimmed = input.trim().replace(/^\.+|\.+$/g, '');
  if (trimmed === '') return { ok: false, message: 'is empty' };
  if (/[\s/\\@:?#%]/.test(trimmed))
    return { ok: false, message: 'a domain name cannot contain spaces or the characters / \\ @ : ? # %' };
  const bare = trimmed.replace(/^\[|\]$/g, '');
  if (parseIp(bare).ok) return { ok: false, message: 'is an IP address, not a domain name' };
  const rawTld = trimmed.slice(trimmed.lastIndexOf('.') + 1);
  if (/^(?:\d+|0x[0-9a-f]*)$/i.test(rawTld)) {
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
  const badLabel = labels.find((l) => !LABEL_RE.test(l));
  if (badLabel !== undefined) {
    return {
      ok: false,
      message: `label "${badLabel}" is not valid: 1–63 letters, digits or hyphens, not starting or ending with a hyphen`,
    };
  }
  if (!TLD_RE.test(labels[labels.length - 1]))
    return { ok: false, message: `"${labels[labels.length - 1]}" is not a valid top-level domain` };
  return { ok: true, value: ascii };
}

// ───────────── per-type normalisation ─────────────

const HASH_LENGTHS = { md5: 32, sha1: 40, sha256: 64 };
const HASH_NAMES = { md5: 'MD5', sha1: 'SHA-1', sha256: 'SHA-256' };
export const IOC_TYPE_VALUES = [
  'ip-src',
  'ip-dst',
  'ip-dst|port',
  'domain',
  'hostname',
  'url',
  'md5',
  'sha1',
  'sha256',
  'email-src',
  'filename',
  'vulnerability',
  'AS',
];

function hash(type, s) {
  const want = HASH_LENGTHS[type];
  if (!/^[0-9a-f]+$/i.test(s))
    return { ok: false, message: `an ${HASH_NAMES[type]} hash contains only hexadecimal digits 0-9 a-f` };
  if (s.length !== want)
    return {
      ok: false,
      message: `an ${HASH_NAMES[type]} hash is ${want} hexadecimal characters, this one has ${s.length}`,
    };
  return { ok: true, value: s.toLowerCase() };
}

function ip(s) {
  const bare = /^\[[^\]]*\]$/.test(s) ? s.slice(1, -1) : s;
  if (/^\d+(?:\.\d+){3}:\d+$/.test(bare) || /^\[.*\]:\d+$/.test(bare))
    return { ok: false, message: 'this is an address with a port; use the ip-dst|port type' };
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
  if (!/^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/.test(local))
    return { ok: false, message: `"${local}" is not a valid local part (before @)` };
  const d = normaliseDomain(dom);
  if (!d.ok)
    return {
      ok: false,
      message: `the domain after @ ${d.message.startsWith('is ') ? d.message : `is invalid: ${d.message}`}`,
    };
  return { ok: true, value: `${local}@${d.value}` };
}

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
    u.hostname = host;
  }
  u.hash = '';
  return { ok: true, value: u.href };
}

function vulnerability(s) {
  if (!/^cve-\d{4}-(?:\d{4}|[1-9]\d{4,})$/i.test(s))
    return { ok: false, message: 'a vulnerability is a CVE id such as CVE-2021-44228' };
  return { ok: true, value: s.toUpperCase() };
}

function asNumber(s) {
  const m = /^(?:as\s?)?(\d+)(?:\.(\d+))?$/i.exec(s);
  if (!m) return { ok: false, message: 'an AS number is written AS64500 or 64500' };
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
  if (s === '') return { ok: false, message: 'is empty' };
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
      return filename(cleanText(value));
  }
  return { ok: false, message: `unknown IOC type "${String(type)}"` };
}

/** Refangs, trims, canonicalises and validates `value` as `type`: {ok, type, value, original} or {ok:false, message}. */
export function normaliseIoc(type, value) {
  const original = typeof value === 'string' ? value : String(value ?? '');
  if (!IOC_TYPE_VALUES.includes(type)) return { ok: false, message: `unknown IOC type "${String(type)}"`, original };
  if (cleanText(original) === '') return { ok: false, message: 'is empty', original };
  const r = check(type, original);
  return r.ok ? { ok: true, type, value: r.value, original } : { ok: false, message: r.message, original };
}

// ───────────── extraction from free text ─────────────

const FILE_EXTENSIONS = new Set(
  (
    'exe dll sys scr com bat cmd ps1 psm1 vbs vbe js jse wsf wsh hta lnk msi msp jar apk dmg pkg iso img vhd vhdx ' +
    'doc docx docm xls xlsx xlsm ppt pptx pptm rtf pdf one txt csv log json xml html htm eml msg ' +
    'zip rar 7z gz tgz tar bz2 xz cab bin dat tmp sh py pl rb elf so dylib ' +
    'jpg jpeg png gif bmp svg'
  ).split(' '),
);

const L = String.raw`[\p{L}\p{N}_]`;
const LABEL = String.raw`${L}(?:[\p{L}\p{N}_-]{0,61}${L})?`;
const DOMAIN = String.raw`(?:${LABEL}\.)+\p{L}[\p{L}\p{N}-]{0,62}`;
const IPV4 = String.raw`\d{1,3}(?:\.\d{1,3}){3}`;
const IPV6 = String.raw`(?:[0-9a-f]{0,4}:){2,7}(?:${IPV4}|[0-9a-f]{0,4})`;

const PATTERNS = [
  { re: new RegExp(String.raw`\b(?:https?|ftps?|sftp|wss?):\/\/[^\s<>"'\x60]+`, 'giu'), type: 'url' },
  { re: new RegExp(String.raw`\[(?:${IPV6})\]:\d{1,5}(?!\d)`, 'giu'), type: 'ip-dst|port' },
  {
    re: new RegExp(String.raw`(?<![\w.+-])[a-z0-9](?:[a-z0-9._%+-]{0,62}[a-z0-9_%+-])?@${DOMAIN}`, 'giu'),
    type: 'email-src',
  },
  { re: new RegExp(String.raw`(?<![\w.:])${IPV4}:\d{1,5}(?![\w:]|\.\d)`, 'gu'), type: 'ip-dst|port' },
  { re: new RegExp(String.raw`(?<![\w.:])${IPV4}(?:\/\d{1,2})?(?![\w:]|\.\d)`, 'gu'), type: 'ip-dst' },
  { re: new RegExp(String.raw`(?<![\w.:])${IPV6}(?:\/\d{1,3})?(?![\w:]|\.\w)`, 'giu'), type: 'ip-dst' },
  { re: /\bCVE-\d{4}-\d{4,}\b/giu, type: 'vulnerability' },
  { re: /\bAS\d{1,10}\b/gu, type: 'AS' },
  {
    re: /(?<![\p{L}\p{N}_])[0-9a-f]{32,64}(?![\p{L}\p{N}_])/giu,
    type: (m) => ({ 32: 'md5', 40: 'sha1', 64: 'sha256' })[m[0].length],
  },
  { re: new RegExp(String.raw`(?<![\w.@/-])${DOMAIN}\/[^\s<>"'\x60]*`, 'giu'), type: 'url' },
  {
    re: new RegExp(String.raw`(?<![\w.@/-])${DOMAIN}(?![\w@-]|\.\w)`, 'giu'),
    type: (m) => (FILE_EXTENSIONS.has(m[0].split('.').pop().toLowerCase()) ? 'filename' : 'domain'),
  },
];

function trimTrailing(s) {
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

/**
 * Every indicator found in free text (a pasted e-mail, log excerpt or advisory), refanged, validated and
 * deduplicated, in order of appearance: [{type, value (normalised), original (as pasted)}].
 */
export function defangedTextToIocs(text) {
  const source = typeof text === 'string' ? text : '';
  const { text: flat, map } = refangMapped(source);
  const claimed = [];
  const found = [];
  const seen = new Set();
  const overlaps = (s, e) => claimed.some(([cs, ce]) => s < ce && e > cs);
  for (const p of PATTERNS) {
    for (const m of flat.matchAll(p.re)) {
      const start = m.index;
      const raw = trimTrailing(m[0]);
      const end = start + raw.length;
      if (raw === '' || overlaps(start, end)) continue;
      const type = typeof p.type === 'function' ? p.type(m) : p.type;
      if (!type) continue;
      const n = normaliseIoc(type, raw);
      if (!n.ok) continue;
      claimed.push([start, end]);
      const key = `${type}\u0000${n.value}`;
      if (seen.has(key)) continue;
      seen.add(key);
      found.push({ type, value: n.value, original: source.slice(map[start], map[end]).trim(), at: start });
    }
  }
  return found.sort((a, b) => a.at - b.at).map(({ at: _at, ...ioc }) => ioc);
}

const DEFANGED_TYPES = new Set(['ip-src', 'ip-dst', 'ip-dst|port', 'domain', 'hostname', 'url', 'email-src']);

/** How network indicators are shown on screen: defanged, so nothing on the page is clickable or resolvable. */
export function defangFor(type, value) {
  const v = String(value);
  if (!DEFANGED_TYPES.has(type)) return v;
  return v
    .replace(/^http(s?):\/\//i, 'hxxp$1://')
    .replace(/\./g, '[.]')
    .replace(/@/g, '[@]');
}
