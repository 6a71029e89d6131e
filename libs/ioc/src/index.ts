/**
 * @drill/ioc — normalisation and validation of indicators of compromise, one pure function used for answer
 * keys and ISM reports alike, so that matching compares like with like; plus extraction of indicators from
 * pasted (possibly defanged) free text for the console's paste-to-parse.
 */
export { normaliseIoc, iocFamily, type NormalisedIoc } from './normalise.js';
export { defangedTextToIocs, type ExtractedIoc } from './extract.js';
export { refang } from './refang.js';
