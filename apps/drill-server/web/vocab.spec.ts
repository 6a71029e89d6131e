import { describe, expect, it } from '@jest/globals';
import { DETERMINATIONS, IOC_TYPES, REPORT_KINDS, RSIT, SEVERITIES, TLP_LABELS } from '@drill/contracts';
import { RATINGS } from '@drill/scoring';
import { CAPABILITY_ELEMENTS, NOTE_KINDS } from '@drill/reporting';

// The pickers of the web consoles embed the vocabularies; this fails when contracts change and they do not.
const web = (await import(new URL('./public/js/vocab.js', import.meta.url).href)) as {
  TLP: { label: string; meaning: string }[];
  RSIT: Record<string, string[]>;
  REPORT_KINDS: { value: string }[];
  SEVERITIES: string[];
  DETERMINATIONS: string[];
  IOC_TYPES: { value: string }[];
  RATINGS: { value: string }[];
  NOTE_KINDS: { value: string }[];
  CAPABILITY_ELEMENTS: { value: string }[];
};

describe('web console vocabularies (public/js/vocab.js)', () => {
  it('match @drill/contracts, @drill/scoring and @drill/reporting', () => {
    expect(web.TLP.map((t) => t.label)).toEqual([...TLP_LABELS]);
    expect(web.RSIT).toEqual(RSIT);
    expect(web.REPORT_KINDS.map((k) => k.value)).toEqual([...REPORT_KINDS]);
    expect(web.SEVERITIES).toEqual([...SEVERITIES]);
    expect(web.DETERMINATIONS).toEqual([...DETERMINATIONS]);
    expect(web.IOC_TYPES.map((t) => t.value)).toEqual([...IOC_TYPES]);
    expect(web.RATINGS.map((r) => r.value)).toEqual([...RATINGS]);
    expect(web.NOTE_KINDS.map((k) => k.value)).toEqual([...NOTE_KINDS]);
    expect(web.CAPABILITY_ELEMENTS.map((k) => k.value)).toEqual([...CAPABILITY_ELEMENTS]);
  });

  it('explain every TLP label', () => {
    for (const t of web.TLP) expect(t.meaning.length).toBeGreaterThan(20);
  });
});
