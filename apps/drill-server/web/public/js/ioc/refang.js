// Generated from libs/ioc/src/refang.ts by scripts/web-ioc.mjs: edit the library, not this file.
// Undoing the "defanging" analysts apply so that indicators cannot be clicked or resolved by accident.
// The token list follows the conventions MISP's freetext import and ioc-fanger recognise (FIELD-NOTES, IOC rules).
/** Characters that survive NFKC but are invisible and break copy-pasted indicators. */
const INVISIBLE = /[\u200B-\u200D\u2060\uFEFF\u00AD]/;
// One alternation, longest tokens first, so `[://]` is not eaten as `[:]` followed by `//`.
// Groups: 1 = "s" of an https scheme; the others are recognised by the matched text itself.
const DEFANG_TOKEN = new RegExp(
  [
    // hxxp, hXXp, h[tt]p, h**p, with optional s — only as a scheme (followed by ':' or a bracketed ':').
    String.raw`\bh(?:xx|\[tt\]|\*\*)p(s?)(?=\s*(?:\[|\(|\{)?\s*:)`,
    String.raw`\s*(?:\[\s*:\/\/\s*\]|\(\s*:\/\/\s*\)|\{\s*:\/\/\s*\})`,
    String.raw`\s*(?:\[\s*(?:\.|dot)\s*\]|\(\s*(?:\.|dot)\s*\)|\{\s*(?:\.|dot)\s*\})\s*`,
    String.raw`\s*(?:\[\s*(?:@|at)\s*\]|\(\s*(?:@|at)\s*\)|\{\s*(?:@|at)\s*\})\s*`,
    String.raw`(?:\[\s*:\s*\]|\(\s*:\s*\)|\{\s*:\s*\})`,
  ].join('|'),
  'giu',
);
function replacementFor(token, httpsS) {
  if (/^h/i.test(token)) return `http${(httpsS ?? '').toLowerCase()}`;
  const inner = token.replace(/[\s[\](){}]/g, '').toLowerCase();
  if (inner === '://') return '://';
  if (inner === '.' || inner === 'dot') return '.';
  if (inner === '@' || inner === 'at') return '@';
  return ':';
}
/**
 * NFKC per code point (so every output character can be traced back to the input), minus invisible characters.
 * Per-code-point NFKC does not compose combining sequences; callers that need a value run full NFKC again.
 */
function nfkcMapped(source) {
  let text = '';
  const map = [];
  let i = 0;
  for (const ch of source) {
    if (!INVISIBLE.test(ch)) {
      const n = ch.normalize('NFKC');
      for (let k = 0; k < n.length; k++) map.push(i);
      text += n;
    }
    i += ch.length;
  }
  map.push(source.length);
  return { text, map };
}
/** Refangs `source`, keeping a map back to source positions (used to report what the analyst actually pasted). */
export function refangMapped(source) {
  const base = nfkcMapped(source);
  let text = '';
  const map = [];
  let last = 0;
  for (const m of base.text.matchAll(DEFANG_TOKEN)) {
    const start = m.index;
    for (let k = last; k < start; k++) map.push(base.map[k]);
    text += base.text.slice(last, start);
    const rep = replacementFor(m[0], m[1]);
    for (let k = 0; k < rep.length; k++) map.push(base.map[start]);
    text += rep;
    last = start + m[0].length;
  }
  for (let k = last; k < base.text.length; k++) map.push(base.map[k]);
  text += base.text.slice(last);
  map.push(base.map[base.text.length]);
  return { text, map };
}
const INVISIBLE_ALL = new RegExp(INVISIBLE.source, 'gu');
/** NFKC, drop invisible characters, refang, trim. */
export function refang(value) {
  return cleanText(value)
    .replace(DEFANG_TOKEN, (token, s) => replacementFor(token, s))
    .trim();
}
/** NFKC, drop invisible characters, trim — for types where defang tokens would be taken literally. */
export function cleanText(value) {
  return value.normalize('NFKC').replace(INVISIBLE_ALL, '').trim();
}
