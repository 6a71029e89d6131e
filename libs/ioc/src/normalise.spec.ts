import type { IocType } from '@drill/contracts';
import { describe, expect, it } from '@jest/globals';
import { defangedTextToIocs, iocFamily, normaliseIoc, refang } from './index.js';

// [type, as submitted, expected normalised value]
const valid: [IocType, string, string][] = [
  // hashes: trimmed, lower-cased
  ['md5', '  D41D8CD98F00B204E9800998ECF8427E ', 'd41d8cd98f00b204e9800998ecf8427e'],
  ['sha1', 'DA39A3EE5E6B4B0D3255BFEF95601890AFD80709', 'da39a3ee5e6b4b0d3255bfef95601890afd80709'],
  [
    'sha256',
    'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855',
    'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  ],
  // IPv4, defanged, CIDR
  ['ip-dst', '203.0.113.5', '203.0.113.5'],
  ['ip-src', '203[.]0[.]113[.]5', '203.0.113.5'],
  ['ip-src', '203(.)0{.}113[dot]5', '203.0.113.5'],
  ['ip-dst', '198.51.100.0/24', '198.51.100.0/24'],
  ['ip-dst', '198.51.100.77/24', '198.51.100.0/24'], // reduced to the network address
  ['ip-dst', '10.1.2.3/12', '10.0.0.0/12'],
  ['ip-dst', '203.0.113.5/32', '203.0.113.5'],
  ['ip-dst', '0.0.0.0/0', '0.0.0.0/0'],
  ['ip-dst', '0.0.0.0', '0.0.0.0'],
  // IPv6: RFC 5952 §4 — lower case, no leading zeros, longest zero run compressed, first one on a tie, never a lone 0
  ['ip-dst', '2001:0DB8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
  ['ip-dst', '2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // tie: the first run is compressed
  ['ip-dst', '2001:db8:0:1:0:0:0:1', '2001:db8:0:1::1'], // the longer run wins
  ['ip-dst', '2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // a single zero group is not compressed
  ['ip-dst', '2001:db8::0:1', '2001:db8::1'],
  ['ip-dst', '0:0:0:0:0:0:0:0', '::'],
  ['ip-dst', '0:0:0:0:0:0:0:1', '::1'],
  ['ip-dst', '1:0:0:0:0:0:0:0', '1::'],
  ['ip-dst', 'FE80::0001', 'fe80::1'],
  ['ip-dst', '::ffff:192.0.2.1', '::ffff:192.0.2.1'], // RFC 5952 §5 mixed notation for IPv4-mapped
  ['ip-dst', '0:0:0:0:0:ffff:c000:0201', '::ffff:192.0.2.1'],
  ['ip-dst', '2001:db8::1/128', '2001:db8::1'],
  ['ip-dst', '2001:db8:abcd:12ff::/48', '2001:db8:abcd::/48'],
  ['ip-dst', '[2001:db8::1]', '2001:db8::1'],
  ['ip-dst', '2001[:]db8[:][:]1', '2001:db8::1'],
  // ip-dst|port: three input forms, one output form
  ['ip-dst|port', '203.0.113.5:443', '203.0.113.5|443'],
  ['ip-dst|port', '203.0.113.5|443', '203.0.113.5|443'],
  ['ip-dst|port', '203[.]0[.]113[.]5[:]8080', '203.0.113.5|8080'],
  ['ip-dst|port', '[2001:DB8::0001]:8443', '2001:db8::1|8443'],
  ['ip-dst|port', '2001:db8::1|53', '2001:db8::1|53'],
  ['ip-dst|port', '203.0.113.5:65535', '203.0.113.5|65535'],
  ['ip-dst|port', '203.0.113.5:1', '203.0.113.5|1'],
  // domains
  ['domain', 'Evil.Example.COM', 'evil.example.com'],
  ['domain', 'evil[.]example[.]com', 'evil.example.com'],
  ['domain', 'evil[DOT]example(Dot)com', 'evil.example.com'],
  ['domain', '.evil.example.', 'evil.example'],
  ['domain', 'evil.example...', 'evil.example'],
  ['hostname', 'bücher.example', 'xn--bcher-kva.example'],
  ['hostname', 'BÜCHER.example', 'xn--bcher-kva.example'],
  ['domain', 'xn--bcher-kva.example', 'xn--bcher-kva.example'],
  ['hostname', 'ＥＶＩＬ．example', 'evil.example'], // full-width letters and dot, folded by NFKC
  ['hostname', '_dmarc.example.org', '_dmarc.example.org'],
  ['domain', 'cdn-01.evil.example\u200B', 'cdn-01.evil.example'], // zero-width space from a chat client
  // e-mail
  ['email-src', 'Phisher@Evil.Example', 'phisher@evil.example'],
  ['email-src', 'phisher[@]evil[.]example', 'phisher@evil.example'],
  ['email-src', 'phisher [at] evil [dot] example', 'phisher@evil.example'],
  ['email-src', 'phisher(AT)evil(DOT)example', 'phisher@evil.example'],
  ['email-src', 'ceo.office+invoice@bücher.example', 'ceo.office+invoice@xn--bcher-kva.example'],
  ['email-src', 'mailto:x@evil.example', 'x@evil.example'],
  // URLs
  ['url', 'hxxp://evil[.]example/Gate.php?ID=AbC', 'http://evil.example/Gate.php?ID=AbC'],
  ['url', 'hXXps[://]evil[.]example/a', 'https://evil.example/a'],
  ['url', 'h[tt]p[:]//evil.example/', 'http://evil.example/'],
  ['url', 'HTTPS://EVIL.Example:443/Path/#frag', 'https://evil.example/Path/'],
  ['url', 'http://evil.example:80/x', 'http://evil.example/x'],
  ['url', 'http://evil.example:8080/x', 'http://evil.example:8080/x'],
  ['url', 'evil.example/payload.exe', 'http://evil.example/payload.exe'],
  ['url', 'evil.example', 'http://evil.example/'],
  ['url', 'evil.example:8080/x', 'http://evil.example:8080/x'],
  ['url', 'http://bücher.example./Kaufen', 'http://xn--bcher-kva.example/Kaufen'],
  ['url', 'http://203.0.113.5/x', 'http://203.0.113.5/x'],
  ['url', 'http://[2001:db8::1]:8080/x', 'http://[2001:db8::1]:8080/x'],
  ['url', 'ftp://files.evil.example:21/drop', 'ftp://files.evil.example/drop'],
  // vulnerabilities and AS numbers
  ['vulnerability', 'cve-2021-44228', 'CVE-2021-44228'],
  ['vulnerability', ' CVE-2024-123456 ', 'CVE-2024-123456'],
  ['vulnerability', 'CVE-2014-0160', 'CVE-2014-0160'],
  ['AS', 'AS64500', 'AS64500'],
  ['AS', 'as64500', 'AS64500'],
  ['AS', '64500', 'AS64500'],
  ['AS', 'AS 64500', 'AS64500'],
  ['AS', '4294967295', 'AS4294967295'],
  ['AS', '1.10', 'AS65546'], // asdot: 1 × 65536 + 10
  // file names keep their case and brackets
  ['filename', '  Invoice_2024.PDF.exe ', 'Invoice_2024.PDF.exe'],
  ['filename', 'report (1).docx', 'report (1).docx'],
  ['filename', 'C:\\Users\\Public\\svch0st.exe', 'C:\\Users\\Public\\svch0st.exe'],
];

describe('normaliseIoc — valid values', () => {
  it.each(valid)('%s %j → %j', (type, input, expected) => {
    const r = normaliseIoc(type, input);
    expect(r).toEqual({ ok: true, type, value: expected, original: input });
  });
});

// [type, as submitted, a fragment the message must contain]
const invalid: [IocType, string, string][] = [
  ['md5', 'd41d8cd98f00b204e9800998ecf8427', '32 hexadecimal characters'],
  ['md5', 'd41d8cd98f00b204e9800998ecf8427g', 'hexadecimal'],
  ['sha1', 'd41d8cd98f00b204e9800998ecf8427e', '40 hexadecimal characters'],
  ['sha256', 'da39a3ee5e6b4b0d3255bfef95601890afd80709', '64 hexadecimal characters'],
  ['md5', '   ', 'empty'],
  ['ip-dst', '256.1.1.1', 'above 255'],
  ['ip-dst', '010.0.0.1', 'leading zero'],
  ['ip-src', '192.168.001.1', 'leading zero'],
  ['ip-dst', '1.2.3', 'not a valid IPv4 or IPv6 address'],
  ['ip-dst', 'evil.example', 'not a valid IPv4 or IPv6 address'],
  ['ip-dst', '2001:db8::1::1', 'not a valid IPv4 or IPv6 address'],
  ['ip-dst', '2001:db8:1:2:3:4:5:6:7', 'not a valid IPv4 or IPv6 address'],
  ['ip-dst', '2001:db8:1:2:3:4:5', 'not a valid IPv4 or IPv6 address'],
  ['ip-dst', '2001:db8::12345', 'not a valid IPv4 or IPv6 address'],
  ['ip-dst', 'fe80::1%eth0', 'zone'],
  ['ip-dst', '203.0.113.5:443', 'ip-dst|port'],
  ['ip-dst', '10.0.0.0/33', 'prefix'],
  ['ip-dst', '2001:db8::/129', 'prefix'],
  ['ip-dst|port', '203.0.113.5', 'port'],
  ['ip-dst|port', '203.0.113.5:0', 'outside 1–65535'],
  ['ip-dst|port', '203.0.113.5:65536', 'outside 1–65535'],
  ['ip-dst|port', '203.0.113.5:http', 'not a number'],
  ['ip-dst|port', '2001:db8::1:443', '[address]:port'],
  ['ip-dst|port', '010.0.0.1:443', 'leading zero'],
  ['domain', 'localhost', 'label.tld'],
  ['domain', 'evil..example', 'empty labels'],
  ['domain', '-evil.example', 'label "-evil"'],
  ['domain', 'evil-.example', 'label "evil-"'],
  ['domain', 'evil.example/path', 'cannot contain'],
  ['domain', 'evil example.com', 'cannot contain'],
  ['domain', '203.0.113.5', 'IP address'],
  ['hostname', 'evil.123', 'top-level domain'],
  ['hostname', `${'a'.repeat(64)}.example`, 'label'],
  ['email-src', 'phisher.evil.example', '@'],
  ['email-src', '@evil.example', 'before @ is empty'],
  ['email-src', 'phisher@localhost', 'domain after @'],
  ['email-src', 'phi sher@evil.example', 'local part'],
  ['email-src', 'phisher.@evil.example', 'local part'],
  ['url', 'http://', 'no host'],
  ['url', 'http://exa mple.com/', 'spaces'],
  ['url', 'http://010.0.0.1/x', 'leading zero'],
  ['url', 'http://0x7f.1/', 'ambiguous'],
  ['url', 'http://2130706433/', 'ambiguous'],
  ['url', 'http://intranet/', 'label.tld'],
  ['vulnerability', 'CVE-21-44228', 'CVE id'],
  ['vulnerability', 'CVE-2021-442', 'CVE id'],
  ['vulnerability', 'MS17-010', 'CVE id'],
  ['vulnerability', 'CVE-2021-012345', 'CVE id'], // 5+ digit sequence numbers have no leading zero
  ['AS', 'AS4294967296', 'at most 4294967295'],
  ['AS', 'AS0', 'reserved'],
  ['AS', 'ASN-64500', 'AS64500'],
  ['filename', '', 'empty'],
  ['filename', 'evil\u0000.exe', 'control characters'],
];

describe('normaliseIoc — invalid values', () => {
  it.each(invalid)('%s %j is refused (%s)', (type, input, fragment) => {
    const r = normaliseIoc(type, input);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.message).toContain(fragment);
    expect(r.original).toBe(input);
  });

  it('refuses an unknown type without throwing', () => {
    const r = normaliseIoc('mutex' as IocType, 'Global\\x');
    expect(r).toEqual({ ok: false, message: 'unknown IOC type "mutex"', original: 'Global\\x' });
  });

  it('does not throw on a non-string value', () => {
    expect(normaliseIoc('domain', undefined as unknown as string).ok).toBe(false);
  });
});

describe('refang', () => {
  it.each([
    ['hxxp://a[.]b/c', 'http://a.b/c'],
    ['HXXPS://a[.]b', 'https://a.b'],
    ['h[TT]ps[://]a{.}b', 'https://a.b'],
    ['a[dot]b[DOT]c', 'a.b.c'],
    ['x[AT]y(at)z[@]w', 'x@y@z@w'],
    ['1.2.3.4[:]80', '1.2.3.4:80'],
    // "hxxp" not followed by a scheme separator is left alone
    ['hxxpd.exe', 'hxxpd.exe'],
  ])('%j → %j', (input, expected) => {
    expect(refang(input)).toBe(expected);
  });
});

describe('iocFamily', () => {
  it('groups ip-src with ip-dst and domain with hostname only', () => {
    expect(iocFamily('ip-src')).toBe(iocFamily('ip-dst'));
    expect(iocFamily('domain')).toBe(iocFamily('hostname'));
    expect(iocFamily('ip-dst|port')).not.toBe(iocFamily('ip-dst'));
    expect(iocFamily('url')).not.toBe(iocFamily('domain'));
  });
});

describe('defangedTextToIocs', () => {
  it('pulls every kind of indicator out of a pasted, defanged e-mail', () => {
    const text = [
      'From: "IT Support" <helpdesk[@]bücher[.]example>',
      'Please see hxxps://login-update[.]example[.]com/Reset?Token=AbC#x now.',
      'C2 at 203[.]0[.]113[.]5 and 198.51.100.7:8443, also [2001:db8::1]:443 and 2001:DB8:0:0::5.',
      'Dropper invoice.pdf.exe (SHA256 E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855),',
      'md5 d41d8cd98f00b204e9800998ecf8427e; exploits cve-2021-44228 via AS64500.',
      'Beacons to cdn[.]evil[.]example and cdn.evil.example again; staging evil.example/gate.php.',
    ].join('\n');
    expect(defangedTextToIocs(text)).toEqual([
      { type: 'email-src', value: 'helpdesk@xn--bcher-kva.example', original: 'helpdesk[@]bücher[.]example' },
      {
        type: 'url',
        value: 'https://login-update.example.com/Reset?Token=AbC',
        original: 'hxxps://login-update[.]example[.]com/Reset?Token=AbC#x',
      },
      { type: 'ip-dst', value: '203.0.113.5', original: '203[.]0[.]113[.]5' },
      { type: 'ip-dst|port', value: '198.51.100.7|8443', original: '198.51.100.7:8443' },
      { type: 'ip-dst|port', value: '2001:db8::1|443', original: '[2001:db8::1]:443' },
      { type: 'ip-dst', value: '2001:db8::5', original: '2001:DB8:0:0::5' },
      { type: 'filename', value: 'invoice.pdf.exe', original: 'invoice.pdf.exe' },
      {
        type: 'sha256',
        value: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
        original: 'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855',
      },
      { type: 'md5', value: 'd41d8cd98f00b204e9800998ecf8427e', original: 'd41d8cd98f00b204e9800998ecf8427e' },
      { type: 'vulnerability', value: 'CVE-2021-44228', original: 'cve-2021-44228' },
      { type: 'AS', value: 'AS64500', original: 'AS64500' },
      { type: 'domain', value: 'cdn.evil.example', original: 'cdn[.]evil[.]example' },
      { type: 'url', value: 'http://evil.example/gate.php', original: 'evil.example/gate.php' },
    ]);
  });

  it('skips what does not validate and does not split version numbers into IPs', () => {
    expect(defangedTextToIocs('version 1.2.3.4.5 and 010.0.0.1 and 999.1.1.1 at 12:30:45')).toEqual([]);
  });

  it('returns nothing for empty text', () => {
    expect(defangedTextToIocs('')).toEqual([]);
  });
});
