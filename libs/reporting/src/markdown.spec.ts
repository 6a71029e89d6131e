import { describe, expect, it } from '@jest/globals';
import {
  isSafeHref,
  markdownToHtml,
  parseInline,
  parseMarkdown,
  renderMarkdownWith,
  type MarkdownBuilder,
} from './markdown.js';

const text = (t: string) => ({ kind: 'text', text: t });

describe('parseMarkdown: blocks', () => {
  it('joins the lines of a paragraph with a space and splits paragraphs at blank lines', () => {
    expect(parseMarkdown('One line\nwrapped here.\n\n  Second\r\nparagraph\r\n')).toEqual([
      { kind: 'paragraph', children: [text('One line wrapped here.')] },
      { kind: 'paragraph', children: [text('Second paragraph')] },
    ]);
  });

  it('reads headings of one to six hashes, and seven hashes as text', () => {
    expect(parseMarkdown('# One\n###### Six\n####### Seven')).toEqual([
      { kind: 'heading', level: 1, children: [text('One')] },
      { kind: 'heading', level: 6, children: [text('Six')] },
      { kind: 'paragraph', children: [text('####### Seven')] },
    ]);
  });

  it('reads bullet and numbered lists, continuation lines, and a new list when the kind changes', () => {
    expect(parseMarkdown('Intro:\n- one\n  more of one\n* two\n+ three\n1. first\n2) second\nafter')).toEqual([
      { kind: 'paragraph', children: [text('Intro:')] },
      {
        kind: 'list',
        ordered: false,
        items: [[text('one more of one')], [text('two')], [text('three')]],
      },
      { kind: 'list', ordered: true, items: [[text('first')], [text('second')]] },
      { kind: 'paragraph', children: [text('after')] },
    ]);
  });

  it('keeps fenced code verbatim, closed or not', () => {
    expect(parseMarkdown('```sh\n**not bold** <b>\n  indented\n```\n~~~\nrest of the text')).toEqual([
      { kind: 'code-block', text: '**not bold** <b>\n  indented' },
      { kind: 'code-block', text: 'rest of the text' },
    ]);
  });

  it('reads the scenario summaries of the sample drills: wrapped bullets stay one item each', () => {
    const summary = [
      'A syndicate runs a campaign that impersonates the revenue agencies of PH, ID and VN, with templates',
      'ready for MY and TH:',
      '',
      '- SMS with spoofed sender IDs lead to lookalike refund portals that harvest identity numbers,',
      '  card data and credentials.',
      '- In ID the lure pushes a sideloaded app.',
    ].join('\n');
    const blocks = parseMarkdown(summary);
    expect(blocks.map((b) => b.kind)).toEqual(['paragraph', 'list']);
    expect(blocks[1]).toMatchObject({ items: [[{ text: expect.stringMatching(/harvest .* card data/) }], [{}]] });
  });

  it('makes nothing of an empty text', () => {
    expect(parseMarkdown('')).toEqual([]);
    expect(parseMarkdown('\n \n\t\n')).toEqual([]);
  });
});

describe('parseInline', () => {
  it('reads code, bold and italic in both spellings', () => {
    expect(parseInline('`a*b*` **bold** __bold__ *it* _it_')).toEqual([
      { kind: 'code', text: 'a*b*' },
      text(' '),
      { kind: 'strong', children: [text('bold')] },
      text(' '),
      { kind: 'strong', children: [text('bold')] },
      text(' '),
      { kind: 'em', children: [text('it')] },
      text(' '),
      { kind: 'em', children: [text('it')] },
    ]);
  });

  it('nests emphasis of the other delimiter and links inside emphasis', () => {
    expect(parseInline('**a _b_** *x [y](https://e.example/)*')).toEqual([
      { kind: 'strong', children: [text('a '), { kind: 'em', children: [text('b')] }] },
      text(' '),
      {
        kind: 'em',
        children: [text('x '), { kind: 'link', href: 'https://e.example/', children: [text('y')] }],
      },
    ]);
  });

  it('leaves names, arithmetic and unmatched delimiters as written', () => {
    for (const s of [
      'snake_case_name and file_name_2.txt',
      '2*3*4 and 2 * 3 * 4',
      '** not bold** and * not italic*',
      'a lone ` backtick',
      'an empty `` pair',
      '_x_y',
      '**open only',
    ]) {
      expect(parseInline(s)).toEqual([text(s)]);
    }
  });

  it('reads **a* as a star and an italic, as the consoles always did', () => {
    expect(parseInline('**a*')).toEqual([text('*'), { kind: 'em', children: [text('a')] }]);
  });

  it('leaves defanged indicators alone: [.] and [@] are not links', () => {
    const s = 'beacon to 203.0.113[.]45 and hxxps://evil[.]example/a, mail billing[@]x[.]example';
    expect(parseInline(s)).toEqual([text(s)]);
  });

  it('makes links of http(s) and mailto targets only; any other target stays text as written', () => {
    expect(parseInline('[portal](https://a.example/p?q=1) [mail](mailto:soc@a.example)')).toEqual([
      { kind: 'link', href: 'https://a.example/p?q=1', children: [text('portal')] },
      text(' '),
      { kind: 'link', href: 'mailto:soc@a.example', children: [text('mail')] },
    ]);
    for (const s of [
      '[x](javascript:alert(1))',
      '[x](JaVaScRiPt:alert(1))',
      '[x](data:text/html,<script>alert(1)</script>)',
      '[x](vbscript:msgbox)',
      '[x](//evil.example/)',
      '[x](/relative)',
      '[x](hxxps://evil[.]example)',
      '[x](https://a.example/ with space)',
      '[](https://a.example/)',
      '[x] (https://a.example/)',
      '[x](https://a.example/',
    ]) {
      expect(parseInline(s).some((n) => n.kind === 'link')).toBe(false);
    }
  });

  it('does not nest a link in a link', () => {
    expect(parseInline('[a [b](https://b.example/)](https://a.example/)')).toEqual([
      { kind: 'link', href: 'https://b.example/', children: [text('a [b')] },
      text('](https://a.example/)'),
    ]);
  });
});

