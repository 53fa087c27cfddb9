/**
 * Population import (R-R1): BRP and COA extracts as NDJSON or CSV (docs/population.md).
 *
 * - Streaming: the file is read in chunks and split into lines here (no whole-file buffer), twice: once
 *   to hash it (the run's key), once to import it.
 * - Validation per row (validatePopulationRow): a refused row is reported by line, field and rule and
 *   nothing of it is written.
 * - Batches: rows are applied in batches, each batch one transaction together with the run's progress
 *   (`import_run.last_committed_line`), its refused rows and an audit entry. Inside a batch each row
 *   runs under a savepoint, so a row the database rejects is refused whole, never half-written.
 * - Resumable: a run is keyed by the sha256 of the file's content. Re-running after a crash skips every
 *   line up to the last committed one; a completed file is not applied again.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { sql, type Generated, type Kysely } from 'kysely';
import { appendAudit } from '../db/audit.js';
import { organisationForMunicipality } from '../demo/organisations.js';
import { isoDateInZone, isoDateProblem } from '../domain/dates/index.js';
import { municipalityByCode } from '../domain/geo/municipalities.js';
import { isValidBsn, normalisePostcode } from '../domain/identifiers/index.js';
import type { RegistrySchema } from './schema.js';

// ---------------------------------------------------------------------------------------------------
// Tables (migrations/registry/005_population_citizen.sql)

/** Kysely types of the population tables; RegistrySchema extends this interface. */
export interface PopulationTables {
  import_run: {
    id: Generated<string>;
    sha256: string;
    file_name: string | null;
    format: PopulationFormat;
    status: Generated<'running' | 'completed'>;
    last_committed_line: Generated<number>;
    applied: Generated<number>;
    refused: Generated<number>;
    batches: Generated<number>;
    started_by: string;
    started_at: Generated<Date>;
    updated_at: Generated<Date>;
    completed_at: Date | null;
  };
  import_refused_row: {
    id: Generated<number>;
    run_id: string;
    line: number;
    field: string;
    rule: string;
    message: string;
  };
  person_custodian: {
    person_id: string;
    custodian_bsn: string;
  };
}

type PopulationDb = Kysely<RegistrySchema & PopulationTables>;

/** The registry's Kysely instance seen with the population tables (a no-op once RegistrySchema has them). */
export function withPopulationTables(db: Kysely<RegistrySchema>): PopulationDb {
  return db as unknown as PopulationDb;
}

// ---------------------------------------------------------------------------------------------------
// Records and their validation (pure)

export type PopulationFormat = 'ndjson' | 'csv';
export const RECORD_KINDS = ['person', 'move', 'death', 'emigration'] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

/** Every field a record may carry, as named in NDJSON keys and CSV headers. */
export const POPULATION_FIELDS = [
  'kind',
  'bsn',
  'source',
  'givenName',
  'prefix',
  'familyName',
  'gender',
  'birthDate',
  'street',
  'houseNumber',
  'houseLetter',
  'houseNumberAddition',
  'postcode',
  'city',
  'municipalityCode',
  'custodians',
  'date',
] as const;
export type PopulationField = (typeof POPULATION_FIELDS)[number];
type ScalarField = Exclude<PopulationField, 'custodians'>;

const FIELD_SET: ReadonlySet<string> = new Set(POPULATION_FIELDS);
const ADDRESS_FIELDS = [
  'street',
  'houseNumber',
  'houseLetter',
  'houseNumberAddition',
  'postcode',
  'city',
  'municipalityCode',
] as const;

/** Which fields each kind of record may carry (a non-empty other field refuses the row). */
export const FIELDS_BY_KIND: Readonly<Record<RecordKind, ReadonlySet<PopulationField>>> = {
  person: new Set<PopulationField>([
    'kind',
    'bsn',
    'source',
    'givenName',
    'prefix',
    'familyName',
    'gender',
    'birthDate',
    ...ADDRESS_FIELDS,
    'custodians',
  ]),
  move: new Set<PopulationField>(['kind', 'bsn', 'date', ...ADDRESS_FIELDS]),
  death: new Set<PopulationField>(['kind', 'bsn', 'date']),
  emigration: new Set<PopulationField>(['kind', 'bsn', 'date']),
};

export const MAX_CUSTODIANS = 10;
const MAX_LINE_CHARS = 65_536;
const EARLIEST_DATE = '1900-01-01';
const TEXT_LIMITS = {
  givenName: 200,
  prefix: 10,
  familyName: 200,
  street: 80,
  houseNumberAddition: 4,
  city: 80,
} as const;

/** One reason a row was refused: the report's line. */
export interface RowError {
  field: string;
  rule: string;
  message: string;
}

/** A row as read from either format, before validation: trimmed strings, empty = absent. */
export interface RawRow {
  fields: Partial<Record<ScalarField, string>>;
  custodians?: string[];
}

