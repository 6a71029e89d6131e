import { parseMarkdown, renderMarkdownWith, type MarkdownBuilder } from '@drill/reporting';
import { h } from './dom.js';

// Inject bodies in the drill's one Markdown dialect (@drill/reporting parses it for the AAR too), built as DOM
// nodes from the parsed tree: text stays text, so a body cannot inject markup.

const DOM: MarkdownBuilder<Node> = {
  element: (tag, attributes, children) => {
    // Code blocks get the console's code style; links open beside the console rather than replacing it.
    const extra = tag === 'pre' ? { class: 'code' } : tag === 'a' ? { target: '_blank' } : {};
    return h(tag, { ...attributes, ...extra }, children);
  },
  text: (value) => document.createTextNode(value),
};

/** An inject body sits under the inject's own heading (h2): its headings start two levels down. */
export function renderMarkdown(source: string | null | undefined): DocumentFragment {
  const root = document.createDocumentFragment();
  root.append(...renderMarkdownWith(parseMarkdown(source ?? ''), DOM, { headingOffset: 2 }));
  return root;
}
