// The console's indicator rules are @drill/ioc itself (compiled into ./ioc/ by scripts/web-ioc.mjs), so that an
// analyst sees at once what a pasted, defanged text yields, which values the server will refuse and which it is
// unsure of, exactly as the server's extractor and the scorer see them. The server normalises again on submit.
export { defangedTextToIocs, normaliseIoc, refang, relatedKeys } from './ioc/index.js';

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