export interface Address {
  street: string | null;
  houseNumber: number | null;
  houseLetter: string | null;
  houseNumberAddition: string | null;
  /** "1234AB". */
  postcode: string | null;
  city: string | null;
  municipalityCode: string;
}

export type PopulationRecord =
  | {
      kind: 'person';
      bsn: string;
      source: 'brp' | 'coa';
      givenName: string;
      prefix: string | null;
      familyName: string;
      gender: '0' | '1' | '2' | '3';
      birthDate: string;
      address: Address;
      custodians: string[];
    }
  | { kind: 'move'; bsn: string; date: string; address: Address }
  | { kind: 'death' | 'emigration'; bsn: string; date: string };

export type RowValidation = { ok: true; record: PopulationRecord } | { ok: false; errors: RowError[] };

// eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Validates one row (pure): required fields, BSN 11-check, postcode, known municipality, real dates
 * not after `today`, lengths, fields that do not belong to the kind. All errors of the row are returned.
 */
export function validatePopulationRow(raw: RawRow, today: string): RowValidation {
  const errors: RowError[] = [];
  const fail = (field: string, rule: string, message: string): null => {
    errors.push({ field, rule, message });
    return null;
  };
  const f = raw.fields;

  const kindValue = f.kind;
  if (kindValue === undefined) {
    fail('kind', 'required', 'Soort record ontbreekt (person, move, death of emigration).');
    return { ok: false, errors };
  }
  if (!(RECORD_KINDS as readonly string[]).includes(kindValue)) {
    fail('kind', 'kind-unknown', 'Onbekende soort record; toegestaan: person, move, death, emigration.');
    return { ok: false, errors };
  }
  const kind = kindValue as RecordKind;
  const allowed = FIELDS_BY_KIND[kind];
  for (const name of Object.keys(f) as ScalarField[]) {
    if (f[name] !== undefined && !allowed.has(name)) {
      fail(name, 'field-not-allowed', `Dit veld hoort niet bij een record van soort ${kind}.`);
    }
  }
  if (raw.custodians !== undefined && raw.custodians.length > 0 && !allowed.has('custodians')) {
    fail('custodians', 'field-not-allowed', `Dit veld hoort niet bij een record van soort ${kind}.`);
  }
  for (const name of Object.keys(f) as ScalarField[]) {
    const value = f[name];
    if (value === undefined) continue;
    if (CONTROL.test(value)) fail(name, 'text-control-characters', 'Bevat stuurtekens.');
    else if (value.includes('\ufffd')) fail(name, 'text-encoding', 'Geen geldige UTF-8-tekst.');
  }

  const bsn = checkBsn(f.bsn, 'bsn', fail);
  const text = (name: keyof typeof TEXT_LIMITS, required: boolean): string | null => {
    const value = f[name];
    if (value === undefined) return required ? fail(name, 'required', 'Verplicht veld ontbreekt.') : null;
    if (value.length > TEXT_LIMITS[name]) {
      return fail(name, 'too-long', `Te lang: ten hoogste ${TEXT_LIMITS[name]} tekens.`);
    }
    return value;
  };
  const date = (name: 'birthDate' | 'date'): string | null => {
    const value = f[name];
    if (value === undefined) return fail(name, 'required', 'Verplicht veld ontbreekt.');
    if (isoDateProblem(value) !== null) {
      return fail(name, 'date-invalid', 'Geen bestaande datum in de vorm JJJJ-MM-DD.');
    }
    if (value > today) return fail(name, 'date-future', 'De datum ligt in de toekomst.');
    if (value < EARLIEST_DATE) return fail(name, 'date-too-early', 'De datum ligt vóór 1900.');
    return value;
  };
  const address = (): Address | null => {
    const street = text('street', false);
    let houseNumber: number | null = null;
    if (f.houseNumber !== undefined) {
      if (!/^[0-9]{1,5}$/.test(f.houseNumber) || Number(f.houseNumber) < 1) {
        fail('houseNumber', 'house-number', 'Huisnummer: een geheel getal van 1 tot en met 99999.');
      } else {
        houseNumber = Number(f.houseNumber);
      }
    }
    let houseLetter: string | null = null;
    if (f.houseLetter !== undefined) {
      if (!/^[A-Za-z]$/.test(f.houseLetter)) fail('houseLetter', 'house-letter', 'Huisletter: één letter.');
      else houseLetter = f.houseLetter;
    }
    const houseNumberAddition = text('houseNumberAddition', false);
    if ((f.houseLetter !== undefined || f.houseNumberAddition !== undefined) && f.houseNumber === undefined) {
      fail('houseNumber', 'required', 'Een huisletter of toevoeging vraagt om een huisnummer.');
    }
    let postcode: string | null = null;
    if (f.postcode !== undefined) {
      postcode = normalisePostcode(f.postcode);
      if (postcode === null) fail('postcode', 'postcode', 'Geen geldige postcode (1234 AB).');
    }
    const city = text('city', false);
    let municipalityCode: string | null = null;
    if (f.municipalityCode === undefined) {
      fail('municipalityCode', 'required', 'Verplicht veld ontbreekt.');
    } else if (!/^GM[0-9]{4}$/.test(f.municipalityCode)) {
      fail('municipalityCode', 'municipality-format', 'Gemeentecode: GM gevolgd door vier cijfers.');
    } else if (municipalityByCode(f.municipalityCode) === undefined) {
      fail('municipalityCode', 'municipality-unknown', 'Onbekende gemeentecode (CBS-indeling 2025).');
    } else {
      municipalityCode = f.municipalityCode;
    }
    if (municipalityCode === null) return null;
    return { street, houseNumber, houseLetter, houseNumberAddition, postcode, city, municipalityCode };
  };

  if (kind === 'person') {
    let source: 'brp' | 'coa' | null = null;
    if (f.source === undefined) fail('source', 'required', 'Verplicht veld ontbreekt (brp of coa).');
    else if (f.source !== 'brp' && f.source !== 'coa') fail('source', 'source-unknown', 'Bron: brp of coa.');
    else source = f.source;
    const givenName = text('givenName', true);
    const prefix = text('prefix', false);
    const familyName = text('familyName', true);
    let gender: '0' | '1' | '2' | '3' | null = null;
    if (f.gender === undefined) fail('gender', 'required', 'Verplicht veld ontbreekt.');
    else if (!['0', '1', '2', '3'].includes(f.gender)) {
      fail('gender', 'gender-code', 'Geslacht: 0, 1, 2 of 3 (W0023).');
    } else gender = f.gender as '0' | '1' | '2' | '3';
    const birthDate = date('birthDate');
    const addr = address();
    const custodians: string[] = [];
    const list = raw.custodians ?? [];
    if (list.length > MAX_CUSTODIANS) {
      fail('custodians', 'too-many', `Ten hoogste ${MAX_CUSTODIANS} gezagdragers.`);
    } else {
      list.forEach((value, i) => {
        const field = `custodians[${i}].bsn`;
        const valid = checkBsn(value, field, fail);
        if (valid === null) return;
        if (valid === bsn) fail(field, 'custodian-self', 'Een persoon kan niet zijn eigen gezagdrager zijn.');
        else if (!custodians.includes(valid)) custodians.push(valid);
      });
    }
    if (
      errors.length > 0 ||
      bsn === null ||
      source === null ||
      givenName === null ||
      familyName === null ||
      gender === null ||
      birthDate === null ||
      addr === null
    ) {
      return { ok: false, errors };
    }
    return {
      ok: true,
      record: {
        kind,
        bsn,
        source,
        givenName,
        prefix,
        familyName,
        gender,
        birthDate,
        address: addr,
        custodians,
      },
    };
  }
  const when = date('date');
  if (kind === 'move') {
    const addr = address();
    if (errors.length > 0 || bsn === null || when === null || addr === null) return { ok: false, errors };
    return { ok: true, record: { kind, bsn, date: when, address: addr } };
  }
  if (errors.length > 0 || bsn === null || when === null) return { ok: false, errors };
  return { ok: true, record: { kind, bsn, date: when } };
}

