import type { IocType } from '@drill/contracts';
import { normaliseDomain } from './domain.js';
import { parseIp } from './ip.js';
import { iocFamily } from './normalise.js';

// Relations between the forms one indicator takes. An analyst copies what the artefact shows: the EDR's
// `203.0.113.45:443`, the ransom note's `http://krait-leaks.example`, a phishing sender's address. An answer key
// names the indicator itself: the C2 address, the leak-site domain. These rules say which (family, value) keys a
// reported indicator stands for, so the scorer matches expected IOCs and decoys alike through them, with one
// lookup per key rather than a comparison against every entry of the key.

/**
 * How a reported indicator stands for a key entry:
 * - `same`: same family (ip-src ≡ ip-dst, domain ≡ hostname, otherwise the type) and the same normalised value —
 *   which already makes hashes case-insensitive and IPs, domains and URLs canonical;
 * - `ip-of-ip-port`: an `ip-dst|port` stands for its address (the port is context the key need not name);
 * - `host-of-url`: a URL stands for its host, a domain or an IP address (the URL itself matches only exactly);
 * - `domain-of-email`: an e-mail address stands for its domain, only where the key entry opts in
 *   (`matchEmailDomain`), since a free-mail or a victim's domain must not be matched by every address at it.
 */
export type IocRelation = 'same' | 'ip-of-ip-port' | 'host-of-url' | 'domain-of-email';

export interface RelatedKey {
  family: string;
  value: string;
  relation: IocRelation;
}

/** The relations a key entry must opt in to; the others always apply. */
export const OPT_IN_RELATIONS: ReadonlySet<IocRelation> = new Set(['domain-of-email']);

/** Host of a normalised URL as an indicator: the canonical IP (IPv6 without brackets) or domain, if either. */
function urlHost(href: string): RelatedKey | undefined {
  let host: string;
  try {
    host = new URL(href).hostname;
  } catch {
    return undefined;
  }
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  const ip = parseIp(bare);
  if (ip.ok) return { family: 'ip', value: ip.text, relation: 'host-of-url' };
  const d = normaliseDomain(bare);
  return d.ok ? { family: 'domain', value: d.value, relation: 'host-of-url' } : undefined;
}

/**
 * The (family, value) keys a reported indicator matches, `same` first, then what it stands for through the other
 * relations. `value` must be normalised by `normaliseIoc` (the ISM service and the scenario loader both do).
 */
export function relatedKeys(ioc: { type: IocType; value: string }): RelatedKey[] {
  const keys: RelatedKey[] = [{ family: iocFamily(ioc.type), value: ioc.value, relation: 'same' }];
  switch (ioc.type) {
    case 'ip-dst|port': {
      const bar = ioc.value.lastIndexOf('|');
      if (bar > 0) keys.push({ family: 'ip', value: ioc.value.slice(0, bar), relation: 'ip-of-ip-port' });
      break;
    }
    case 'url': {
      const host = urlHost(ioc.value);
      if (host) keys.push(host);
      break;
    }
    case 'email-src': {
      const at = ioc.value.lastIndexOf('@');
      if (at > 0) keys.push({ family: 'domain', value: ioc.value.slice(at + 1), relation: 'domain-of-email' });
      break;
    }
    default:
      break;
  }
  return keys;
}

/**
 * The relation by which `reported` matches the key entry `expected` (an expected IOC or a decoy), or undefined.
 * Both normalised. The scorer does the same through `relatedKeys` and a prepared index; this is the one-pair form.
 */
export function relationBetween(
  reported: { type: IocType; value: string },
  expected: { type: IocType; value: string; matchEmailDomain?: boolean },
): IocRelation | undefined {
  const family = iocFamily(expected.type);
  const hit = relatedKeys(reported).find(
    (k) =>
      k.family === family &&
      k.value === expected.value &&
      (!OPT_IN_RELATIONS.has(k.relation) || expected.matchEmailDomain === true),
  );
  return hit?.relation;
}
