import { municipalityByCode } from '../domain/geo/municipalities.js';
import { makeUra } from '../domain/identifiers/ura.js';

/**
 * Demo youth-health organisations (dossier tenants). Regions follow the 25 safety/GGD regions
 * (municipality → region as published by the national COVID-19 dashboard, updated to the 2025
 * municipalities), with two realistic splits: the city of Utrecht has its own JGZ organisation,
 * and Midden-Brabant belongs to GGD Hart voor Brabant. Every municipality has exactly one
 * organisation. URAs are synthetic (see makeUra), not registered numbers.
 */
export interface Organisation {
  readonly ura: string;
  readonly name: string;
  /** CBS municipality codes (GM…), sorted. */
  readonly municipalityCodes: readonly string[];
}

// Municipality codes without the GM prefix, to keep the table readable.
const REGIONS: readonly (readonly [name: string, codes: string])[] = [
  ['GGD Groningen', '0014 0037 0047 0765 1895 1950 1952 1966 1969 1979'],
  [
    'GGD Fryslân',
    '0059 0060 0072 0074 0080 0085 0086 0088 0090 0093 0096 0098 0737 1891 1900 1940 1949 1970',
  ],
  ['GGD Drenthe', '0106 0109 0114 0118 0119 1680 1681 1690 1699 1701 1730 1731'],
  ['GGD IJsselland', '0148 0150 0160 0166 0175 0177 0180 0193 1708 1773 1896'],
  ['GGD Twente', '0141 0147 0153 0158 0163 0164 0168 0173 0183 0189 1700 1735 1742 1774'],
  [
    'GGD Noord- en Oost-Gelderland',
    '0197 0200 0213 0222 0230 0232 0233 0243 0244 0246 0262 0269 0273 0285 0294 0301 0302 1509 1586 1859 1876 1955',
  ],
  ['GGD Gelderland-Midden', '0202 0203 0221 0226 0228 0267 0274 0275 0277 0279 0289 0293 0299 1705 1734'],
  ['GGD Gelderland-Zuid', '0209 0214 0216 0225 0252 0263 0268 0281 0296 0297 0668 1740 1945 1960'],
  [
    'GGD regio Utrecht',
    '0307 0308 0310 0312 0313 0317 0321 0327 0331 0335 0339 0340 0342 0345 0351 0352 0353 0355 0356 0589 0632 0736 1581 1904 1961',
  ],
  ['JGZ Utrecht', '0344'],
  ['GGD Hollands Noorden', '0361 0373 0383 0388 0399 0400 0405 0420 0432 0441 0448 0498 0532 1598 1911 1980'],
  ['GGD Zaanstreek-Waterland', '0385 0415 0431 0439 0479 0852 0880'],
  ['GGD Kennemerland', '0375 0377 0392 0394 0396 0397 0450 0453 0473'],
  ['GGD Amsterdam', '0358 0362 0363 0384 0437 0451'],
  ['GGD Gooi en Vechtstreek', '0376 0402 0406 0417 1696 1942'],
  ['JGZ Zuid-Holland West', '0503 0518 0603 0629 0637 1783 1842 1916 1926'],
  [
    'GGD Hollands Midden',
    '0484 0513 0534 0537 0546 0547 0553 0569 0575 0579 0626 0627 0638 1525 1884 1892 1901 1931',
  ],
  ['CJG Rijnmond', '0489 0502 0542 0556 0597 0599 0606 0613 0622 1621 1924 1930 1992'],
  ['Dienst Gezondheid & Jeugd Zuid-Holland Zuid', '0482 0505 0512 0523 0531 0590 0610 0642 1963 1978'],
  ['GGD Zeeland', '0654 0664 0677 0678 0687 0703 0715 0716 0717 0718 1676 1695 1714'],
  ['GGD West-Brabant', '0744 0748 0758 0777 0779 0826 0840 0851 0873 0879 1655 1674 1709 1719 1723 1959'],
  [
    'GGD Hart voor Brabant',
    '0755 0757 0766 0784 0785 0796 0797 0798 0809 0824 0828 0845 0855 0865 0867 1721 1948 1982 1991',
  ],
  [
    'GGD Brabant-Zuidoost',
    '0743 0753 0762 0770 0772 0794 0820 0823 0847 0848 0858 0861 0866 1652 1658 1659 1667 1706 1724 1728 1771',
  ],
  ['GGD Limburg-Noord', '0889 0893 0907 0944 0946 0957 0983 0984 0988 1507 1640 1641 1669 1711 1894'],
  ['GGD Zuid-Limburg', '0882 0888 0899 0917 0928 0935 0938 0965 0971 0981 0986 0994 1729 1883 1903 1954'],
  ['GGD Flevoland', '0034 0050 0171 0184 0303 0995'],
];

export const organisations: readonly Organisation[] = Object.freeze(
  REGIONS.map(([name, codes], i) => {
    const municipalityCodes = codes.split(' ').map((c) => `GM${c}`);
    for (const code of municipalityCodes) {
      if (municipalityByCode(code) === undefined) throw new Error(`${name}: unknown municipality ${code}`);
    }
    return Object.freeze({
      ura: makeUra(101 + i),
      name,
      municipalityCodes: Object.freeze(municipalityCodes),
    });
  }),
);

const byMunicipality = new Map<string, Organisation>();
for (const org of organisations) {
  for (const code of org.municipalityCodes) {
    if (byMunicipality.has(code)) throw new Error(`municipality ${code} is in two organisations`);
    byMunicipality.set(code, org);
  }
}

const byUra = new Map(organisations.map((o) => [o.ura, o]));

/** The organisation responsible for youths living in the municipality. */
export function organisationForMunicipality(code: string): Organisation | undefined {
  return byMunicipality.get(code);
}

export function organisationByUra(ura: string): Organisation | undefined {
  return byUra.get(ura);
}
