// Generated from libs/ioc/src/refang.ts by scripts/web-ioc.mjs: edit the library, not this file.
// Undoing the "defanging" analysts apply so that indicators cannot be clicked or resolved by accident.
// The token list follows the conventions MISP's freetext import and ioc-fanger recognise (FIELD-NOTES, IOC rules).
/** Characters that survive NFKC but are invisible and break copy-pasted indicators. */
const INVISIBLE = /[\u200B-\u200D\u2060\uFEFF\u00AD]/;
// One alternation, longest tokens first, so `[://]` is not eaten as `[:]` followed by `//`.
// Groups: 1 = "s" of an https scheme; the others are recognised by the matched text itself.
// Whitespace before a bracketed `://`, `.` or `@` belongs to the token too ("evil [.] example"), but it is taken by
// `tokens` below rather than by a leading `\s*` here: the engine would try that `\s*` from every blank of a long
// run of blanks, and a pasted text of spaces held the event loop for seconds (quadratic).
const DEFANG_TOKEN = new RegExp(
  [
    // hxxp, hXXp, h[tt]p, h**p, with optional s — only as a scheme (followed by ':' or a bracketed ':').
    String.raw`\bh(?:xx|\[tt\]|\*\*)p(s?)(?=\s*(?:[[({]\s*)?:)`,
    String.raw`(?:\[\s*:\/\/\s*\]|\(\s*:\/\/\s*\)|\{\s*:\/\/\s*\})`,
    String.raw`(?:\[\s*(?:\.|dot)\s*\]|\(\s*(?:\.|dot)\s*\)|\{\s*(?:\.|dot)\s*\})\s*`,
    String.raw`(?:\[\s*(?:@|at)\s*\]|\(\s*(?:@|at)\s*\)|\{\s*(?:@|at)\s*\})\s*`,
    String.raw`(?:\[\s*:\s*\]|\(\s*:\s*\)|\{\s*:\s*\})`,
  ].join('|'),
  'giu',
);
const BLANK = /\s/;
/** The defang tokens of `text`, left to right, none overlapping. */
function tokens(text) {
  const out = [];
  let last = 0;
  // exec on the one compiled expression: matchAll would copy it for every value the normaliser sees.
  DEFANG_TOKEN.lastIndex = 0;
  for (let m = DEFANG_TOKEN.exec(text); m !== null; m = DEFANG_TOKEN.exec(text)) {
    const replacement = replacementFor(m[0], m[1]);
    let start = m.index;
    if (replacement === '://' || replacement === '.' || replacement === '@') {
      // Each blank is stepped over at most once: `last` only moves forward.
      while (start > last && BLANK.test(text[start - 1])) start--;
    }
    last = m.index + m[0].length;
    out.push({ start, end: last, replacement });
  }
  return out;
}
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
  const parts = [];
  // NFKC can turn one code point into up to 18 characters: the map grows when it must.
  let map = new Int32Array(source.length + 1);
  let length = 0;
  const reserve = (n) => {
    if (length + n <= map.length) return;
    const bigger = new Int32Array(Math.max(map.length * 2, length + n + 1));
    bigger.set(map);
    map = bigger;
  };
  // ASCII is NFKC-stable and never invisible: it is copied in slices, not normalised one character at a time.
  let copied = 0;
  for (let i = 0; i < source.length;) {
    const code = source.codePointAt(i);
    if (code < 0x80) {
      i++;
      continue;
    }
    reserve(i - copied);
    for (let k = copied; k < i; k++) map[length++] = k;
    parts.push(source.slice(copied, i));
    const ch = String.fromCodePoint(code);
    if (!INVISIBLE.test(ch)) {
      const n = ch.normalize('NFKC');
      reserve(n.length);
      for (let k = 0; k < n.length; k++) map[length++] = i;
      parts.push(n);
    }
    i += ch.length;
    copied = i;
  }
  reserve(source.length - copied + 1);
  for (let k = copied; k <= source.length; k++) map[length++] = k;
  parts.push(source.slice(copied));
  return { text: parts.join(''), map: map.subarray(0, length) };
}
/** Refangs `source`, keeping a map back to source positions (used to report what the analyst actually pasted). */
export function refangMapped(source) {
  const base = nfkcMapped(source);
  const parts = [];
  // A replacement is never longer than its token, so the refanged text is never longer than the base.
  const map = new Int32Array(base.text.length + 1);
  let length = 0;
  let last = 0;
  for (const { start, end, replacement } of tokens(base.text)) {
    map.set(base.map.subarray(last, start), length);
    length += start - last;
    parts.push(base.text.slice(last, start), replacement);
    map.fill(base.map[start], length, length + replacement.length);
    length += replacement.length;
    last = end;
  }
  map.set(base.map.subarray(last), length);
  length += base.map.length - last;
  parts.push(base.text.slice(last));
  return { text: parts.join(''), map: map.subarray(0, length) };
}
const INVISIBLE_ALL = new RegExp(INVISIBLE.source, 'gu');
/** NFKC, drop invisible characters, refang, trim. */
export function refang(value) {
  const text = cleanText(value);
  let out = '';
  let last = 0;
  for (const { start, end, replacement } of tokens(text)) {
    out += text.slice(last, start) + replacement;
    last = end;
  }
  return (out + text.slice(last)).trim();
}
/** NFKC, drop invisible characters, trim — for types where defang tokens would be taken literally. */
export function cleanText(value) {
  return value.normalize('NFKC').replace(INVISIBLE_ALL, '').trim();
}
