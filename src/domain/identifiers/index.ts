export { BSN_CAPACITY, bsnFromSeed, isValidBsn, makeBsn } from './bsn.js';
export { formatPostcode, isValidPostcode, normalisePostcode } from './postcode.js';
export { isValidUra, makeUra } from './ura.js';
