import { describe, expect, it } from '@jest/globals';
import { defangedTextToIocs, normaliseIoc } from '@drill/ioc';
import { IOC_TYPES } from '@drill/contracts';

// The console's copy of the IOC rules (public/js/ioc.js) must agree with the library the server uses.
const web = (await import(new URL('./public/js/ioc.js', import.meta.url).href)) as {
  defangedTextToIocs: (t: string) => { type: string; value: string; original: string }[];
  normaliseIoc: (type: string, v: string) => { ok: boolean; value?: string; message?: string };
  defangFor: (type: string, v: string) => string;
};

const PASTES = [
  'C2 at 203.0.113[.]45 port 443, beacon hxxps://kraitlock-support[.]example/c/SPMH-7f3a9c and hxxp://krait-leaks[.]example.',
  'Encryptor svcupd.exe sha256 FF5EC44A4BA02EC91AFDB8B51B8DB28640BDFC0130162557BB16749BDECA409E; md5 d41d8cd98f00b204e9800998ecf8427e',
  'Phish from billing[@]clearing-house(.)example via 198.51.100.7:8443 and [2001:db8::1]:443, AS64511, CVE-2024-3400.',
  'Proxy log: evil.example/gate.php?id=7 then 2001:DB8:0:0:0:0:0:1 and 10.1.2.3/24 (internal); see invoice.pdf',
  'Résumé bücher.example und xn--bcher-kva.example; not an IP 010.0.0.1, nor 1.2.3',
  'Defanged scheme h[tt]ps[://]mail{.}example[.]org/login and hxxps[:]//x(dot)example',
  '',
];

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

  it('shows network indicators defanged and leaves hashes alone', () => {
    expect(web.defangFor('url', 'https://evil.example/a.php')).toBe('hxxps://evil[.]example/a[.]php');
    expect(web.defangFor('email-src', 'a.b@c.example')).toBe('a[.]b[@]c[.]example');
    expect(web.defangFor('sha1', 'da39a3ee5e6b4b0d3255bfef95601890afd80709')).toBe(
      'da39a3ee5e6b4b0d3255bfef95601890afd80709',
    );
  });
});