function checkBsn(
  value: string | undefined,
  field: string,
  fail: (field: string, rule: string, message: string) => null,
): string | null {
  if (value === undefined) return fail(field, 'required', 'Verplicht veld ontbreekt.');
  if (!/^[0-9]{9}$/.test(value)) return fail(field, 'bsn-format', 'BSN: negen cijfers.');
  if (!isValidBsn(value)) return fail(field, 'bsn-11-check', 'BSN voldoet niet aan de 11-proef.');
  return value;
}

// ---------------------------------------------------------------------------------------------------
// Parsing the two formats (pure)

export type ParsedRow = { ok: true; raw: RawRow } | { ok: false; errors: RowError[] };

const clip = (name: string): string => (name.length > 60 ? `${name.slice(0, 57)}...` : name);

/** One NDJSON line → a raw row. Strings as given; `houseNumber` may be a number; null = absent. */
export function parseNdjsonLine(line: string): ParsedRow {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return {
      ok: false,
      errors: [{ field: 'line', rule: 'json-invalid', message: 'Geen geldige JSON op deze regel.' }],
    };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return {
      ok: false,
      errors: [{ field: 'line', rule: 'json-not-object', message: 'De regel is geen JSON-object.' }],
    };
  }
  const errors: RowError[] = [];
  const raw: RawRow = { fields: {} };
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (!FIELD_SET.has(key)) {
      errors.push({ field: clip(key), rule: 'unknown-field', message: 'Onbekend veld.' });
      continue;
    }
    if (v === null) continue;
    if (key === 'custodians') {
      const list = parseCustodianObjects(v, errors);
      if (list) raw.custodians = list;
      continue;
    }
    const name = key as ScalarField;
    if (typeof v === 'string') {
      const trimmed = v.trim();
      if (trimmed !== '') raw.fields[name] = trimmed;
    } else if (name === 'houseNumber' && typeof v === 'number' && Number.isSafeInteger(v)) {
      raw.fields[name] = String(v);
    } else {
      errors.push({
        field: name,
        rule: 'type-string',
        message:
          name === 'houseNumber' ? 'Huisnummer: een geheel getal of tekst.' : 'Het veld moet tekst zijn.',
      });
    }
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, raw };
}

