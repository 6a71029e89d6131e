// The drill's closed vocabularies, for pickers. Mirrors libs/contracts/src (TLP, RSIT, report kinds, severities,
// determinations, IOC types) and libs/scoring (HSEEP ratings); apps/drill-server/web/vocab.spec.ts fails when the
// two drift apart. The server validates everything again, so a stale list only costs a clear 422.

/** TLP 2.0 labels with what each one means inside a drill (libs/ism/src/visibility.ts). */
export const TLP = [
  {
    label: 'TLP:CLEAR',
    short: 'CLEAR',
    meaning: 'Anyone in the drill may see it: every team and drill control. Disclosure is not limited.',
  },
  {
    label: 'TLP:GREEN',
    short: 'GREEN',
    meaning: 'Every team in the exercise (the community) and drill control; not to be shared outside the drill.',
  },
  {
    label: 'TLP:AMBER',
    short: 'AMBER',
    meaning:
      'Only the recipient teams you name, your own team and drill control; they may share it inside their organisation on a need-to-know basis.',
  },
  {
    label: 'TLP:AMBER+STRICT',
    short: 'AMBER+STRICT',
    meaning: 'Only the recipient teams you name, your own team and drill control, restricted to those organisations.',
  },
  {
    label: 'TLP:RED',
    short: 'RED',
    meaning: 'Only the people you name (recipient users) and drill control: not even the rest of your own team.',
  },
];

/** Reference Security Incident Taxonomy (ENISA / TF-CSIRT RSIT), class → types. */
export const RSIT = {
  'abusive-content': ['spam', 'harmful-speech', 'violence'],
  'malicious-code': ['infected-system', 'c2-server', 'malware-distribution', 'malware-configuration'],
  'information-gathering': ['scanner', 'sniffing', 'social-engineering'],
  'intrusion-attempts': ['ids-alert', 'brute-force', 'exploit'],
  intrusions: [
    'privileged-account-compromise',
    'unprivileged-account-compromise',
    'application-compromise',
    'system-compromise',
    'burglary',
  ],
  availability: ['dos', 'ddos', 'misconfiguration', 'sabotage', 'outage'],
  'information-content-security': [
    'unauthorised-information-access',
    'unauthorised-information-modification',
    'data-loss',
    'data-leak',
  ],
  fraud: ['unauthorised-use-of-resources', 'copyright', 'masquerade', 'phishing'],
  vulnerable: [
    'weak-crypto',
    'ddos-amplifier',
    'potentially-unwanted-accessible',
    'information-disclosure',
    'vulnerable-system',
  ],
  other: ['other', 'undetermined'],
  test: ['test'],
};

export const REPORT_KINDS = [
  { value: 'acknowledgement', label: 'Acknowledgement', hint: 'we have received it and are on it' },
  { value: 'early-warning', label: 'Early warning', hint: 'first, partial report, sent fast' },
  { value: 'notification', label: 'Notification', hint: 'incident notification with what is known' },
  { value: 'update', label: 'Update', hint: 'new findings on an earlier report' },
  { value: 'final', label: 'Final report', hint: 'closes the incident' },
  {
    value: 'request-for-assistance',
    label: 'Request for assistance',
    hint: 'asks another team or drill control to act',
  },
  { value: 'advisory', label: 'Advisory', hint: 'guidance for other teams or constituents' },
];

export const SEVERITIES = ['low', 'medium', 'high', 'critical'];
export const DETERMINATIONS = ['suspected', 'confirmed', 'false-positive'];

export const IOC_TYPES = [
  { value: 'ip-src', label: 'IP (source)' },
  { value: 'ip-dst', label: 'IP (destination)' },
  { value: 'ip-dst|port', label: 'IP and port' },
  { value: 'domain', label: 'Domain' },
  { value: 'hostname', label: 'Host name' },
  { value: 'url', label: 'URL' },
  { value: 'md5', label: 'MD5' },
  { value: 'sha1', label: 'SHA-1' },
  { value: 'sha256', label: 'SHA-256' },
  { value: 'email-src', label: 'E-mail (sender)' },
  { value: 'filename', label: 'File name' },
  { value: 'vulnerability', label: 'Vulnerability (CVE)' },
  { value: 'AS', label: 'AS number' },
];

/** HSEEP objective ratings. */
export const RATINGS = [
  { value: 'P', label: 'P — Performed without challenges' },
  { value: 'S', label: 'S — Performed with some challenges' },
  { value: 'M', label: 'M — Performed with major challenges' },
  { value: 'U', label: 'U — Unable to be performed' },
];

/** Kinds of evaluator note in the AAR (libs/reporting NOTE_KINDS). */
export const NOTE_KINDS = [
  { value: 'strength', label: 'Strength' },
  { value: 'improvement', label: 'Area for improvement' },
];

/** HSEEP capability elements of an improvement-plan item (libs/reporting CAPABILITY_ELEMENTS). */
export const CAPABILITY_ELEMENTS = [
  { value: 'planning', label: 'Planning' },
  { value: 'organisation', label: 'Organisation' },
  { value: 'equipment', label: 'Equipment' },
  { value: 'training', label: 'Training' },
  { value: 'exercise', label: 'Exercise' },
];
