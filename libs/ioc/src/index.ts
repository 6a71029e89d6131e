/**
 * @drill/ioc — normalisation and validation of indicators of compromise, one pure function used for answer
 * keys and ISM reports alike, so that matching compares like with like; plus extraction of indicators from
 * pasted (possibly defanged) free text for the console's paste-to-parse; and the relations between the forms one
 * indicator takes (an address and its `ip|port`, a URL and its host), by which the scorer matches answer keys.
 */
export { normaliseIoc, iocFamily, type NormalisedIoc } from './normalise.js';
export { defangedTextToIocs, extractTextProblem, MAX_EXTRACT_TEXT_LENGTH, type ExtractedIoc } from './extract.js';
export { refang } from './refang.js';
export { relatedKeys, relationBetween, OPT_IN_RELATIONS, type IocRelation, type RelatedKey } from './relations.js';
export { isNoise, unsureReason } from './noise.js';