function parseCustodianObjects(value: unknown, errors: RowError[]): string[] | null {
  if (!Array.isArray(value)) {
    errors.push({ field: 'custodians', rule: 'custodians-format', message: 'Een lijst van {"bsn": "…"}.' });
    return null;
  }
  const list: string[] = [];
  value.forEach((item: unknown, i) => {
    const field = `custodians[${i}]`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      errors.push({
        field,
        rule: 'custodians-format',
        message: 'Een gezagdrager is een object {"bsn": "…"}.',
      });
      return;
    }
    for (const key of Object.keys(item)) {
      if (key !== 'bsn')
        errors.push({ field: `${field}.${clip(key)}`, rule: 'unknown-field', message: 'Onbekend veld.' });
    }
    const bsn = (item as { bsn?: unknown }).bsn;
    if (typeof bsn !== 'string') {
      errors.push({ field: `${field}.bsn`, rule: 'type-string', message: 'Het BSN moet tekst zijn.' });
      return;
    }
    list.push(bsn.trim());
  });
  return list;
}

/**
 * Splits one CSV line (RFC 4180 quoting on one line: `"a,b"`, `"say ""hi"""`). Returns null when the
 * quoting is broken: a quote inside an unquoted field, text after a closing quote, or an unclosed quote
 * (a field cannot span lines).
 */
export function splitCsvLine(line: string): string[] | null {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (line[i] === '"') {
      i++;
      for (;;) {
        if (i >= line.length) return null;
        const ch = line[i]!;
        if (ch === '"') {
          if (line[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += ch;
        i++;
      }
      if (i < line.length && line[i] !== ',') return null;
    } else {
      while (i < line.length && line[i] !== ',') {
        if (line[i] === '"') return null;
        field += line[i];
        i++;
      }
    }
    fields.push(field);
    if (i >= line.length) return fields;
    i++; // the comma
  }
}

/** A file-level problem: the file cannot be read or has no usable header. Nothing was imported. */
export class PopulationFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PopulationFileError';
  }
}

/** Another process is importing the same file right now. */
export class ImportConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportConflictError';
  }
}

/** Reads a CSV header: known, distinct column names including kind and bsn. */
export function parseCsvHeader(line: string): PopulationField[] {
  const names = splitCsvLine(line.replace(/^\ufeff/, ''));
  if (names === null) throw new PopulationFileError('CSV: the header row has broken quoting');
  const columns = names.map((n) => n.trim());
  const seen = new Set<string>();
  for (const name of columns) {
    if (!FIELD_SET.has(name)) throw new PopulationFileError(`CSV: unknown column "${clip(name)}"`);
    if (seen.has(name)) throw new PopulationFileError(`CSV: column "${name}" appears twice`);
    seen.add(name);
  }
  for (const required of ['kind', 'bsn'] as const) {
    if (!seen.has(required)) throw new PopulationFileError(`CSV: the header has no "${required}" column`);
  }
  return columns as PopulationField[];
}

/** One CSV data line → a raw row; custodians as BSNs separated by `;` (or spaces) in one cell. */
export function parseCsvRow(line: string, columns: readonly PopulationField[]): ParsedRow {
  const cells = splitCsvLine(line);
  if (cells === null) {
    return {
      ok: false,
      errors: [
        {
          field: 'line',
          rule: 'csv-quote',
          message: 'Aanhalingstekens kloppen niet (een veld mag geen regeleinde bevatten).',
        },
      ],
    };
  }
  if (cells.length !== columns.length) {
    return {
      ok: false,
      errors: [
        {
          field: 'line',
          rule: 'csv-columns',
          message: `${cells.length} kolommen, de kopregel heeft er ${columns.length}.`,
        },
      ],
    };
  }
  const raw: RawRow = { fields: {} };
  columns.forEach((name, i) => {
    const value = (cells[i] ?? '').trim();
    if (value === '') return;
    if (name === 'custodians') raw.custodians = value.split(/[;\s]+/).filter((v) => v !== '');
    else raw.fields[name] = value;
  });
  return { ok: true, raw };
}

// ---------------------------------------------------------------------------------------------------
// Reading the input

export type PopulationSource =
  | string
  | { path: string }
  | { content: string | Uint8Array; name?: string }
  | AsyncIterable<Uint8Array | string>;

interface OpenedSource {
  name: string | null;
  size: number;
  sha256: string;
  /** A fresh pass over the bytes. */
  chunks(): AsyncIterable<Uint8Array>;
}

