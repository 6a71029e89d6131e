/**
 * @drill/ism — the Information Sharing Mechanism's pure domain: the report model, who may see a report under
 * TLP 2.0 (and which replies and recipient lists are allowed), the STIX 2.1 export with TLP 2.0 markings, and
 * requests for assistance between teams: who reads and answers them, and how their status moves.
 * No persistence or transport here; the server stores reports and calls these rules.
 */
export * from './model.js';
export * from './visibility.js';
export * from './stix.js';
export * from './assistance.js';
