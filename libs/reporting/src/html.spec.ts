import { describe, expect, it } from '@jest/globals';
import { buildAar } from './build.js';
import { escapeHtml } from './format.js';
import { renderAarHtml } from './html.js';
import { fixtureInput } from './spec-fixture.js';

const EVIL = '<script>alert(1)</script>';

describe('escapeHtml', () => {
  it('escapes the five HTML-special characters', () => {
    expect(escapeHtml(`<a href="x">Tom & 'Jerry'</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;',
    );
  });
});

describe('renderAarHtml', () => {
  it('escapes every user-written string', async () => {
    const input = fixtureInput();
    input.exercise.name = `Drill ${EVIL}`;
    (input.teams[0] as { name: string }).name = `Alpha ${EVIL}`;
    input.notes = [
      {
        id: 'x',
        objectiveId: 'OBJ-1',
        kind: 'strength',
        text: `<img src=x onerror="alert(2)">`,
        author: `Eve ${EVIL}`,
        at: input.generatedAt,
      },
    ];
    input.plan = [
      {
        id: 'p',
        capability: EVIL,
        issue: EVIL,
        correctiveAction: EVIL,
        capabilityElement: 'training',
        organisation: EVIL,
        poc: EVIL,
        dueDate: '2027-01-01',
      },
    ];
    input.scores.teams[2]!.injects[0]!.override!.justification = EVIL;
    (input.scenario.injects[0] as { title: string }).title = `Note ${EVIL}`;
    const html = await renderAarHtml(buildAar(input));
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toContain('<img');
    expect(html).toContain('Drill &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=&quot;alert(2)&quot;&gt;');
  });

  it("renders the scenario summary in the drill's Markdown, escaped, its headings under the Scenario heading", async () => {
    const input = fixtureInput();
    input.scenario = {
      ...input.scenario,
      summary: `# Setting\nA **small** drill ${EVIL}\nwrapped.\n\n- one\n  continued\n- [two](javascript:alert(1))`,
    };
    const html = await renderAarHtml(buildAar(input));
    expect(html).toContain(
      '<div class="prose"><h4>Setting</h4>\n<p>A <strong>small</strong> drill &lt;script&gt;alert(1)&lt;/script&gt; wrapped.</p>\n' +
        '<ul><li>one continued</li><li>[two](javascript:alert(1))</li></ul></div>',
    );
  });

  it('is one self-contained document: no scripts, no external resources, four inline SVG charts', async () => {
    const html = await renderAarHtml(buildAar(fixtureInput()));
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<(script|link|iframe|img)\b/i);
    expect(html).not.toMatch(/\b(src|href)="(https?:)?\/\//i);
    expect(html).toMatch(/@media print/);
    for (const id of ['timeline', 'response-times', 'completeness', 'sharing']) {
      expect(html).toMatch(new RegExp(`<figure class="chart" id="fig-${id}" data-chart="${id}"><svg[^>]*>`));
    }
    const ids = [...html.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length); // chart clip paths and gradients included
  });

  it('renders an exercise that never started: no releases, no reports, no objectives', async () => {
    const input = fixtureInput({ deliveries: [], reports: [], events: [], notes: [], plan: [] });
    input.scores = {
      teams: input.teams.map((t) => ({ teamId: t.id, injects: [], totalWeight: 0, percent: null, autoPercent: null })),
      objectives: [],
      unusedScoreOverrides: [],
    };
    input.scenario = { ...input.scenario, objectives: [] };
    input.exercise = { ...input.exercise, status: 'draft', startedAt: null, endedAt: null, scenarioMsAtEnd: null };
    const aar = buildAar(input);
    expect(aar.keyFigures).toMatchObject({
      pairsScored: 0,
      responseRate: null,
      timeToReport: null,
      meanTeamPercent: null,
    });
    const html = await renderAarHtml(aar);
    expect(html.match(/<figure class="chart"[^>]*><svg/g)).toHaveLength(4);
    expect(html).toContain('No inject required a response from this team.');
    expect(html).not.toMatch(/NaN|undefined|Infinity/);
  });

  it('follows the HSEEP AAR/IP order', async () => {
    const html = await renderAarHtml(buildAar(fixtureInput()));
    const order = [
      'overview',
      'summary',
      'analysis',
      'scorecards',
      'injects',
      'sharing',
      'plan',
      'participants',
      'timeline',
    ].map((id) => html.indexOf(`<section id="${id}"`));
    expect(order.every((x) => x > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('shows a DRAFT banner until published, then who published it', async () => {
    const draft = await renderAarHtml(buildAar(fixtureInput()));
    expect(draft).toContain('<strong>DRAFT</strong>');
    expect(draft).toContain('class="watermark"');
    const published = await renderAarHtml(
      buildAar(
        fixtureInput({
          state: { status: 'published', publishedAt: '2026-11-26T09:00:00.000Z', publishedBy: 'Eva Luator' },
        }),
      ),
    );
    expect(published).not.toContain('DRAFT');
    expect(published).toContain('<strong>PUBLISHED</strong> 2026-11-26 09:00:00 UTC by Eva Luator');
  });

  it('prints the scorecard figures of the model, rounded for display only', async () => {
    const aar = buildAar(fixtureInput());
    const html = await renderAarHtml(aar);
    // A: 100·(.3 + .7·.90625) = 93.4375 → "93.4%"; C: .35 → "0.35" final with an override marker.
    expect(html).toMatch(/<tr data-team="A">.*?<td class="num" data-figure="percent"><strong>93\.4%<\/strong><\/td>/);
    expect(html).toMatch(/data-team="C" data-inject="I-1">.*?data-figure="final"><strong>0\.35<\/strong><sup/);
    expect(html).toContain('missed by 2/3 (B, C)');
  });
});
