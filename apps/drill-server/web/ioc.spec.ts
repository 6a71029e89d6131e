import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { defangedTextToIocs, normaliseIoc, relatedKeys } from '@drill/ioc';
import { IOC_TYPES } from '@drill/contracts';
// @ts-expect-error -- a plain .mjs build script without declarations
import { generateWebIoc, WEB_IOC_DIR } from '../../../scripts/web-ioc.mjs';

// The console's IOC rules (public/js/ioc.js) are @drill/ioc compiled by scripts/web-ioc.mjs: the compiled copy must
// be current, and (with the browser's stand-in for node:url) must agree with the library the server uses.
const web = (await import(new URL('./public/js/ioc.js', import.meta.url).href)) as {
  defangedTextToIocs: (t: string) => { type: string; value: string; original: string; unsure?: string }[];
  normaliseIoc: (type: string, v: string) => { ok: boolean; value?: string; message?: string };
  relatedKeys: typeof relatedKeys;
  defangFor: (type: string, v: string) => string;
};

const PASTES = [
  'C2 at 203.0.113[.]45 port 443, beacon hxxps://kraitlock-support[.]example/c/SPMH-7f3a9c and hxxp://krait-leaks[.]example.',
  'Encryptor svcupd.exe sha256 FF5EC44A4BA02EC91AFDB8B51B8DB28640BDFC0130162557BB16749BDECA409E; md5 d41d8cd98f00b204e9800998ecf8427e',
  'Phish from billing[@]clearing-house(.)example via 198.51.100.7:8443 and [2001:db8::1]:443, AS64511, CVE-2024-3400.',
  'Proxy log: evil.example/gate.php?id=7 then 2001:DB8:0:0:0:0:0:1 and 10.1.2.3/24 (internal); see invoice.pdf',
  'Résumé bücher.example und xn--bcher-kva.example; not an IP 010.0.0.1, nor 1.2.3',
  'Defanged scheme h[tt]ps[://]mail{.}example[.]org/login and hxxps[:]//x(dot)example',
  // I-01's EDR lines: system binaries left out, the LAN address and the header words unsure or dropped.
  '2026-04-14T20:52:44Z,SPMH-FS02,high,Outbound,svcupd.exe,PSEXESVC.exe,,ff5ec44a4ba02ec91afdb8b51b8db28640bdfc0130162557bb16749bdeca409e,203.0.113[.]45:443',
  'C:\\Windows\\system32\\svchost.exe -k netsvcs from 10.30.2.12 to 198.51.100[.]10:443; smtp.mailfrom=a.example; rc.conf',
  '',
];

describe('the compiled copy (public/js/ioc/)', () => {
  it('is what scripts/web-ioc.mjs makes of libs/ioc now (run `node scripts/web-ioc.mjs` after changing the library)', async () => {
    const files = (await generateWebIoc()) as Map<string, string>;
    for (const [path, content] of files) expect([path, readFileSync(path, 'utf8')]).toEqual([path, content]);
    // Nothing left over from a library file since removed; node-url.js is the hand-written stand-in.
    const names = new Set([...files.keys()].map((p) => p.slice(WEB_IOC_DIR.length + 1)));
    expect(readdirSync(WEB_IOC_DIR).filter((f: string) => !names.has(f))).toEqual(['node-url.js']);
  });
});

describe('web console IOC rules (public/js/ioc.js)', () => {
  it('extract the same indicators from pasted text as @drill/ioc', () => {
    for (const text of PASTES) expect(web.defangedTextToIocs(text)).toEqual(defangedTextToIocs(text));
  });

  it('find, refang and type the indicators of a defanged paste (worked by hand)', () => {
    expect(
      web.defangedTextToIocs(
        'Beacon to 203.0.113[.]45 and hxxps://evil[.]example/a; hash d41d8cd98f00b204e9800998ecf8427e',
      ),
    ).toEqual([
      { type: 'ip-dst', value: '203.0.113.45', original: '203.0.113[.]45' },
      { type: 'url', value: 'https://evil.example/a', original: 'hxxps://evil[.]example/a' },
      { type: 'md5', value: 'd41d8cd98f00b204e9800998ecf8427e', original: 'd41d8cd98f00b204e9800998ecf8427e' },
    ]);
  });

  it('normalise and refuse single values as the library does', () => {
    const cases: [string, string][] = [
      ['ip-dst', '203.0.113[.]45'],
      ['ip-dst', '010.0.0.1'],
      ['ip-dst', '203.0.113.45:443'],
      ['ip-dst|port', '[2001:db8::1]:443'],
      ['domain', 'Bücher.Example.'],
      ['domain', 'evil.123'],
      ['url', 'hxxp://0x7f.1/x'],
      ['url', 'evil[.]example/path#frag'],
      ['email-src', 'Billing[@]clearing-house[.]example'],
      ['sha1', 'abc'],
      ['AS', 'as1.10'],
      ['AS', 'AS0'],
      ['vulnerability', 'cve-2021-44228'],
      ['filename', 'report (1).pdf'],
      ['hostname', '   '],
    ];
    for (const type of IOC_TYPES) cases.push([type, 'not an indicator at all']);
    for (const [type, value] of cases) {
      const lib = normaliseIoc(type as (typeof IOC_TYPES)[number], value);
      const mine = web.normaliseIoc(type, value);
      expect(mine.ok).toBe(lib.ok);
      if (lib.ok) expect(mine.value).toBe(lib.value);
      else expect(mine.message).toBe(lib.message);
    }
  });

  it('marks what the extractor is unsure of, as the library does', () => {
    expect(web.defangedTextToIocs(PASTES.at(-2)!)).toEqual([
      {
        type: 'ip-dst',
        value: '10.30.2.12',
        original: '10.30.2.12',
        unsure: "a private (RFC 1918) address: usually a host of the victim's network, not an indicator to share",
      },
      { type: 'ip-dst|port', value: '198.51.100.10|443', original: '198.51.100[.]10:443' },
      { type: 'domain', value: 'a.example', original: 'a.example' },
      {
        type: 'domain',
        value: 'rc.conf',
        original: 'rc.conf',
        unsure: '".conf" is not a common top-level domain and the name is not defanged: perhaps a word or a file name',
      },
    ]);
  });

  it('relates the forms of an indicator as the scorer does', () => {
    expect(web.relatedKeys({ type: 'ip-dst|port', value: '203.0.113.45|443' })).toEqual(
      relatedKeys({ type: 'ip-dst|port', value: '203.0.113.45|443' }),
    );
    expect(web.relatedKeys({ type: 'url', value: 'http://[2001:db8::1]:8443/x' })).toEqual([
      { family: 'url', value: 'http://[2001:db8::1]:8443/x', relation: 'same' },
      { family: 'ip', value: '2001:db8::1', relation: 'host-of-url' },
    ]);
  });

  it('shows network indicators defanged and leaves hashes alone', () => {
    expect(web.defangFor('url', 'https://evil.example/a.php')).toBe('hxxps://evil[.]example/a[.]php');
    expect(web.defangFor('email-src', 'a.b@c.example')).toBe('a[.]b[@]c[.]example');
    expect(web.defangFor('sha1', 'da39a3ee5e6b4b0d3255bfef95601890afd80709')).toBe(
      'da39a3ee5e6b4b0d3255bfef95601890afd80709',
    );
  });
});
