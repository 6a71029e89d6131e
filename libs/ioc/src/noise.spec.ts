import type { IocType } from '@drill/contracts';
import { describe, expect, it } from '@jest/globals';
import { defangedTextToIocs, isNoise, unsureReason } from './index.js';

describe('isNoise — what the extractor leaves out', () => {
  it.each<[IocType, string, boolean]>([
    ['filename', 'svchost.exe', true],
    ['filename', 'PSEXESVC.exe', true],
    ['filename', 'services.exe', true],
    ['filename', 'vssadmin.exe', true],
    ['filename', 'kernel32.dll', true],
    ['filename', 'svchosts.exe', false], // a look-alike is exactly what to report
    ['filename', 'svcupd.exe', false],
    ['domain', 'smtp.mailfrom', true],
    ['domain', 'header.from', true],
    ['domain', 'header.d', true],
    ['domain', 'smtp.evil.example', false], // a real host that starts with a header word
    ['domain', 'evil.example', false],
    ['ip-dst', '10.0.0.1', false], // unsure, not left out
  ])('%s %s → %s', (type, value, noise) => expect(isNoise(type, value)).toBe(noise));
});

describe('unsureReason — what the extractor keeps but leaves unticked', () => {
  it.each<[IocType, string, boolean, RegExp | undefined]>([
    ['ip-dst', '10.30.2.12', false, /private \(RFC 1918\)/],
    ['ip-dst', '172.16.10.25', false, /private/],
    ['ip-dst', '172.32.0.1', false, undefined],
    ['ip-dst', '192.168.1.1', true, /private/], // defanged or not, a LAN address names the victim's host
    ['ip-dst', '10.0.0.0/8', false, /private/],
    ['ip-src', '100.64.0.1', false, /carrier-grade NAT/],
    ['ip-dst', '127.0.0.1', false, /loopback/],
    ['ip-dst', '169.254.1.1', false, /link-local/],
    ['ip-dst', '0.0.0.0', false, /unspecified/],
    ['ip-dst', '239.255.255.250', false, /multicast/],
    ['ip-dst|port', '192.168.0.5|445', false, /private/],
    ['ip-dst|port', '203.0.113.45|443', false, undefined],
    ['ip-dst', '203.0.113.45', false, undefined],
    ['ip-dst', '::1', false, /loopback/],
    ['ip-dst', '::', false, /loopback or unspecified/],
    ['ip-dst', 'fe80::1', false, /link-local/],
    ['ip-dst', 'fd00::1', false, /unique local/],
    ['ip-dst', 'ff02::1', false, /multicast/],
    ['ip-dst', '2001:db8::1', false, undefined],
    ['ip-dst', 'not-an-ip', false, undefined],
    ['domain', 'rc.conf', false, /"\.conf" is not a common top-level domain/],
    ['domain', 'dr.aziz', false, /not a common top-level domain/],
    ['domain', 'krait-relay.zzz', true, undefined], // defanged: its author judged it an indicator
    ['domain', 'evil.example', false, undefined],
    ['domain', 'evil.co', false, undefined], // every two-letter (country) code
    ['domain', 'xn--bcher-kva.xn--p1ai', false, undefined],
    ['domain', 'mx1.andamanbank.com', false, undefined],
    ['sha256', 'ff'.repeat(32), false, undefined],
  ])('%s %s (defanged %s)', (type, value, defanged, reason) => {
    const r = unsureReason(type, value, defanged);
    if (reason === undefined) expect(r).toBeUndefined();
    else expect(r).toMatch(reason);
  });
});

describe('defangedTextToIocs on I-01 of the sample drill', () => {
  it('keeps the intrusion’s indicators and leaves out the binaries every host runs', () => {
    const found = defangedTextToIocs(
      [
        '2026-04-14T20:51:07Z,SPMH-DC01,medium,Suspicious remote service,PSEXESVC.exe,services.exe,"C:\\Windows\\PSEXESVC.exe",,',
        '2026-04-14T20:52:44Z,SPMH-FS02,high,Outbound,svcupd.exe,PSEXESVC.exe,,ff5ec44a4ba02ec91afdb8b51b8db28640bdfc0130162557bb16749bdeca409e,203.0.113[.]45:443',
        '2026-04-14T20:55:19Z,SPMH-LIS01,low,Windows Update download,svchost.exe,services.exe,"C:\\Windows\\system32\\svchost.exe -k netsvcs -p",,198.51.100[.]10:443',
        'Our blog: hxxp://krait-leaks[.]example',
      ].join('\n'),
    );
    expect(found.map((f) => [f.type, f.value, f.unsure])).toEqual([
      ['filename', 'svcupd.exe', undefined],
      ['sha256', 'ff5ec44a4ba02ec91afdb8b51b8db28640bdfc0130162557bb16749bdeca409e', undefined],
      ['ip-dst|port', '203.0.113.45|443', undefined],
      ['ip-dst|port', '198.51.100.10|443', undefined],
      ['url', 'http://krait-leaks.example/', undefined],
    ]);
  });

  it('drops header words, marks LAN addresses and unknown names unsure, and keeps the key absent when sure', () => {
    const found = defangedTextToIocs(
      'Authentication-Results: mx1; spf=fail smtp.mailfrom=evil[.]example; dmarc=fail header.from=evil[.]example\n' +
        'Received: from relay (172.16.10.25) by exch02; see rc.conf and krait-relay[.]zzz',
    );
    expect(found).toEqual([
      { type: 'domain', value: 'evil.example', original: 'evil[.]example' },
      {
        type: 'ip-dst',
        value: '172.16.10.25',
        original: '172.16.10.25',
        unsure: "a private (RFC 1918) address: usually a host of the victim's network, not an indicator to share",
      },
      {
        type: 'domain',
        value: 'rc.conf',
        original: 'rc.conf',
        unsure: '".conf" is not a common top-level domain and the name is not defanged: perhaps a word or a file name',
      },
      { type: 'domain', value: 'krait-relay.zzz', original: 'krait-relay[.]zzz' },
    ]);
  });
});
