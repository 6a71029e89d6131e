import type { IocType } from '@drill/contracts';
import { describe, expect, it } from '@jest/globals';
import { normaliseIoc, relatedKeys, relationBetween, type IocRelation } from './index.js';

const n = (type: IocType, value: string) => {
  const r = normaliseIoc(type, value);
  if (!r.ok) throw new Error(`${type} ${value}: ${r.message}`);
  return { type, value: r.value };
};

// [reported type, as reported, key entry type, as authored, relation or null (no match), key opts in to e-mail]
type Row = [IocType, string, IocType, string, IocRelation | null, boolean?];

const table: Record<IocRelation | 'none', Row[]> = {
  same: [
    ['ip-dst', '203.0.113[.]45', 'ip-dst', '203.0.113.45', 'same'],
    ['ip-src', '203.0.113.45', 'ip-dst', '203.0.113[.]45', 'same'], // one family
    ['hostname', 'EVIL[.]example', 'domain', 'evil.example', 'same'],
    ['domain', 'evil.example.', 'hostname', 'Evil.Example', 'same'],
    ['sha256', 'FF5EC44A4BA02EC91AFDB8B51B8DB28640BDFC0130162557BB16749BDECA409E', 'sha256', 'ff5ec44a4ba02ec91afdb8b51b8db28640bdfc0130162557bb16749bdeca409e', 'same'], // prettier-ignore
    ['md5', 'D41D8CD98F00B204E9800998ECF8427E', 'md5', 'd41d8cd98f00b204e9800998ecf8427e', 'same'],
    ['url', 'hxxp://krait-leaks[.]example', 'url', 'http://krait-leaks.example/', 'same'],
    ['url', 'HTTPS://Evil.Example:443/a?B=1#frag', 'url', 'https://evil.example/a?B=1', 'same'],
    ['ip-dst|port', '203.0.113.45:443', 'ip-dst|port', '203.0.113.45|443', 'same'],
    ['email-src', 'Billing[@]evil[.]example', 'email-src', 'billing@evil.example', 'same'],
    ['filename', 'svcupd.exe', 'filename', 'svcupd.exe', 'same'],
  ],
  'ip-of-ip-port': [
    ['ip-dst|port', '203.0.113[.]45:443', 'ip-dst', '203.0.113[.]45', 'ip-of-ip-port'],
    ['ip-dst|port', '203.0.113.45|8443', 'ip-src', '203.0.113.45', 'ip-of-ip-port'],
    ['ip-dst|port', '[2001:DB8::1]:443', 'ip-dst', '2001:db8:0:0:0:0:0:1', 'ip-of-ip-port'],
    // the port is context, not a second indicator: another port of the same address is still the address
    ['ip-dst|port', '198.51.100[.]10:443', 'ip-dst', '198.51.100.10', 'ip-of-ip-port'],
  ],
  'host-of-url': [
    ['url', 'hxxp://krait-leaks[.]example', 'domain', 'krait-leaks[.]example', 'host-of-url'],
    [
      'url',
      'hxxps://kraitlock-support[.]example/c/SPMH-7f3a9c',
      'hostname',
      'kraitlock-support.example',
      'host-of-url',
    ],
    ['url', 'hxxps://198.51.100[.]77:443/dav', 'ip-dst', '198.51.100.77', 'host-of-url'],
    ['url', 'hxxps://[2001:db8:4a1::45]:8443/api', 'ip-dst', '2001:db8:4a1:0::45', 'host-of-url'],
    ['url', 'https://bücher.example/x', 'domain', 'xn--bcher-kva.example', 'host-of-url'],
  ],
  'domain-of-email': [
    [
      'email-src',
      'notices@interbank-clearinq[.]example',
      'domain',
      'interbank-clearinq.example',
      'domain-of-email',
      true,
    ],
    ['email-src', 'a@mail.evil.example', 'hostname', 'mail.evil.example', 'domain-of-email', true],
  ],
  none: [
    // e-mail → domain only where the key opts in: a victim's or a free-mail domain is not every address at it
    ['email-src', 'notices@interbank-clearinq[.]example', 'domain', 'interbank-clearinq.example', null],
    // a URL matches an expected URL only exactly
    ['url', 'https://kraitlock-support.example/c/', 'url', 'https://kraitlock-support.example/c/SPMH-7f3a9c', null],
    ['url', 'http://krait-leaks.example/', 'url', 'https://krait-leaks.example/', null],
    // the host is the host, not its parent domain nor a subdomain
    ['url', 'https://cdn.evil.example/x', 'domain', 'evil.example', null],
    ['domain', 'evil.example', 'domain', 'cdn.evil.example', null],
    // relations run from the specific form to the indicator, not back
    ['ip-dst', '203.0.113.45', 'ip-dst|port', '203.0.113.45:443', null],
    ['domain', 'krait-leaks.example', 'url', 'http://krait-leaks.example/', null],
    ['ip-dst|port', '203.0.113.45:443', 'ip-dst|port', '203.0.113.45:8443', null],
    // different families never meet
    ['domain', 'evil.example', 'email-src', 'x@evil.example', null],
    ['filename', 'evil.example', 'domain', 'evil.example', null],
    ['md5', 'd41d8cd98f00b204e9800998ecf8427e', 'sha256', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', null], // prettier-ignore
    // an address is not its network (no CIDR containment)
    ['ip-dst', '198.51.100.7', 'ip-dst', '198.51.100.0/24', null],
  ],
};

describe.each(Object.entries(table))('relation %s', (_name, rows) => {
  it.each(rows)('%s %s vs key %s %s → %s', (rt, rv, kt, kv, relation, optIn = false) => {
    const expected = { ...n(kt, kv), ...(optIn && { matchEmailDomain: true }) };
    expect(relationBetween(n(rt, rv), expected) ?? null).toBe(relation);
  });
});

describe('relatedKeys', () => {
  it('gives the IOC’s own key first, then what it stands for, with the relation', () => {
    expect(relatedKeys(n('ip-dst|port', '203.0.113[.]45:443'))).toEqual([
      { family: 'ip-dst|port', value: '203.0.113.45|443', relation: 'same' },
      { family: 'ip', value: '203.0.113.45', relation: 'ip-of-ip-port' },
    ]);
    expect(relatedKeys(n('url', 'hxxp://krait-leaks[.]example'))).toEqual([
      { family: 'url', value: 'http://krait-leaks.example/', relation: 'same' },
      { family: 'domain', value: 'krait-leaks.example', relation: 'host-of-url' },
    ]);
    expect(relatedKeys(n('email-src', 'a@evil.example'))).toEqual([
      { family: 'email-src', value: 'a@evil.example', relation: 'same' },
      { family: 'domain', value: 'evil.example', relation: 'domain-of-email' },
    ]);
    expect(relatedKeys(n('sha1', 'DA39A3EE5E6B4B0D3255BFEF95601890AFD80709'))).toEqual([
      { family: 'sha1', value: 'da39a3ee5e6b4b0d3255bfef95601890afd80709', relation: 'same' },
    ]);
  });

  it('adds nothing for a value that is not in normalised form', () => {
    expect(relatedKeys({ type: 'url', value: 'not a url' })).toEqual([
      { family: 'url', value: 'not a url', relation: 'same' },
    ]);
    expect(relatedKeys({ type: 'url', value: 'foo://under_score_/x' })).toHaveLength(1);
    expect(relatedKeys({ type: 'ip-dst|port', value: '|443' })).toHaveLength(1);
    expect(relatedKeys({ type: 'email-src', value: '@evil.example' })).toHaveLength(1);
  });
});
