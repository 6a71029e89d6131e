// TLP 2.0 (FIRST). Order matters: a higher rank is more restrictive.
export const TLP_LABELS = ['TLP:CLEAR', 'TLP:GREEN', 'TLP:AMBER', 'TLP:AMBER+STRICT', 'TLP:RED'] as const;
export type TlpLabel = (typeof TLP_LABELS)[number];

/** Accepts a label as people write it (`TLP:WHITE`, `amber+strict`, `tlp:red`) and returns the TLP 2.0 name, or undefined. */
export function parseTlp(input: string): TlpLabel | undefined {
  const t = input.trim().toUpperCase().replace(/\s+/g, '');
  const withPrefix = t.startsWith('TLP:') ? t : `TLP:${t}`;
  if (withPrefix === 'TLP:WHITE') return 'TLP:CLEAR'; // TLP 1.0 name of CLEAR
  return (TLP_LABELS as readonly string[]).includes(withPrefix) ? (withPrefix as TlpLabel) : undefined;
}

export function tlpRank(label: TlpLabel): number {
  return TLP_LABELS.indexOf(label);
}

/** True when `a` shares more widely than `b` (e.g. GREEN is looser than AMBER). */
export function isLooserTlp(a: TlpLabel, b: TlpLabel): boolean {
  return tlpRank(a) < tlpRank(b);
}

/** Anything built from several sources takes the most restrictive label. */
export function strictestTlp(labels: readonly TlpLabel[]): TlpLabel {
  return labels.reduce<TlpLabel>((acc, l) => (tlpRank(l) > tlpRank(acc) ? l : acc), 'TLP:CLEAR');
}