async function openSource(source: PopulationSource): Promise<OpenedSource> {
  if (typeof source === 'string' || 'path' in source) {
    const path = typeof source === 'string' ? source : source.path;
    let size: number;
    try {
      const info = await stat(path);
      if (!info.isFile()) throw new PopulationFileError(`not a file: ${path}`);
      size = info.size;
      // Opening proves it is readable before any work is done.
      await (await open(path, 'r')).close();
    } catch (error) {
      if (error instanceof PopulationFileError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      throw new PopulationFileError(
        code === 'ENOENT' ? `file not found: ${path}` : `cannot read ${path}: ${(error as Error).message}`,
      );
    }
    const hash = createHash('sha256');
    try {
      for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
    } catch (error) {
      throw new PopulationFileError(`cannot read ${path}: ${(error as Error).message}`);
    }
    return {
      name: basename(path),
      size,
      sha256: hash.digest('hex'),
      chunks: () => createReadStream(path) as AsyncIterable<Buffer>,
    };
  }
  let bytes: Buffer;
  let name: string | null = null;
  if ('content' in source) {
    bytes =
      typeof source.content === 'string' ? Buffer.from(source.content, 'utf8') : Buffer.from(source.content);
    name = source.name ?? null;
  } else {
    // A stream cannot be read twice: it is held in memory (pass a path for large extracts).
    const parts: Buffer[] = [];
    for await (const chunk of source)
      parts.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
    bytes = Buffer.concat(parts);
  }
  return {
    name,
    size: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    chunks: async function* () {
      for (let at = 0; at < bytes.length; at += 65_536) yield bytes.subarray(at, at + 65_536);
    },
  };
}

interface Line {
  number: number;
  text: string;
  tooLong: boolean;
}

/** Splits a byte stream into lines (\n or \r\n); a line longer than the limit comes back empty, tooLong. */
async function* readLines(
  chunks: AsyncIterable<Uint8Array>,
  onChunk: (chunk: Uint8Array) => void,
): AsyncGenerator<Line> {
  const decoder = new StringDecoder('utf8');
  let buffer = '';
  let overflow = false;
  let number = 0;
  const emit = (text: string): Line => {
    number++;
    const line = { number, text: overflow ? '' : text.replace(/\r$/, ''), tooLong: overflow };
    overflow = false;
    return line;
  };
  for await (const chunk of chunks) {
    onChunk(chunk);
    buffer += decoder.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    let start = 0;
    for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n', start)) {
      yield emit(buffer.slice(start, nl));
      start = nl + 1;
    }
    buffer = buffer.slice(start);
    if (buffer.length > MAX_LINE_CHARS) {
      overflow = true;
      buffer = '';
    }
  }
  buffer += decoder.end();
  if (buffer.length > MAX_LINE_CHARS) overflow = true;
  if (buffer.length > 0 || overflow) yield emit(buffer);
}

export function formatFromName(name: string | null): PopulationFormat | null {
  if (name === null) return null;
  if (/\.(ndjson|jsonl)$/i.test(name)) return 'ndjson';
  if (/\.csv$/i.test(name)) return 'csv';
  return null;
}

async function sniffFormat(source: OpenedSource): Promise<PopulationFormat> {
  for await (const line of readLines(source.chunks(), () => undefined)) {
    const text = line.text.replace(/^\ufeff/, '').trim();
    if (text === '') continue;
    return text.startsWith('{') ? 'ndjson' : 'csv';
  }
  return 'ndjson';
}

// ---------------------------------------------------------------------------------------------------
// The import

export interface BatchInfo {
  runId: string;
  batch: number;
  throughLine: number;
  applied: number;
  refused: number;
}

export interface ImportProgress {
  bytes: number;
  totalBytes: number;
  line: number;
  applied: number;
  refused: number;
  skipped: number;
}

export interface ImportOptions {
  /** Default: from the file name (.ndjson/.jsonl/.csv), otherwise sniffed from the first line. */
  format?: PopulationFormat;
  /** Rows per transaction (default 500). */
  batchSize?: number;
  /** Dates after this day are refused (default today in the Netherlands). */
  today?: string;
  /** Who imports, for the run and the audit trail (default "cli:population-import"). */
  actorId?: string;
  /** Where to write the validation report (CSV: line,field,rule,message); omitted = not written. */
  reportPath?: string;
  onProgress?: (progress: ImportProgress) => void;
  /** Test hooks: a throw in beforeBatchCommit rolls the batch back; in afterBatchCommitted it "crashes" after the commit. */
  hooks?: {
    beforeBatchCommit?: (info: BatchInfo) => void | Promise<void>;
    afterBatchCommitted?: (info: BatchInfo) => void | Promise<void>;
  };
}

