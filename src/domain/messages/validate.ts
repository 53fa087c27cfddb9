import type { z } from 'zod';
import {
  ANONYMOUS_SCHEMA,
  PERSONALISED_SCHEMA,
  anonymousMessageSchema,
  personalisedMessageSchema,
  type VaccinationMessage,
} from './schema.js';

/** One problem with a message: the JSON path, a stable rule name and a Dutch explanation. */
export interface MessageError {
  field: string;
  rule: string;
  message: string;
}

export type MessageValidation =
  { ok: true; message: VaccinationMessage } | { ok: false; errors: MessageError[] };

/**
 * Dutch label for every field of both messages, keyed by path with array indices written `[]`.
 * Used to prefix error messages so a professional reading the worklist sees which BDS element failed.
 */
export const FIELD_LABELS: Readonly<Record<string, string>> = {
  schema: 'Berichtsoort (schema)',
  version: 'Versie van het bericht',
  organisationUra: 'URA uitvoerende JGZ-organisatie (BDS 603)',
  dossier: 'Dossierinformatie (R002)',
  'dossier.number': 'Dossiernummer (BDS 695)',
  'dossier.status': 'Dossierstatus (BDS 696)',
  dossierStatus: 'Dossierstatus (BDS 696)',
  client: 'Persoonsgegevens (R003)',
  'client.bsn': 'BSN (BDS 7)',
  'client.givenName': 'Voornaam (BDS 6)',
  'client.prefix': 'Voorvoegsel geslachtsnaam (BDS 3)',
  'client.familyName': 'Geslachtsnaam (BDS 4)',
  'client.gender': 'Geslacht (BDS 19)',
  'client.birthDate': 'Geboortedatum (BDS 20)',
  'client.address': 'Adres cliënt (G001)',
  'client.address.kind': 'Soort adres (BDS 8)',
  'client.address.houseNumber': 'Huisnummer (BDS 12)',
  'client.address.houseLetter': 'Huisletter (BDS 13)',
  'client.address.houseNumberAddition': 'Huisnummertoevoeging (BDS 14)',
  'client.address.postcode': 'Postcode (BDS 16)',
  consent: 'Toestemming gegevensuitwisseling',
  'consent.given': 'Toestemming gegeven',
  'consent.date': 'Datum toestemming',
  'consent.organisationUra': 'URA van de organisatie die de toestemming vastlegde',
  activity: 'Activiteit (R018)',
  'activity.id': 'Activiteit-ID (BDS 1377)',
  'activity.type': 'Soort activiteit (BDS 494)',
  'activity.date': 'Datum activiteit (BDS 724)',
  vaccinations: 'Vaccinaties (G076)',
  'vaccinations[]': 'Vaccinatie (G076)',
  'vaccinations[].vaccineType': 'Soort vaccinatie (BDS 461)',
  'vaccinations[].date': 'Datum vaccinatie (BDS 1409)',
  'vaccinations[].batchNumber': 'Partijnummer (BDS 472)',
  'vaccinations[].performer': 'Uitvoerende instantie (BDS 1336)',
  'vaccinations[].location': 'Locatie uitvoerende organisatie (BDS 1452)',
  'vaccinations[].objection': 'Bezwaar (BDS 683)',
};

/** `['vaccinations', 0, 'date']` → `vaccinations[0].date`; the empty path is `(root)`. */
export function formatFieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(root)' : out;
}

function labelOf(field: string): string {
  return FIELD_LABELS[field.replace(/\[\d+\]/g, '[]')] ?? field;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'een lijst';
  switch (typeof value) {
    case 'string':
      return 'tekst';
    case 'number':
      return 'een getal';
    case 'boolean':
      return 'ja/nee';
    case 'object':
      return 'een object';
    default:
      return typeof value;
  }
}

const EXPECTED: Record<string, string> = {
  string: 'tekst',
  number: 'een getal',
  boolean: 'ja/nee',
  object: 'een object',
  array: 'een lijst',
};

/** The value at a path of the input (zod issues do not carry their input by default). */
function valueAt(json: unknown, path: readonly PropertyKey[]): unknown {
  let value = json;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function toErrors(issue: z.core.$ZodIssue, json: unknown): MessageError[] {
  const field = formatFieldPath(issue.path);
  const input = valueAt(json, issue.path);
  const label = labelOf(field);
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => {
        const f = field === '(root)' ? key : `${field}.${key}`;
        return {
          field: f,
          rule: 'unknown-field',
          message: `Onbekend veld "${key}" in ${field === '(root)' ? 'het bericht' : label}: dit bericht mag alleen de afgesproken velden bevatten.`,
        };
      });
    case 'invalid_type':
      if (input === undefined || input === null) {
        return [{ field, rule: 'required', message: `${label}: is verplicht.` }];
      }
      return [
        {
          field,
          rule: 'type',
          message: `${label}: moet ${EXPECTED[issue.expected] ?? issue.expected} zijn, niet ${typeName(input)}.`,
        },
      ];
    case 'invalid_value': {
      if (input === undefined || input === null) {
        return [{ field, rule: 'required', message: `${label}: is verplicht.` }];
      }
      const allowed = issue.values.map((v) => String(v)).join(', ');
      if (field === 'schema') {
        return [{ field, rule: 'schema', message: `${label}: moet ${allowed} zijn.` }];
      }
      if (field === 'consent.given') {
        return [
          {
            field,
            rule: 'consent-given',
            message: `${label}: moet true zijn; zonder toestemming gaat bericht 4a (anoniem).`,
          },
        ];
      }
      return [
        {
          field,
          rule: 'code-list',
          message: `${label}: ${JSON.stringify(input) ?? 'undefined'} is geen toegestane code; toegestaan: ${allowed}.`,
        },
      ];
    }
    case 'custom': {
      const rule = (issue.params as { rule?: unknown } | undefined)?.rule;
      return [
        { field, rule: typeof rule === 'string' ? rule : 'invalid', message: `${label}: ${issue.message}` },
      ];
    }
    default:
      return [{ field, rule: 'invalid', message: `${label}: ${issue.message}` }];
  }
}

/**
 * Validates a parsed JSON value as message 4 or 4a, chosen by its `schema` field. Either the typed
 * message, or every problem found (not just the first), each with field path, rule and Dutch message.
 */
export function validateMessage(json: unknown): MessageValidation {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return {
      ok: false,
      errors: [
        {
          field: '(root)',
          rule: 'type',
          message: `Het bericht moet een JSON-object zijn, niet ${typeName(json)}.`,
        },
      ],
    };
  }
  const kind = (json as { schema?: unknown }).schema;
  const schema =
    kind === PERSONALISED_SCHEMA
      ? personalisedMessageSchema
      : kind === ANONYMOUS_SCHEMA
        ? anonymousMessageSchema
        : null;
  if (schema === null) {
    return {
      ok: false,
      errors: [
        kind === undefined
          ? { field: 'schema', rule: 'required', message: `${labelOf('schema')}: is verplicht.` }
          : {
              field: 'schema',
              rule: 'schema',
              message: `${labelOf('schema')}: moet ${PERSONALISED_SCHEMA} of ${ANONYMOUS_SCHEMA} zijn.`,
            },
      ],
    };
  }
  const result = schema.safeParse(json);
  if (result.success) return { ok: true, message: result.data };
  return { ok: false, errors: result.error.issues.flatMap((issue) => toErrors(issue, json)) };
}
