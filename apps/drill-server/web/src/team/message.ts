// An inject as the message it simulates: who it is from (the scenario's sender persona) and the address lines its
// author put at the top of the body ("**To:** MY national CERT", "**Subject:** …"). In Markdown those lines run
// together into one paragraph; lifted out, they read as an e-mail's headers.

export interface MessageHeader {
  name: 'From' | 'To' | 'Cc' | 'Subject';
  value: string;
}

// `**To:** x`, `**To**: x`, `__To:__ x` or `To: x`, at the start of a line.
const HEADER_LINE = /^\s*(?:\*\*|__)?(to|cc|subject)(?:\*\*|__)?\s*:\s*(?:\*\*|__)?\s*(\S.*?)\s*$/i;
const NAMES: Readonly<Record<string, MessageHeader['name']>> = { to: 'To', cc: 'Cc', subject: 'Subject' };

/**
 * The body's leading address lines (consecutive, before any other text) and the body without them. A body that does
 * not start with one is returned whole, with no headers: a "To:" further down is part of the text (a quoted e-mail
 * in an artefact, say).
 */
export function splitMessageHeaders(body: string): { headers: MessageHeader[]; rest: string } {
  const lines = body.split(/\r?\n/);
  let n = 0;
  while (n < lines.length && lines[n]!.trim() === '') n++;
  const headers: MessageHeader[] = [];
  for (; n < lines.length; n++) {
    const m = HEADER_LINE.exec(lines[n]!);
    if (!m) break;
    headers.push({ name: NAMES[m[1]!.toLowerCase()]!, value: m[2]! });
  }
  if (!headers.length) return { headers, rest: body };
  while (n < lines.length && lines[n]!.trim() === '') n++;
  return { headers, rest: lines.slice(n).join('\n') };
}

const ORDER: readonly MessageHeader['name'][] = ['From', 'To', 'Cc', 'Subject'];

/** The header lines to show: the sender persona first, then the body's own lines, in e-mail order. */
export function messageHeaders(from: string | null | undefined, body: string): MessageHeader[] {
  const own = splitMessageHeaders(body).headers;
  const all = from ? [{ name: 'From' as const, value: from }, ...own] : own;
  return all.sort((a, b) => ORDER.indexOf(a.name) - ORDER.indexOf(b.name));
}