export interface ImportResult {
  runId: string;
  status: 'completed' | 'already-completed';
  format: PopulationFormat;
  /** Rows applied and refused by this invocation. */
  applied: number;
  refused: number;
  /** Rows not looked at again: already committed by an earlier, interrupted invocation (or a completed run). */
  skipped: number;
  /** Resuming: the line after the last committed one (where reading went on); null for a fresh run or a completed file. */
  resumedFromLine: number | null;
  appliedByKind: Record<RecordKind, number>;
  /** Moves (this invocation) that changed the responsible organisation. */
  organisationChanges: number;
  /** Over the whole run, all invocations. */
  totals: { applied: number; refused: number; byRule: Record<string, number> };
  reportPath: string | null;
}

/**
 * The responsible youth-health organisation for a municipality. Demo: the GGD regions in
 * src/demo/organisations.ts; production reads the GGD-region table (docs/population.md).
 */
export function responsibleOrganisationUra(municipalityCode: string | null): string | null {
  return municipalityCode === null ? null : (organisationForMunicipality(municipalityCode)?.ura ?? null);
}

class RowRefusal extends Error {
  constructor(readonly error: RowError) {
    super(error.message);
  }
}

type Pending = { line: number } & (
  { ok: true; record: PopulationRecord } | { ok: false; errors: RowError[] }
);

const SAVEPOINT = sql.raw('population_row');

