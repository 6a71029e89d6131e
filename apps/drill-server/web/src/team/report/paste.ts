// Paste-to-parse: indicators found in pasted text (logs, e-mails, advisories; defanged is fine) become rows.
import { defangedTextToIocs, normaliseIoc, type ExtractedIoc } from '@drill/ioc';
import { api } from '../../common/api.js';
import { byId } from '../../common/dom.js';
import { saveDraft } from './draft.js';
import { textArea } from './fields.js';
import { renderIocs, rowId, rows } from './rows.js';

/** Indicators found in the text become rows, without duplicates of what is listed already. */
async function extractIocs(): Promise<void> {
  const paste = textArea('r-paste');
  const text = paste.value;
  if (!text.trim()) return;
  let found: ExtractedIoc[];
  try {
    // The server's own extractor, so the preview is exactly what it will accept…
    found = (await api<{ iocs: ExtractedIoc[] }>('/api/ioc/extract', { method: 'POST', body: { text } })).iocs;
  } catch {
    // …and the same rules (@drill/ioc, bundled into this console) while the connection is down.
    found = defangedTextToIocs(text);
  }
  const have = new Set(
    rows.iocs.map((r) => {
      const n = normaliseIoc(r.type, r.value);
      return `${r.type}\u0000${n.ok ? n.value : r.value}`;
    }),
  );
  let added = 0;
  let unsure = 0;
  for (const f of found) {
    const key = `${f.type}\u0000${f.value}`;
    if (have.has(key)) continue;
    have.add(key);
    // What the extractor is unsure of (a private address, a word that reads as a domain) is listed but left unticked.
    rows.iocs.push({
      id: rowId(),
      type: f.type,
      value: f.original,
      role: '',
      toIds: !f.unsure,
      ...(f.unsure ? { unsure: f.unsure } : {}),
    });
    added++;
    if (f.unsure) unsure++;
  }
  renderIocs();
  byId('r-extract-result').textContent =
    found.length === 0
      ? 'No indicator found in the pasted text.'
      : `Found ${found.length} indicator${found.length === 1 ? '' : 's'}; added ${added}${found.length > added ? ` (${found.length - added} already listed)` : ''}${unsure ? `; ${unsure} left unticked for detection (not sure they are indicators)` : ''}.`;
  if (found.length && paste.value === text) paste.value = '';
  saveDraft();
}

export function setupPaste(): void {
  byId('r-extract').addEventListener('click', () => void extractIocs());
  textArea('r-paste').addEventListener('paste', () => setTimeout(() => void extractIocs(), 0));
}
