// Sending the report: the request body from the form, the checks worth making before the round trip, and the
// server's field errors put back on the controls they are about.
import type { FieldProblem, IocType, IsmReportRequest, IsmReportView, ReportKind } from '@drill/contracts';
import { api, ApiError, errorText } from '../../common/api.js';
import { announce, byId, clear, h, toast } from '../../common/dom.js';
import { exerciseId, reportingOpen } from '../context.js';
import { tabs } from '../tabs.js';
import { addReport } from '../threads.js';
import { collectDraft, resetForm, saveDraftNow } from './draft.js';
import { commaList, field, form, select, textArea } from './fields.js';
import { rows, type RowKind } from './rows.js';

/** For each kind of row, the index in `rows` of each row that was sent (empty rows are left out). */
type SentRows = Record<RowKind, number[]>;

const lines = (s: string) =>
  s
    .split('\n')
    .map((x) => x.trim())
    .filter(Boolean);
const trimmed = (s: string | undefined) => (s ?? '').trim();

/** The request body, and where each sent row came from (to put the server's field errors on the right row). */
function buildReport(): { body: IsmReportRequest; sent: SentRows } {
  const d = collectDraft();
  const sent: SentRows = { iocs: [], assets: [], actions: [], timeline: [] };
  const pick = <K extends RowKind>(kind: K, keep: (r: (typeof rows)[K][number]) => boolean) =>
    (rows[kind] as (typeof rows)[K][number][]).flatMap((r, n) => {
      if (!keep(r)) return [];
      sent[kind].push(n);
      return [r];
    });
  const iocs = pick('iocs', (r) => r.value.trim() !== '').map((r) => ({
    type: r.type as IocType,
    value: r.value.trim(),
    ...(r.role?.trim() ? { role: r.role.trim() } : {}),
    toIds: Boolean(r.toIds),
  }));
  const affectedAssets = pick('assets', (r) => Boolean(trimmed(r.kind) || trimmed(r.identifier))).map((r) => ({
    kind: trimmed(r.kind),
    identifier: trimmed(r.identifier),
    ...(r.sector?.trim() ? { sector: r.sector.trim() } : {}),
    ...(r.country?.trim() ? { country: r.country.trim() } : {}),
  }));
  const actions = pick('actions', (r) => Boolean(trimmed(r.text) || trimmed(r.code))).map((r) => ({
    ...(r.code?.trim() ? { code: r.code.trim() } : {}),
    text: trimmed(r.text),
  }));
  const timeline = pick('timeline', (r) => Boolean(trimmed(r.event))).map((r) => ({
    at: trimmed(r.at),
    event: trimmed(r.event),
  }));
  const teams = commaList(d.teams).map((c) => c.toUpperCase());
  const users = commaList(d.users);
  const body: IsmReportRequest = {
    kind: d.kind as ReportKind,
    title: d.title.trim(),
    tlp: d.tlp,
    injectIds: d.injectIds,
    ...(d.inReplyTo ? { inReplyTo: d.inReplyTo } : {}),
    ...(d.summary.trim() ? { summary: d.summary.trim() } : {}),
    recipients: {
      ...(d.allTeams ? { teams: 'all' as const } : teams.length ? { teams } : {}),
      ...(users.length ? { users } : {}),
    },
    ...(d.class && d.type ? { classification: { class: d.class, type: d.type } } : {}),
    ...(d.determination ? { determination: d.determination as IsmReportRequest['determination'] } : {}),
    ...(d.severity ? { severity: d.severity as IsmReportRequest['severity'] } : {}),
    affectedAssets,
    iocs,
    timeline,
    actions,
    recommendations: lines(d.recommendations),
    assistanceRequests: lines(d.assistance),
  };
  return { body, sent };
}

export function clearErrors(): void {
  byId('report-errors').hidden = true;
  for (const x of form().querySelectorAll('[aria-invalid=true]')) x.removeAttribute('aria-invalid');
}

