// Generated from libs/ioc/src/relations.ts by scripts/web-ioc.mjs: edit the library, not this file.
import { normaliseDomain } from './domain.js';
import { parseIp } from './ip.js';
import { iocFamily } from './normalise.js';
/** The relations a key entry must opt in to; the others always apply. */
export const OPT_IN_RELATIONS = new Set(['domain-of-email']);
/** Host of a normalised URL as an indicator: the canonical IP (IPv6 without brackets) or domain, if either. */
function urlHost(href) {
  let host;
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
export function relatedKeys(ioc) {
  const keys = [{ family: iocFamily(ioc.type), value: ioc.value, relation: 'same' }];
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
export function relationBetween(reported, expected) {
  const family = iocFamily(expected.type);
  const hit = relatedKeys(reported).find(
    (k) =>
      k.family === family &&
      k.value === expected.value &&
      (!OPT_IN_RELATIONS.has(k.relation) || expected.matchEmailDomain === true),
  );
  return hit?.relation;
}
