// The one piece of node:url that @drill/ioc uses, for the browser: the WHATWG URL parser runs the same UTS #46
// domain-to-ASCII processing as node's url.domainToASCII, which likewise answers '' for a name it cannot convert.
// Hand-written (scripts/web-ioc.mjs generates the rest of this folder); apps/drill-server/web/ioc.spec.ts checks
// that the two agree on what the console sees.
export function domainToASCII(s) {
  try {
    return new URL(`http://${s}/`).hostname;
  } catch {
    return '';
  }
}
