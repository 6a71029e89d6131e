// The AAR as the server renders it: a preview in a sandboxed frame, and downloads in each format (the PDF printed by
// the server's headless Chromium).
import { escapeHtml } from '@drill/reporting';
import { api, errorText } from '../../common/api.js';
import { announce, downloadText, h, toast } from '../../common/dom.js';
import { exerciseId, state } from '../context.js';

const MEDIA_TYPES = { html: 'text/html', pdf: 'application/pdf', csv: 'text/csv', json: 'application/json' } as const;
type Format = keyof typeof MEDIA_TYPES;

export async function loadPreview(): Promise<void> {
  const frame = document.getElementById('aar-frame');
  if (!(frame instanceof HTMLIFrameElement)) return;
  try {
    const html = await api<unknown>(`/api/exercises/${exerciseId}/report?format=html`, { accept: 'text/html' });
    // A sandboxed document with no scripts: the report is static HTML with inline SVG.
    frame.srcdoc = typeof html === 'string' ? html : JSON.stringify(html);
  } catch (e) {
    frame.srcdoc = `<p style="font-family:sans-serif;color:#a4161a">The preview cannot be shown: ${escapeHtml(errorText(e))}</p>`;
  }
}

async function download(format: Format, button: HTMLButtonElement): Promise<void> {
  // Printing a PDF takes the server a few seconds: say so, and keep the button from queueing the same print twice.
  const label = button.textContent;
  button.disabled = true;
  if (format === 'pdf') {
    button.textContent = 'Printing PDF…';
    announce('Printing the PDF; the download starts when it is ready.');
  }
  try {
    const body = await api<unknown>(`/api/exercises/${exerciseId}/report?format=${format}`, {
      accept: MEDIA_TYPES[format],
      binary: format === 'pdf',
    });
    const content = body instanceof Blob ? body : typeof body === 'string' ? body : JSON.stringify(body, null, 2);
    const draft = state.aar.workspace?.state.status === 'published' ? '' : '-draft';
    const name = state.exercise?.name?.toLowerCase().replace(/[^a-z0-9]+/g, '-') ?? exerciseId;
    downloadText(`aar-${name}${draft}.${format}`, MEDIA_TYPES[format], content);
  } catch (e) {
    toast(format === 'pdf' ? `No PDF: ${errorText(e)}` : errorText(e), 'error');
  } finally {
    button.disabled = false;
    button.textContent = label;
  }
}

/** The preview frame with its refresh and download buttons. */
export function previewSection(): HTMLElement[] {
  return [
    h('h3', { style: 'margin-top:1rem' }, 'Preview'),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'button', onclick: () => void loadPreview() }, 'Refresh preview'),
      (Object.keys(MEDIA_TYPES) as Format[]).map((f) => {
        const button = h('button', { type: 'button', id: `aar-download-${f}` }, `Download ${f.toUpperCase()}`);
        button.addEventListener('click', () => void download(f, button));
        return button;
      }),
    ),
    h('iframe', { class: 'aar', id: 'aar-frame', title: 'After-action report preview', sandbox: '' }),
  ];
}
