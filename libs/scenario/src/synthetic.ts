// A large, valid scenario for the validation tests and the validation benchmark: one text, so the bound the tests
// check and the figure the benchmark reports are about the same document.

/**
 * YAML of a scenario with `injects` injects, one a minute, each with an answer key (three IOCs, a decoy, a
 * classification, an action, a recipient) and, every fifth one, a trigger on the one before. All in one objective.
 */
export function syntheticScenarioYaml(injects = 500): string {
  const ids = Array.from({ length: injects }, (_, i) => `I-${i}`);
  const lines = [
    'id: synthetic-drill',
    'title: Synthetic drill',
    `plannedDuration: "+${String(Math.ceil(injects / 60) + 1).padStart(2, '0')}:00"`,
    'phases:',
    '  - {id: P1, title: One}',
    'objectives:',
    '  - id: OBJ-1',
    '    capability: Operational Coordination',
    `    injects: [${ids.join(', ')}]`,
    'injects:',
  ];
  for (let i = 0; i < injects; i++) {
    const offset = `+${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}`;
    lines.push(
      `  - id: I-${i}`,
      `    offset: "${offset}"`,
      '    phase: P1',
      `    title: Inject ${i}`,
      '    body: |',
      `      Something happened at host-${i}.example.`,
      '    targets: {teams: [SG, MY], tags: [tier1]}',
      '    severity: high',
      '    tlp: TLP:AMBER',
      '    responseRequired: true',
      '    targetMinutes: 30',
      '    deadlineMinutes: 60',
      '    answerKey:',
      '      iocs:',
      `        - {type: ip-dst, value: "198.51.100[.]${i % 250}", weight: 2, critical: true}`,
      `        - {type: domain, value: "c2-${i}[.]example"}`,
      `        - {type: sha256, value: ${String(i).padStart(64, 'a')}}`,
      '      decoys: [{type: domain, value: update.example}]',
      '      classification: {class: malicious-code, type: infected-system}',
      '      actions: [{code: BLOCK, keywords: [block]}]',
      '      recipients: [MY]',
    );
    if (i > 0 && i % 5 === 0) lines.push('    trigger:', `      after: {inject: I-${i - 1}, delayMinutes: 1}`);
  }
  return lines.join('\n') + '\n';
}
