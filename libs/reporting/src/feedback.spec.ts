import { describe, expect, it } from '@jest/globals';
import { buildAar } from './build.js';
import { renderAarCsv } from './csv.js';
import { feedbackProblems, summariseFeedback, type FeedbackEntry, type FeedbackObjective } from './feedback.js';
import { renderAarHtml } from './html.js';
import { fixtureInput } from './spec-fixture.js';

const OBJECTIVES: FeedbackObjective[] = [
  { id: 'OBJ-1', capability: 'Operational Communications' },
  { id: 'OBJ-2', capability: 'Cybersecurity' },
  { id: 'OBJ-3', capability: 'Operational Communications' },
];

const entry = (over: Partial<FeedbackEntry>): FeedbackEntry => ({
  objectiveRatings: [],
  capabilityRatings: [],
  author: '',
  teamCode: null,
  submittedAt: '2026-11-25T10:00:00.000Z',
  ...over,
});

describe('participant feedback', () => {
  it('names an objective or capability the scenario does not have, and one rated twice, by its path', () => {
    expect(
      feedbackProblems(OBJECTIVES, {
        objectiveRatings: [
          { objectiveId: 'OBJ-1', rating: 4 },
          { objectiveId: 'OBJ-9', rating: 2 },
          { objectiveId: 'OBJ-1', rating: 5 },
        ],
        capabilityRatings: [
          { capability: 'Cybersecurity', rating: 3 },
          { capability: 'Mass Care', rating: 3 },
        ],
      }).map((p) => p.path),
    ).toEqual([
      '/objectiveRatings/1/objectiveId',
      '/objectiveRatings/2/objectiveId',
      '/capabilityRatings/1/capability',
    ]);
    expect(
      feedbackProblems(OBJECTIVES, {
        objectiveRatings: [{ objectiveId: 'OBJ-3', rating: 1 }],
        capabilityRatings: [{ capability: 'Operational Communications', rating: 5 }],
      }),
    ).toEqual([]);
  });

  it('counts, averages and distributes ratings per objective and per capability (each capability once)', () => {
    const s = summariseFeedback(OBJECTIVES, [
      entry({
        objectiveRatings: [
          { objectiveId: 'OBJ-1', rating: 4 },
          { objectiveId: 'OBJ-2', rating: 1 },
        ],
        capabilityRatings: [{ capability: 'Operational Communications', rating: 5 }],
      }),
      entry({
        objectiveRatings: [{ objectiveId: 'OBJ-1', rating: 5 }],
        capabilityRatings: [{ capability: 'Operational Communications', rating: 2 }],
      }),
      entry({ objectiveRatings: [{ objectiveId: 'OBJ-1', rating: 5 }] }),
    ]);
    expect(s.respondents).toBe(3);
    expect(s.objectives).toEqual([
      // (4 + 5 + 5) / 3 = 4.666… → 4.67
      {
        objectiveId: 'OBJ-1',
        capability: 'Operational Communications',
        count: 3,
        mean: 4.67,
        distribution: [0, 0, 0, 1, 2],
      },
      { objectiveId: 'OBJ-2', capability: 'Cybersecurity', count: 1, mean: 1, distribution: [1, 0, 0, 0, 0] },
      {
        objectiveId: 'OBJ-3',
        capability: 'Operational Communications',
        count: 0,
        mean: null,
        distribution: [0, 0, 0, 0, 0],
      },
    ]);
    expect(s.capabilities).toEqual([
      { capability: 'Operational Communications', count: 2, mean: 3.5, distribution: [0, 1, 0, 0, 1] },
      { capability: 'Cybersecurity', count: 0, mean: null, distribution: [0, 0, 0, 0, 0] },
    ]);
  });

  it('keeps comments anonymous (day only, no name or team) unless the writer opted out, oldest first', () => {
    const s = summariseFeedback(OBJECTIVES, [
      entry({
        improvements: '  Inject I-03 had no logs.  ',
        author: 'Siti',
        teamCode: 'MY',
        anonymous: false,
        submittedAt: '2026-11-25T11:00:00.000Z',
      }),
      entry({ strengths: 'Good templates', submittedAt: '2026-11-25T09:30:00.000Z' }),
      entry({ strengths: '   ', submittedAt: '2026-11-25T09:00:00.000Z' }),
    ]);
    expect(s.comments).toEqual([
      { strengths: 'Good templates', submittedAt: '2026-11-25' },
      {
        improvements: 'Inject I-03 had no logs.',
        author: 'Siti',
        teamCode: 'MY',
        submittedAt: '2026-11-25T11:00:00.000Z',
      },
    ]);
  });

  it('appears in the AAR (HTML appendix, JSON model, CSV second table) only when the input carries feedback', async () => {
    const without = buildAar(fixtureInput());
    expect(without.feedback).toBeUndefined();
    expect(await renderAarHtml(without)).not.toContain('id="feedback"');
    expect(renderAarCsv(without)).not.toContain('feedback_kind');

    const input = fixtureInput();
    const objectiveId = input.scenario.objectives[0]!.id;
    const aar = buildAar({
      ...input,
      feedback: [
        entry({
          objectiveRatings: [{ objectiveId, rating: 2 }],
          strengths: 'Clear <b>injects</b>',
          author: 'Hidden Person',
        }),
      ],
    });
    expect(aar.feedback?.respondents).toBe(1);
    const html = await renderAarHtml(aar);
    expect(html).toContain('<h2><span class="sec-no">E</span> Participant feedback</h2>');
    expect(html).toContain('Clear &lt;b&gt;injects&lt;/b&gt;');
    expect(html).not.toContain('Hidden Person');
    const [, second] = renderAarCsv(aar).split('\r\n\r\n');
    const lines = second!.trim().split('\r\n');
    expect(lines[0]).toBe(
      'report_tlp,feedback_kind,feedback_item,capability,responses,mean,rated_1,rated_2,rated_3,rated_4,rated_5',
    );
    expect(lines[1]).toBe(
      `${aar.marking},objective,${objectiveId},${input.scenario.objectives[0]!.capability},1,2,0,1,0,0,0`,
    );
  });
});