/** Maps a JSON path from the server (/iocs/2/value) to the form control to fix. */
function controlFor(path: string, sent: SentRows): HTMLElement | null | undefined {
  const [, top, idx, sub] = /^\/(\w+)(?:\/(\d+))?(?:\/(\w+))?/.exec(path) ?? [];
  const rowControl = (kind: RowKind, part: string) =>
    document.getElementById(`${rows[kind][sent[kind][Number(idx)] ?? -1]?.id}-${part}`);
  switch (top) {
    case 'title':
      return field('r-title');
    case 'summary':
      return textArea('r-summary');
    case 'kind':
      return select('r-kind');
    case 'tlp':
      return form().querySelector<HTMLElement>('input[name=tlp]');
    case 'inReplyTo':
      return select('r-reply');
    case 'injectIds':
      return byId('r-inject-options').querySelector('input') ?? select('r-kind');
    case 'recipients':
      // People are picked by name (#r-find) once the directory has loaded; until then they are typed as ids.
      if (!path.includes('users')) return field('r-teams');
      return byId('r-picker').hidden ? field('r-users') : field('r-find');
    case 'classification':
      return sub === 'type' || path.endsWith('/type') ? select('r-type') : select('r-class');
    case 'determination':
      return select('r-determination');
    case 'severity':
      return select('r-severity');
    case 'iocs':
      return rowControl('iocs', sub === 'type' ? 'type' : sub === 'role' ? 'role' : 'value');
    case 'affectedAssets':
      return rowControl('assets', sub ?? 'kind');
    case 'actions':
      return rowControl('actions', sub ?? 'text');
    case 'timeline':
      return rowControl('timeline', sub ?? 'event');
    case 'recommendations':
      return textArea('r-recommendations');
    case 'assistanceRequests':
      return textArea('r-assistance');
    default:
      return undefined;
  }
}

function showErrors(message: string, problems: readonly FieldProblem[], sent: SentRows): void {
  const box = byId('report-errors');
  const items = problems.map((p) => {
    const control = controlFor(p.path, sent);
    control?.setAttribute('aria-invalid', 'true');
    return h(
      'li',
      {},
      control ? h('button', { type: 'button', class: 'link', onclick: () => control.focus() }, p.message) : p.message,
    );
  });
  clear(box, h('strong', {}, message), items.length ? h('ul', {}, items) : '');
  box.hidden = false;
  box.focus();
}

async function submit(): Promise<void> {
  clearErrors();
  const { body, sent } = buildReport();
  const local: FieldProblem[] = [];
  if (!body.title) local.push({ path: '/title', message: 'Give the report a title.' });
  if (!body.tlp) local.push({ path: '/tlp', message: 'Choose a TLP label.' });
  if (body.tlp === 'TLP:RED' && !body.recipients?.users?.length)
    local.push({ path: '/recipients/users', message: 'TLP:RED reports must name the people they are for.' });
  if (select('r-class').value && !select('r-type').value)
    local.push({ path: '/classification/type', message: 'Choose the RSIT type, or clear the class.' });
  if (local.length) return showErrors('The report is not complete yet:', local, sent);
  const button = byId('r-submit', HTMLButtonElement);
  button.disabled = true;
  try {
    const report = await api<IsmReportView>(`/api/exercises/${exerciseId}/ism/reports`, { method: 'POST', body });
    addReport(report);
    resetForm();
    toast(`Report sent: ${report.title}`, 'ok');
    announce(`Report "${report.title}" sent.`);
    tabs.select('tab-threads', true);
    document.querySelector(`[data-report="${report.id}"]`)?.scrollIntoView({ block: 'nearest' });
  } catch (err) {
    saveDraftNow();
    if (err instanceof ApiError && err.details.length) showErrors(err.message, err.details, sent);
    else
      showErrors(
        err instanceof ApiError && err.status === 0 ? `${err.message}. Your draft is kept.` : errorText(err),
        [],
        sent,
      );
  } finally {
    button.disabled = !reportingOpen();
  }
}

export function setupSubmit(): void {
  form().addEventListener('submit', (e) => {
    e.preventDefault();
    void submit();
  });
}
