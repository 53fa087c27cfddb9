import { municipalities } from '../domain/geo/municipalities.js';
import type { Province } from '../domain/geo/municipalities.js';
import { organisationForMunicipality } from './organisations.js';
import { hashSeed } from './generator-random.js';

/**
 * Where synthetic people live. Municipalities are weighted by a rough population (thousands,
 * rounded, only to make big cities big); postcodes are plausible for the province, not real.
 */

const DEFAULT_WEIGHT = 35;

// Rough inhabitants in thousands; anything not listed uses DEFAULT_WEIGHT.
const WEIGHTS: Readonly<Record<string, number>> = {
  GM0363: 930,
  GM0599: 670,
  GM0518: 560,
  GM0344: 375,
  GM0772: 246,
  GM0014: 242,
  GM0855: 227,
  GM0034: 226,
  GM0758: 189,
  GM0268: 186,
  GM0200: 168,
  GM0202: 168,
  GM0392: 166,
  GM0394: 163,
  GM0307: 162,
  GM0153: 161,
  GM0479: 160,
  GM0796: 160,
  GM0193: 133,
  GM0546: 128,
  GM0637: 128,
  GM0080: 127,
  GM0935: 122,
  GM0505: 121,
  GM0228: 122,
  GM1783: 115,
  GM0484: 116,
  GM0361: 112,
  GM0114: 108,
  GM0503: 107,
  GM0150: 102,
  GM0983: 103,
  GM1883: 92,
  GM0794: 94,
  GM0828: 95,
  GM0362: 95,
  GM0402: 93,
  GM0439: 93,
  GM1900: 92,
  GM0917: 87,
  GM1930: 86,
  GM0164: 82,
  GM1948: 83,
  GM1963: 89,
  GM1982: 93,
  GM1980: 90,
  GM1916: 78,
  GM0606: 80,
  GM1674: 78,
  GM0995: 82,
  GM0513: 75,
  GM0622: 75,
  GM0141: 74,
  GM0405: 75,
  GM0502: 68,
  GM0345: 68,
  GM1621: 65,
  GM0355: 66,
  GM0537: 67,
  GM0603: 58,
  GM0400: 57,
  GM0088: 1,
  GM0096: 1,
  GM0277: 2,
  GM0060: 4,
  GM0093: 5,
  GM0339: 6,
  GM0744: 7,
  GM1695: 8,
  GM0944: 8,
  GM0317: 9,
  GM0638: 9,
  GM0589: 10,
  GM0431: 10,
  GM0981: 10,
  GM0965: 10,
  GM0279: 10,
  GM0415: 12,
  GM0244: 12,
  GM0448: 14,
  GM0184: 22,
};

// Postcode (first four digits) ranges per province, roughly where they really are.
const PROVINCE_POSTCODES: Readonly<Record<Province, readonly (readonly [number, number])[]>> = {
  Groningen: [[9500, 9999]],
  Fryslân: [[8400, 9299]],
  Drenthe: [
    [7700, 7999],
    [9400, 9499],
  ],
  Overijssel: [
    [7400, 7699],
    [8000, 8199],
  ],
  Flevoland: [
    [1300, 1399],
    [8200, 8259],
    [8300, 8319],
  ],
  Gelderland: [[6500, 7399]],
  Utrecht: [[3400, 3999]],
  'Noord-Holland': [
    [1000, 1299],
    [1400, 2099],
  ],
  'Zuid-Holland': [[2100, 3399]],
  Zeeland: [[4300, 4599]],
  'Noord-Brabant': [[4600, 5799]],
  Limburg: [[5800, 6499]],
};

// Real postcode ranges of the largest cities.
const CITY_POSTCODES: Readonly<Record<string, readonly [number, number]>> = {
  GM0363: [1011, 1109],
  GM0599: [3011, 3089],
  GM0518: [2491, 2597],
  GM0344: [3511, 3585],
  GM0772: [5611, 5658],
  GM0014: [9711, 9747],
  GM0855: [5011, 5049],
  GM0034: [1311, 1365],
  GM0758: [4811, 4839],
  GM0268: [6511, 6546],
};