/** Imports one BRP/COA extract. Throws PopulationFileError for an unreadable file or a bad CSV header. */
export async function importPopulation(
  database: Kysely<RegistrySchema>,
  input: PopulationSource,
  options: ImportOptions = {},
): Promise<ImportResult> {
  const db = withPopulationTables(database);
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? 500));
  const today = options.today ?? isoDateInZone(new Date());
  const actorId = options.actorId ?? 'cli:population-import';
  const source = await openSource(input);

  const existing = await db
    .selectFrom('import_run')
    .selectAll()
    .where('sha256', '=', source.sha256)
    .executeTakeFirst();
  const result: ImportResult = {
    runId: existing?.id ?? '',
    status: 'completed',
    format: existing?.format ?? options.format ?? formatFromName(source.name) ?? (await sniffFormat(source)),
    applied: 0,
    refused: 0,
    skipped: 0,
    resumedFromLine: null,
    appliedByKind: { person: 0, move: 0, death: 0, emigration: 0 },
    organisationChanges: 0,
    totals: { applied: 0, refused: 0, byRule: {} },
    reportPath: null,
  };
  if (existing?.status === 'completed') {
    result.status = 'already-completed';
    result.skipped = existing.applied + existing.refused;
    return finish(db, result, options.reportPath);
  }

  const resumeAfter = existing?.last_committed_line ?? 0;
  if (resumeAfter > 0) result.resumedFromLine = resumeAfter + 1;
  let runId = existing?.id ?? null;
  let committedThrough = resumeAfter;
  let batchNumber = existing?.batches ?? 0;
  let columns: PopulationField[] | null = null;
  let pending: Pending[] = [];
  let lastLine = 0;
  let bytes = 0;
  const verify = createHash('sha256');

  const ensureRun = async (): Promise<string> => {
    if (runId !== null) return runId;
    await db
      .insertInto('import_run')
      .values({
        sha256: source.sha256,
        file_name: source.name,
        format: result.format,
        started_by: actorId,
        completed_at: null,
      })
      .onConflict((oc) => oc.column('sha256').doNothing())
      .execute();
    const row = await db
      .selectFrom('import_run')
      .select('id')
      .where('sha256', '=', source.sha256)
      .executeTakeFirstOrThrow();
    runId = row.id;
    result.runId = row.id;
    return row.id;
  };

  const progress = () =>
    options.onProgress?.({
      bytes,
      totalBytes: source.size,
      line: lastLine,
      applied: result.applied,
      refused: result.refused,
      skipped: result.skipped,
    });

  const commit = async (final: boolean): Promise<void> => {
    const id = await ensureRun();
    const info: BatchInfo = {
      runId: id,
      batch: batchNumber + 1,
      throughLine: lastLine,
      applied: 0,
      refused: 0,
    };
    const counts = {
      applied: 0,
      refused: 0,
      organisationChanges: 0,
      byKind: { person: 0, move: 0, death: 0, emigration: 0 },
    };
    await db.transaction().execute(async (trx) => {
      const run = await trx
        .selectFrom('import_run')
        .select(['last_committed_line', 'status'])
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirstOrThrow();
      if (run.status !== 'running' || run.last_committed_line !== committedThrough) {
        throw new ImportConflictError(
          `import run ${id} moved on elsewhere (line ${run.last_committed_line}, expected ${committedThrough}): is another import of this file running?`,
        );
      }
      const refusals: { run_id: string; line: number; field: string; rule: string; message: string }[] = [];
      const codes = new Set<string>();
      for (const row of pending) {
        if (row.ok && 'address' in row.record) codes.add(row.record.address.municipalityCode);
      }
      if (codes.size > 0) {
        await trx
          .insertInto('municipality')
          .values(
            [...codes].map((code) => {
              const m = municipalityByCode(code)!;
              return { code: m.code, name: m.name, province: m.province };
            }),
          )
          .onConflict((oc) => oc.column('code').doNothing())
          .execute();
      }
      for (const row of pending) {
        if (!row.ok) {
          counts.refused++;
          for (const e of row.errors) refusals.push({ run_id: id, line: row.line, ...e });
          continue;
        }
        await sql`savepoint ${SAVEPOINT}`.execute(trx);
        try {
          const changed = await applyRecord(trx, row.record);
          await sql`release savepoint ${SAVEPOINT}`.execute(trx);
          counts.applied++;
          counts.byKind[row.record.kind]++;
          if (changed) counts.organisationChanges++;
        } catch (error) {
          // A dead connection fails here too, and the whole batch with it: that is a crash, not a refusal.
          await sql`rollback to savepoint ${SAVEPOINT}`.execute(trx);
          counts.refused++;
          const e =
            error instanceof RowRefusal
              ? error.error
              : { field: 'line', rule: 'database-rejected', message: 'Het register weigerde dit record.' };
          refusals.push({ run_id: id, line: row.line, ...e });
        }
      }
      for (let at = 0; at < refusals.length; at += 1000) {
        await trx
          .insertInto('import_refused_row')
          .values(refusals.slice(at, at + 1000))
          .execute();
      }
      await trx
        .updateTable('import_run')
        .set((eb) => ({
          last_committed_line: lastLine,
          applied: eb('applied', '+', counts.applied),
          refused: eb('refused', '+', counts.refused),
          batches: eb('batches', '+', 1),
          updated_at: new Date(),
          ...(final ? { status: 'completed' as const, completed_at: new Date() } : {}),
        }))
        .where('id', '=', id)
        .execute();
      await appendAudit(trx, {
        actorId,
        organisationUra: null,
        action: final ? 'population.import.completed' : 'population.import.batch',
        subjectType: 'import-run',
        subjectId: id,
      });
      info.applied = counts.applied;
      info.refused = counts.refused;
      await options.hooks?.beforeBatchCommit?.(info);
    });
    committedThrough = lastLine;
    batchNumber++;
    result.applied += counts.applied;
    result.refused += counts.refused;
    result.organisationChanges += counts.organisationChanges;
    for (const kind of RECORD_KINDS) result.appliedByKind[kind] += counts.byKind[kind];
    pending = [];
    progress();
    await options.hooks?.afterBatchCommitted?.(info);
  };

  for await (const line of readLines(source.chunks(), (chunk) => {
    bytes += chunk.byteLength;
    verify.update(chunk);
  })) {
    lastLine = line.number;
    const text = line.number === 1 ? line.text.replace(/^\ufeff/, '') : line.text;
    if (result.format === 'csv' && columns === null) {
      if (line.tooLong) throw new PopulationFileError('CSV: the header row is too long');
      if (text.trim() === '') continue;
      columns = parseCsvHeader(text);
      await ensureRun();
      continue;
    }
    if (!line.tooLong && text.trim() === '') continue;
    if (line.number <= resumeAfter) {
      result.skipped++;
      continue;
    }
    if (runId === null) await ensureRun();
    if (line.tooLong) {
      pending.push({
        line: line.number,
        ok: false,
        errors: [
          { field: 'line', rule: 'line-too-long', message: `Regel langer dan ${MAX_LINE_CHARS} tekens.` },
        ],
      });
    } else {
      const parsed = result.format === 'csv' ? parseCsvRow(text, columns!) : parseNdjsonLine(text);
      const validated = parsed.ok ? validatePopulationRow(parsed.raw, today) : parsed;
      pending.push(
        validated.ok
          ? { line: line.number, ok: true, record: validated.record }
          : { line: line.number, ok: false, errors: validated.errors },
      );
    }
    if (pending.length >= batchSize) await commit(false);
  }
  if (result.format === 'csv' && columns === null)
    throw new PopulationFileError('CSV: the file has no header row');
  if (verify.digest('hex') !== source.sha256) {
    throw new PopulationFileError('the file changed while it was being imported; run the import again');
  }
  await commit(true);
  return finish(db, result, options.reportPath);
}

