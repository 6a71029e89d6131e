// Generated from libs/ioc/src/ip.ts by scripts/web-ioc.mjs: edit the library, not this file.
// IP address parsing by hand rather than node:net, because we need the groups (RFC 5952 output, CIDR masking)
// and must refuse forms net.isIP or the WHATWG URL parser would silently reinterpret (octal/hex IPv4).
const V4_LOOSE = /^\d+(?:\.\d+){3}$/;
/** Strict dotted-quad. Leading zeros are refused: `010.0.0.1` is 8.0.0.1 to inet_aton but 10.0.0.1 to a human. */
export function parseIPv4(s) {
  if (!V4_LOOSE.test(s)) return { ok: false, message: 'not a valid IPv4 or IPv6 address' };
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
export function parseIPv6(input) {
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
    // Keep the colon only when it closes a '::' (as in '::ffff:…' vs '::1.2.3.4').
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
    if (missing < 1) return bad; // '::' must stand for at least one group
    groups = [...head, ...new Array(missing).fill(0), ...all];
  } else {
    groups = head.concat(tail);
    if (groups.length !== 8) return bad;
  }
  const bytes = groups.flatMap((g) => [g >> 8, g & 0xff]);
  return { ok: true, version: 6, bytes, text: formatIPv6(groups) };
}
/** RFC 5952 §4: lower-case, no leading zeros, '::' for the longest run (≥2) of zero groups, first on a tie. */
export function formatIPv6(groups) {
  // RFC 5952 §5: IPv4-mapped addresses are written with the IPv4 part in dotted-quad.
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
export function parseIp(s) {
  if (s.includes(':')) return parseIPv6(s);
  return parseIPv4(s);
}
function bytesToText(version, bytes) {
  if (version === 4) return bytes.join('.');
  const groups = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i] << 8) | bytes[i + 1]);
  return formatIPv6(groups);
}
/**
 * An address or a CIDR range. A full-length prefix (/32, /128) is the single address; a range is reduced to its
 * network address so that `10.1.2.3/24` and `10.1.2.0/24` compare equal.
 */
export function normaliseIpOrCidr(s) {
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
