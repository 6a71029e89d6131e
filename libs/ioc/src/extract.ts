import type { IocType } from '@drill/contracts';
import { isNoise, unsureReason } from './noise.js';
import { normaliseIoc } from './normalise.js';
import { refangMapped } from './refang.js';

export interface ExtractedIoc {
  type: IocType;
  value: string; // normalised
  original: string; // the span as it appears in the pasted text (still defanged)
  /** Why the extractor is unsure this is an indicator (the console shows it unticked); absent when it is sure. */
  unsure?: string;
}

// File extensions that look like TLDs in free text ("invoice.pdf", "payload.zip"): reported as file names, not
// domains. `.zip`, `.sh`, `.py` are real TLDs, but in an incident write-up they are nearly always files.
const FILE_EXTENSIONS = new Set(
  (
    'exe dll sys scr com bat cmd ps1 psm1 vbs vbe js jse wsf wsh hta lnk msi msp jar apk dmg pkg iso img vhd vhdx ' +
    'doc docx docm xls xlsx xlsm ppt pptx pptm rtf pdf one txt csv log json xml html htm eml msg ' +
    'zip rar 7z gz tgz tar bz2 xz cab bin dat tmp sh py pl rb elf so dylib ' +
    'jpg jpeg png gif bmp svg'
  ).split(' '),
);

const L = String.raw`[\p{L}\p{N}_]`;
const LABEL = String.raw`${L}(?:[\p{L}\p{N}_-]{0,61}${L})?`;
const DOMAIN = String.raw`(?:${LABEL}\.)+\p{L}[\p{L}\p{N}-]{0,62}`;
const IPV4 = String.raw`\d{1,3}(?:\.\d{1,3}){3}`;
const IPV6 = String.raw`(?:[0-9a-f]{0,4}:){2,7}(?:${IPV4}|[0-9a-f]{0,4})`;

interface Pattern {
  re: RegExp;
  type: IocType | ((m: RegExpExecArray) => IocType | undefined);
  /** Which part of the match is the indicator (defaults to the whole match). */
  value?: (m: RegExpExecArray) => string;
}

// A host may start only where a run of label characters and dots starts: the look-behind names every character a
// label can hold, not just ASCII `\w`, so in a long run of non-ASCII labels ("éa.éa.éa.…") the engine does not
// try the run again from each label (quadratic); a name glued to letters before it is not a host of its own anyway.
const HOST_START = String.raw`(?<![\p{L}\p{N}_.@/-])`;

// Order matters: earlier patterns claim their span, later ones skip anything inside a claimed span, so the host
// of a URL is not also reported as a domain.
const PATTERNS: Pattern[] = [
  { re: new RegExp(String.raw`\b(?:https?|ftps?|sftp|wss?):\/\/[^\s<>"'\x60]+`, 'giu'), type: 'url' },
  { re: new RegExp(String.raw`\[(?:${IPV6})\]:\d{1,5}(?!\d)`, 'giu'), type: 'ip-dst|port' },
  {
    re: new RegExp(String.raw`(?<![\w.+-])[a-z0-9](?:[a-z0-9._%+-]{0,62}[a-z0-9_%+-])?@${DOMAIN}`, 'giu'),
    type: 'email-src',
  },
  { re: new RegExp(String.raw`(?<![\w.:])${IPV4}:\d{1,5}(?![\w:]|\.\d)`, 'gu'), type: 'ip-dst|port' },
  // MISP's freetext import files bare addresses as ip-dst; the analyst can change it.
  { re: new RegExp(String.raw`(?<![\w.:])${IPV4}(?:\/\d{1,2})?(?![\w:]|\.\d)`, 'gu'), type: 'ip-dst' },
  { re: new RegExp(String.raw`(?<![\w.:])${IPV6}(?:\/\d{1,3})?(?![\w:]|\.\w)`, 'giu'), type: 'ip-dst' },
  { re: /\bCVE-\d{4}-\d{4,}\b/giu, type: 'vulnerability' },
  { re: /\bAS\d{1,10}\b/gu, type: 'AS' },
  {
    re: /(?<![\p{L}\p{N}_])[0-9a-f]{32,64}(?![\p{L}\p{N}_])/giu,
    type: (m) => (({ 32: 'md5', 40: 'sha1', 64: 'sha256' }) as const)[m[0].length as 32 | 40 | 64],
  },
  // A host with a path but no scheme ("evil.example/gate.php"), as found in proxy logs.
  { re: new RegExp(String.raw`${HOST_START}${DOMAIN}\/[^\s<>"'\x60]*`, 'giu'), type: 'url' },
  {
    re: new RegExp(String.raw`${HOST_START}${DOMAIN}(?![\w@-]|\.\w)`, 'giu'),
    type: (m) => (FILE_EXTENSIONS.has(m[0].split('.').pop()!.toLowerCase()) ? 'filename' : 'domain'),
  },
];