export interface Place {
  readonly municipalityCode: string;
  /** Municipality name without CBS disambiguation: "Bergen (NH.)" → "Bergen". */
  readonly city: string;
  readonly organisationUra: string;
  readonly postcodeLow: number;
  readonly postcodeSpan: number;
}

const SPAN = 20;

function placeFor(code: string, name: string, province: Province): Place {
  const org = organisationForMunicipality(code);
  if (org === undefined) throw new Error(`no organisation for ${code}`);
  let low: number;
  let span: number;
  const city = CITY_POSTCODES[code];
  if (city !== undefined) {
    low = city[0];
    span = city[1] - city[0] + 1;
  } else {
    // A stable SPAN-wide block inside the province, chosen by hashing the code.
    const ranges = PROVINCE_POSTCODES[province];
    const h = hashSeed(Number(code.slice(2)), 0x504f5354);
    const range = ranges[h % ranges.length] as readonly [number, number];
    const room = range[1] - range[0] + 1 - SPAN;
    low = range[0] + (Math.floor(h / ranges.length) % Math.max(room, 1));
    span = SPAN;
  }
  return {
    municipalityCode: code,
    city: name.replace(/ \([A-Z]+\.\)$/, ''),
    organisationUra: org.ura,
    postcodeLow: low,
    postcodeSpan: span,
  };
}

export const PLACES: readonly Place[] = municipalities.map((m) => placeFor(m.code, m.name, m.province));

const cumulative: number[] = [];
{
  let total = 0;
  for (const m of municipalities) {
    total += WEIGHTS[m.code] ?? DEFAULT_WEIGHT;
    cumulative.push(total);
  }
}
const TOTAL_WEIGHT = cumulative[cumulative.length - 1] as number;

/** Population-weighted place for u uniform in [0, 1). */
export function placeAt(u: number): Place {
  const target = u * TOTAL_WEIGHT;
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((cumulative[mid] as number) > target) hi = mid;
    else lo = mid + 1;
  }
  return PLACES[lo] as Place;
}

// Letters used in real postcodes (no F, I, O, Q, U, Y).
const POSTCODE_LETTERS = 'ABCDEGHJKLMNPRSTVWXZ';

/** A valid postcode "1234AB" inside the place's range. */
export function postcodeIn(place: Place, a: number, b: number, c: number): string {
  const digits = place.postcodeLow + Math.floor(a * place.postcodeSpan);
  const first = POSTCODE_LETTERS[Math.floor(b * POSTCODE_LETTERS.length)] as string;
  let second = POSTCODE_LETTERS[Math.floor(c * POSTCODE_LETTERS.length)] as string;
  // SA, SD and SS are never issued.
  if (first === 'S' && (second === 'A' || second === 'D' || second === 'S')) second = 'T';
  return `${digits}${first}${second}`;
}

export const STREETS: readonly string[] = (
  'Kerkstraat, Schoolstraat, Molenstraat, Dorpsstraat, Stationsweg, Julianastraat, Beatrixstraat, ' +
  'Wilhelminastraat, Hoofdstraat, Nieuwstraat, Prins Bernhardstraat, Oranjestraat, Kastanjelaan, Eikenlaan, ' +
  'Beukenlaan, Lindenlaan, Parallelweg, Industrieweg, Sportlaan, Marktstraat, Emmastraat, Irenestraat, ' +
  'Prinses Margrietstraat, Meidoornstraat, Vondelstraat, Rembrandtlaan, Van Goghstraat, Tulpstraat, ' +
  'Rozenstraat, Brink, Akkerweg, Veldweg, Burgemeester de Withstraat, Dorpsweg, Kloosterstraat, ' +
  'Havenstraat, Molenweg, Raadhuisstraat, Poststraat, Wilgenlaan, Berkenlaan, Esdoornlaan, Acaciastraat, ' +
  'Merelstraat, Lijsterstraat, Zwaluwstraat, Koningin Julianaweg, Hogeweg, Nieuweweg, Zandweg, Dijkstraat, ' +
  'Spoorstraat, Torenstraat, Van der Valkstraat, Johan de Wittlaan, Thorbeckestraat, Erasmusweg, ' +
  'Sint Janstraat, Boterbloem, Klaproos, Zonnebloemstraat, Fazantenlaan, Prinsengracht, Singel, Wethouder Smitstraat'
).split(', ');
