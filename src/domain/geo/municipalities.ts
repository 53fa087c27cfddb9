import { readFileSync } from 'node:fs';

/** The twelve provinces, names as in the CBS/PDOK 2025 province layer. */
export const PROVINCES = [
  'Groningen',
  'Fryslân',
  'Drenthe',
  'Overijssel',
  'Flevoland',
  'Gelderland',
  'Utrecht',
  'Noord-Holland',
  'Zuid-Holland',
  'Zeeland',
  'Noord-Brabant',
  'Limburg',
] as const;

export type Province = (typeof PROVINCES)[number];

export interface Municipality {
  /** CBS code, e.g. GM0363. */
  readonly code: string;
  /** CBS name, e.g. Amsterdam, 's-Gravenhage, Bergen (NH.). */
  readonly name: string;
  readonly province: Province;
}

// Same relative path from src/domain/geo and dist/domain/geo: both sit three levels below the root.
const DATA_FILE = new URL('../../../data/municipalities-2025.csv', import.meta.url);

/** Splits one CSV line (RFC 4180 quoting; no embedded newlines in this file). */
function splitCsvLine(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') {
        quoted = false;
      } else {
        field += ch;
      }
    } else if (ch === '"') {
      quoted = true;
    } else if (ch === ',') {
      fields.push(field);
      field = '';
    } else {
      field += ch;
    }
  }
  fields.push(field);
  return fields;
}

function isProvince(value: string): value is Province {
  return (PROVINCES as readonly string[]).includes(value);
}

export function parseMunicipalitiesCsv(text: string): Municipality[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = lines.shift();
  if (header !== 'code,name,province') throw new Error(`unexpected municipalities header: ${header}`);
  return lines.map((line, i) => {
    const [code, name, province, ...extra] = splitCsvLine(line);
    if (
      code === undefined ||
      !/^GM\d{4}$/.test(code) ||
      !name ||
      province === undefined ||
      !isProvince(province) ||
      extra.length > 0
    ) {
      throw new Error(`bad municipality row ${i + 2}: ${line}`);
    }
    return Object.freeze({ code, name, province });
  });
}

/** All 342 municipalities of 1 January 2025, ordered by code. */
export const municipalities: readonly Municipality[] = Object.freeze(
  parseMunicipalitiesCsv(readFileSync(DATA_FILE, 'utf8')),
);

const byCode = new Map(municipalities.map((m) => [m.code, m]));

export function municipalityByCode(code: string): Municipality | undefined {
  return byCode.get(code);
}
