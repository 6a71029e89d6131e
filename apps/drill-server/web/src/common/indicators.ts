import type { IocType } from '@drill/contracts';
import { iocFamily } from '@drill/ioc';

/** Families of indicators that name something on the network (ip-src and ip-dst are one, domain and hostname one). */
const NETWORK_FAMILIES: ReadonlySet<string> = new Set(['ip', 'ip-dst|port', 'domain', 'url', 'email-src']);

/** How network indicators are shown on screen: defanged, so nothing on the page is clickable or resolvable. */
export function defangFor(type: IocType, value: string): string {
  if (!NETWORK_FAMILIES.has(iocFamily(type))) return value;
  return value
    .replace(/^http(s?):\/\//i, 'hxxp$1://')
    .replace(/\./g, '[.]')
    .replace(/@/g, '[@]');
}
