import type { FieldProblem } from '@drill/contracts';
import { ApiError, errorText } from '../common/api.js';
import { byId, clear, h } from '../common/dom.js';

// The setup forms put the server's field errors next to the field they name. A control says which field it edits
// with `data-path` (the JSON path of the request body: `/tier`, `/pointsOfContact/0/email`); a problem goes to the
// control with the longest path that starts its own, and what no control claims goes to the form's summary box.

function controlFor(form: HTMLElement, path: string): HTMLElement | undefined {
  const controls = [...form.querySelectorAll<HTMLElement>('[data-path]')];
  let best: HTMLElement | undefined;
  for (const c of controls) {
    const p = c.dataset.path ?? '';
    if ((path === p || path.startsWith(`${p}/`)) && p.length > (best?.dataset.path?.length ?? -1)) best = c;
  }
  return best;
}

/** Removes the marks and messages `showFieldErrors` left, and hides the summary box. */
export function clearFieldErrors(form: HTMLElement, summaryId: string): void {
  for (const e of form.querySelectorAll('.field-error')) e.remove();
  for (const c of form.querySelectorAll<HTMLElement>('[aria-invalid=true]')) {
    c.removeAttribute('aria-invalid');
    const described = (c.getAttribute('aria-describedby') ?? '').split(' ').filter((id) => !id.endsWith('-error'));
    if (described.length) c.setAttribute('aria-describedby', described.join(' '));
    else c.removeAttribute('aria-describedby');
  }
  byId(summaryId).hidden = true;
}

/**
 * Shows why the server refused the form: each field problem under its control (marked invalid, and described by
 * the message for screen readers), the rest in the summary box (role=alert); focuses the first invalid control.
 */
export function showFieldErrors(form: HTMLElement, summaryId: string, err: unknown): void {
  clearFieldErrors(form, summaryId);
  const problems: readonly FieldProblem[] = err instanceof ApiError ? err.details : [];
  const unclaimed: FieldProblem[] = [];
  let first: HTMLElement | undefined;
  for (const p of problems) {
    const control = controlFor(form, p.path);
    if (!control) {
      unclaimed.push(p);
      continue;
    }
    first ??= control;
    const id = `${control.id}-error`;
    const existing = document.getElementById(id);
    if (existing) existing.append(`; ${p.message}`);
    else {
      control.insertAdjacentElement('afterend', h('span', { class: 'field-error', id }, p.message));
      control.setAttribute('aria-invalid', 'true');
      control.setAttribute('aria-describedby', `${control.getAttribute('aria-describedby') ?? ''} ${id}`.trim());
    }
  }
  if (unclaimed.length || !problems.length) {
    const box = byId(summaryId);
    clear(
      box,
      h('strong', {}, problems.length ? (err as Error).message : errorText(err)),
      unclaimed.length
        ? h(
            'ul',
            {},
            unclaimed.map((p) => h('li', {}, `${p.path || 'request'}: ${p.message}`)),
          )
        : '',
    );
    box.hidden = false;
  }
  first?.focus();
}