describe('isSafeHref', () => {
  it('accepts the web and e-mail, nothing else', () => {
    expect(isSafeHref('https://a.example/')).toBe(true);
    expect(isSafeHref('HTTP://a.example')).toBe(true);
    expect(isSafeHref('mailto:a@b.example')).toBe(true);
    for (const href of [
      '',
      'https://',
      'https:///x',
      'mailto:',
      'ftp://a',
      'https://a\u0000b',
      'https://a\tb',
      'file:///etc',
    ])
      expect(isSafeHref(href)).toBe(false);
  });
});

describe('markdownToHtml', () => {
  it('renders every kind of block and inline, headings moved down by the offset', () => {
    expect(
      markdownToHtml(
        '# Title\nSome **bold**, *it*, `code` and [a link](https://a.example/).\n\n- a\n\n1. b\n\n```\nx < y\n```',
        {
          headingOffset: 2,
        },
      ),
    ).toBe(
      [
        '<h3>Title</h3>',
        '<p>Some <strong>bold</strong>, <em>it</em>, <code>code</code> and <a href="https://a.example/" rel="noopener noreferrer">a link</a>.</p>',
        '<ul><li>a</li></ul>',
        '<ol><li>b</li></ol>',
        '<pre><code>x &lt; y</code></pre>',
      ].join('\n'),
    );
    expect(markdownToHtml('###### deep', { headingOffset: 3 })).toBe('<h6>deep</h6>');
    expect(markdownToHtml('# top')).toBe('<h1>top</h1>');
  });

  it('escapes hostile input: markup, attribute break-outs and script links stay text', () => {
    const html = markdownToHtml(
      [
        '<script>alert(1)</script> <img src=x onerror=alert(2)>',
        '**<b onclick="x">**',
        '`</code><script>`',
        '[click](javascript:alert(3))',
        '[quote](https://a.example/"onmouseover="alert(4))',
        '# <h1>&amp;',
        '```\n</pre><script>alert(5)</script>\n```',
      ].join('\n\n'),
    );
    expect(html).not.toMatch(/<(script|img|b |\/pre><)/i);
    expect(html).not.toMatch(/href="javascript/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(2)&gt;');
    expect(html).toContain('<strong>&lt;b onclick=&quot;x&quot;&gt;</strong>');
    expect(html).toContain('<code>&lt;/code&gt;&lt;script&gt;</code>');
    expect(html).toContain('[click](javascript:alert(3))');
    expect(html).toContain('<a href="https://a.example/&quot;onmouseover=&quot;alert(4" rel="noopener noreferrer">');
    expect(html).toContain('<h1>&lt;h1&gt;&amp;amp;</h1>');
    expect(html).toContain('<pre><code>&lt;/pre&gt;&lt;script&gt;alert(5)&lt;/script&gt;</code></pre>');
  });

  it('renders the same tree through any builder (the consoles build DOM nodes with it)', () => {
    const tags: string[] = [];
    const counting: MarkdownBuilder<number> = {
      element: (tag, _attributes, children) => {
        tags.push(tag);
        return 1 + children.reduce((a, b) => a + b, 0);
      },
      text: () => 1,
    };
    const sizes = renderMarkdownWith(parseMarkdown('a **b**\n\n- c\n\n```\nd\n```'), counting);
    expect(sizes).toEqual([4, 3, 3]);
    expect(tags).toEqual(['strong', 'p', 'li', 'ul', 'code', 'pre']);
  });
});

describe('linear time on hostile input', () => {
  // Quadratic scans would take minutes on these (each opener searching the rest of the text); linear ones take
  // milliseconds. The bound is generous for a loaded machine and still far below what quadratic work costs.
  const N = 200_000;
  const cases: [string, string][] = [
    ['unclosed link openers before one long refused target', '['.repeat(N) + '](' + 'a '.repeat(N) + ')'],
    ['openers with no closer', '`'.repeat(1) + '*_['.repeat(N)],
    ['star runs', '*'.repeat(N * 2)],
    ['underscores inside words', '_' + 'a_'.repeat(N)],
    ['emphasis everywhere', ' *a* _b_ **c** `d`'.repeat(N / 10)],
    ['one huge line of hashes and spaces', '#'.repeat(N) + ' '.repeat(N) + '1.'],
    ['many list items and fences', '- a\n  b\n1. c\n```\nx\n```\n'.repeat(N / 20)],
    ['bracket pairs that are not links', '[a]'.repeat(N)],
  ];

  it.each(cases)('%s', (_name, input) => {
    const started = performance.now();
    const html = markdownToHtml(input);
    const ms = performance.now() - started;
    expect(html.length).toBeGreaterThan(0);
    expect(ms).toBeLessThan(2_000);
  });
});