/** Applies one valid record; throws RowRefusal for a rule that needs the database. Returns true when a move changed the responsible organisation. */
async function applyRecord(trx: PopulationDb, record: PopulationRecord): Promise<boolean> {
  if (record.kind === 'person') {
    const existing = await trx
      .selectFrom('person')
      .select(['id', 'source'])
      .where('bsn', '=', record.bsn)
      .forUpdate()
      .executeTakeFirst();
    if (existing?.source === 'brp' && record.source === 'coa') {
      throw new RowRefusal({
        field: 'source',
        rule: 'brp-takes-precedence',
        message: 'Deze persoon staat in de BRP; een COA-record overschrijft de BRP-gegevens niet.',
      });
    }
    const values = {
      source: record.source,
      given_name: record.givenName,
      name_prefix: record.prefix,
      family_name: record.familyName,
      gender: record.gender,
      birth_date: record.birthDate,
      ...addressColumns(record.address),
    };
    const row = await trx
      .insertInto('person')
      .values({ bsn: record.bsn, ...values })
      .onConflict((oc) => oc.column('bsn').doUpdateSet({ ...values, updated_at: new Date() }))
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx.deleteFrom('person_custodian').where('person_id', '=', row.id).execute();
    if (record.custodians.length > 0) {
      await trx
        .insertInto('person_custodian')
        .values(record.custodians.map((bsn) => ({ person_id: row.id, custodian_bsn: bsn })))
        .execute();
    }
    return false;
  }

  const person = await trx
    .selectFrom('person')
    .select(['id', 'birth_date', 'deceased_on', 'emigrated_on', 'municipality_code'])
    .where('bsn', '=', record.bsn)
    .forUpdate()
    .executeTakeFirst();
  if (!person) {
    throw new RowRefusal({
      field: 'bsn',
      rule: 'unknown-bsn',
      message: 'Deze persoon is niet bekend in het register.',
    });
  }
  if (record.date < person.birth_date) {
    throw new RowRefusal({
      field: 'date',
      rule: 'date-before-birth',
      message: 'De datum ligt vóór de geboortedatum.',
    });
  }
  if (record.kind !== 'death' && person.deceased_on !== null) {
    throw new RowRefusal({ field: 'bsn', rule: 'deceased', message: 'Deze persoon is overleden.' });
  }
  if (record.kind === 'move') {
    // Moving to a Dutch address after an emigration is a return: the emigration date is cleared.
    const returned = person.emigrated_on !== null && person.emigrated_on <= record.date;
    await trx
      .updateTable('person')
      .set({
        ...addressColumns(record.address),
        ...(returned ? { emigrated_on: null } : {}),
        updated_at: new Date(),
      })
      .where('id', '=', person.id)
      .execute();
    return (
      responsibleOrganisationUra(person.municipality_code) !==
      responsibleOrganisationUra(record.address.municipalityCode)
    );
  }
  await trx
    .updateTable('person')
    .set({
      ...(record.kind === 'death' ? { deceased_on: record.date } : { emigrated_on: record.date }),
      updated_at: new Date(),
    })
    .where('id', '=', person.id)
    .execute();
  return false;
}

function addressColumns(address: Address) {
  return {
    street: address.street,
    house_number: address.houseNumber,
    house_letter: address.houseLetter,
    house_number_addition: address.houseNumberAddition,
    postcode: address.postcode,
    city: address.city,
    municipality_code: address.municipalityCode,
  };
}

/** Fills the run's totals and writes the report (every refused row of the run, all invocations). */
async function finish(
  db: PopulationDb,
  result: ImportResult,
  reportPath: string | undefined,
): Promise<ImportResult> {
  const run = await db
    .selectFrom('import_run')
    .select(['id', 'applied', 'refused'])
    .where('id', '=', result.runId)
    .executeTakeFirstOrThrow();
  const rules = await db
    .selectFrom('import_refused_row')
    .select(['rule', (eb) => eb.fn.countAll<number>().as('n')])
    .where('run_id', '=', run.id)
    .groupBy('rule')
    .orderBy('rule')
    .execute();
  result.totals = {
    applied: run.applied,
    refused: run.refused,
    byRule: Object.fromEntries(rules.map((r) => [r.rule, Number(r.n)])),
  };
  if (reportPath !== undefined) {
    await writeReportFrom(db, run.id, reportPath);
    result.reportPath = reportPath;
  }
  return result;
}

const csvCell = (value: string | number): string => {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** The validation report: CSV `line,field,rule,message`, in line order, streamed from the database. */
export async function writeReport(
  database: Kysely<RegistrySchema>,
  runId: string,
  path: string,
): Promise<void> {
  await writeReportFrom(withPopulationTables(database), runId, path);
}

async function writeReportFrom(db: PopulationDb, runId: string, path: string): Promise<void> {
  const file = await open(path, 'w');
  try {
    await file.write('line,field,rule,message\n');
    let after: { line: number; id: number } | null = null;
    for (;;) {
      let query = db
        .selectFrom('import_refused_row')
        .select(['id', 'line', 'field', 'rule', 'message'])
        .where('run_id', '=', runId)
        .orderBy('line')
        .orderBy('id')
        .limit(2000);
      if (after !== null) {
        const { line, id } = after;
        query = query.where((eb) =>
          eb.or([eb('line', '>', line), eb.and([eb('line', '=', line), eb('id', '>', id)])]),
        );
      }
      const rows = await query.execute();
      if (rows.length === 0) break;
      await file.write(
        rows.map((r) => [r.line, r.field, r.rule, r.message].map(csvCell).join(',')).join('\n') + '\n',
      );
      const last = rows.at(-1)!;
      after = { line: last.line, id: Number(last.id) };
    }
  } finally {
    await file.close();
  }
}