const SENTENCE_PUNCTUATION = new Set(['.', ',', ';', ':', '!', '?', "'", '"']);

/**
 * Trailing punctuation that ends a sentence rather than the indicator; ')' only when unbalanced. The brackets are
 * counted once and the counts kept as characters come off the end: re-counting per character made a URL followed
 * by tens of thousands of ')' hold the event loop for seconds (quadratic).
 */
export function trimTrailing(s: string): string {
  let open = 0;
  let close = 0;
  let openSquare = 0;
  let closeSquare = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x28) open++;
    else if (c === 0x29) close++;
    else if (c === 0x5b) openSquare++;
    else if (c === 0x5d) closeSquare++;
  }
  let end = s.length;
  while (end > 0) {
    const last = s[end - 1]!;
    if (SENTENCE_PUNCTUATION.has(last)) end--;
    else if (last === ')' && open < close) {
      end--;
      close--;
    } else if (last === ']' && openSquare < closeSquare) {
      end--;
      closeSquare--;
    } else break;
  }
  return s.slice(0, end);
}

/**
 * Longest text, in characters (UTF-16 code units), that the server extracts indicators from: a long e-mail with its
 * headers or a few hundred log lines. Extraction is linear in the text, but each candidate is normalised and
 * checked, so its cost per character is high; at this length the densest text (an address every ten characters)
 * takes tens of milliseconds.
 */
export const MAX_EXTRACT_TEXT_LENGTH = 50_000;

/**
 * Why `text` is too long to extract from, or undefined. Counted as written and again after Unicode compatibility
 * normalisation (NFKC), which the extractor applies first and which can turn one character into eighteen.
 */
export function extractTextProblem(text: string): string | undefined {
  const limit = `text must have at most ${MAX_EXTRACT_TEXT_LENGTH} characters (MAX_EXTRACT_TEXT_LENGTH)`;
  if (text.length > MAX_EXTRACT_TEXT_LENGTH) return `${limit}; this one has ${text.length}`;
  const normalised = text.normalize('NFKC').length;
  if (normalised > MAX_EXTRACT_TEXT_LENGTH) return `${limit}; this one has ${normalised} once normalised (NFKC)`;
  return undefined;
}

/**
 * Scans free text (a pasted e-mail, a log excerpt, a partner's advisory) for indicators of every type it can
 * recognise, refanging first. Returns valid indicators only, deduplicated by type and normalised value, in order of
 * first appearance; leaves out what is never an indicator (system binaries, header keywords) and marks `unsure`
 * what only the analyst can judge (see noise.ts).
 */
export function defangedTextToIocs(text: string): ExtractedIoc[] {
  const { text: flat, map } = refangMapped(typeof text === 'string' ? text : '');
  // One flag per character rather than a list of spans: a check costs the length of the match, not the number of
  // spans claimed so far, and the matches of one pattern do not overlap, so each pattern costs O(text) in all.
  const claimed = new Uint8Array(flat.length);
  const overlaps = (s: number, e: number) => {
    for (let i = s; i < e; i++) if (claimed[i]) return true;
    return false;
  };
  const found: (ExtractedIoc & { at: number })[] = [];
  const seen = new Set<string>();

  for (const p of PATTERNS) {
    for (const m of flat.matchAll(p.re)) {
      const start = m.index;
      const raw = trimTrailing(m[0]);
      const end = start + raw.length;
      if (raw === '' || overlaps(start, end)) continue;
      const type = typeof p.type === 'function' ? p.type(m as RegExpExecArray) : p.type;
      if (!type) continue;
      const n = normaliseIoc(type, raw);
      if (!n.ok) continue;
      // Claimed even when left out, so `svchost.exe` is not picked up again as a domain.
      claimed.fill(1, start, end);
      if (isNoise(type, n.value)) continue;
      const key = `${type}\u0000${n.value}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const original = text.slice(map[start]!, map[end]!).trim();
      // Refanging changed the span: its author defanged it, i.e. already judged it an indicator.
      const unsure = unsureReason(type, n.value, original.normalize('NFKC') !== raw);
      found.push({ type, value: n.value, original, ...(unsure !== undefined && { unsure }), at: start });
    }
  }
  return found.sort((a, b) => a.at - b.at).map(({ at: _at, ...ioc }) => ioc);
}
