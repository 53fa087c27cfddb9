import { z } from 'zod';
import { isoDateProblem } from '../dates/index.js';
import { isValidBsn, isValidPostcode, isValidUra } from '../identifiers/index.js';
import { isValidActivityId } from './activity-id.js';
import {
  ADDRESS_KINDS,
  DOSSIER_STATUSES,
  GENDERS,
  LIMITS,
  OBJECTION_CODES,
  VACCINE_TYPES,
  isVaccineType,
} from './codes.js';

export const PERSONALISED_SCHEMA = 'open-rvp/message-4/v1';
export const ANONYMOUS_SCHEMA = 'open-rvp/message-4a/v1';

/*
 * Every check below that is not a plain type / code-list / unknown-field check pushes a custom issue
 * with `params.rule`, so validateMessage can report a stable rule name next to the field.
 * Messages are Dutch and stand alone; validateMessage prefixes them with the field's label.
 */

type Ctx = { value: unknown; issues: unknown[] };

function fail(ctx: Ctx, rule: string, message: string): void {
  (ctx.issues as z.core.$ZodRawIssue[]).push({ code: 'custom', input: ctx.value, message, params: { rule } });
}

/** Free text of 1..max characters; blank (only whitespace) counts as missing. */
function text(max: number) {
  return z.string().check((ctx) => {
    if (ctx.value.trim() === '') fail(ctx, 'required', 'is verplicht en mag niet leeg zijn.');
    else if (ctx.value.length > max) {
      fail(ctx, 'max-length', `mag hoogstens ${max} tekens bevatten (nu ${ctx.value.length}).`);
    }
  });
}

function codes<const T extends readonly { code: string }[]>(list: T) {
  return z.enum(list.map((c) => c.code) as unknown as [T[number]['code'], ...T[number]['code'][]]);
}

/** An ISO calendar date (YYYY-MM-DD) that exists: 2021-02-30 is refused. */
const isoDate = z.string().check((ctx) => {
  const problem = isoDateProblem(ctx.value);
  if (problem === null) return;
  const message = /^\d{4}-\d{2}-\d{2}$/.test(ctx.value)
    ? `${ctx.value} is geen bestaande kalenderdatum.`
    : `moet een datum zijn in de vorm JJJJ-MM-DD (nu "${ctx.value}").`;
  fail(ctx, 'invalid-date', message);
});

const ura = z.string().check((ctx) => {
  if (!isValidUra(ctx.value)) fail(ctx, 'ura-format', 'moet een URA-nummer van precies 8 cijfers zijn.');
});

const bsn = z.string().check((ctx) => {
  if (!/^[0-9]{9}$/.test(ctx.value)) fail(ctx, 'bsn-format', 'moet uit precies 9 cijfers bestaan.');
  else if (!isValidBsn(ctx.value)) fail(ctx, 'bsn-11-check', 'voldoet niet aan de elfproef.');
});

const postcode = z.string().check((ctx) => {
  if (!isValidPostcode(ctx.value) || ctx.value.length !== 6) {
    fail(ctx, 'postcode-format', 'moet een Nederlandse postcode zijn in de vorm 1234AB (zonder spatie).');
  }
});

const houseNumber = z.number().check((ctx) => {
  if (
    !Number.isInteger(ctx.value) ||
    ctx.value < LIMITS.houseNumberMin ||
    ctx.value > LIMITS.houseNumberMax
  ) {
    fail(
      ctx,
      'house-number',
      `moet een geheel getal van ${LIMITS.houseNumberMin} tot en met ${LIMITS.houseNumberMax} zijn.`,
    );
  }
});

const houseLetter = z.string().check((ctx) => {
  if (!/^[A-Za-z]$/.test(ctx.value))
    fail(ctx, 'house-letter', 'moet precies één letter zijn (of leeg: null).');
});

const version = z.number().check((ctx) => {
  if (!Number.isSafeInteger(ctx.value) || ctx.value < 1) {
    fail(ctx, 'positive-integer', 'moet een positief geheel getal zijn (1, 2, 3, …).');
  }
});

const activityId = z.string().check((ctx) => {
  if (!isValidActivityId(ctx.value)) {
    fail(
      ctx,
      'activity-id-format',
      `moet 1 tot ${LIMITS.activityId} letters of cijfers (A-Z, a-z, 0-9) zijn.`,
    );
  }
});

const activityType = z.string().check((ctx) => {
  if (ctx.value.trim() === '') fail(ctx, 'required', 'is verplicht en mag niet leeg zijn.');
  else if (ctx.value.length > LIMITS.activityType) {
    fail(ctx, 'max-length', `mag hoogstens ${LIMITS.activityType} tekens bevatten (nu ${ctx.value.length}).`);
  } else if (!/^[A-Za-z0-9._-]+$/.test(ctx.value)) {
    fail(ctx, 'code-format', 'moet een code zijn van letters, cijfers, punt, streepje of laag streepje.');
  }
});

const vaccineType = z.string().check((ctx) => {
  if (!isVaccineType(ctx.value)) {
    fail(
      ctx,
      'vaccine-type',
      `"${ctx.value}" is geen bekende code uit W0422; toegestaan: ${VACCINE_TYPES.map((v) => v.code).join(', ')}.`,
    );
  }
});

function vaccinationList<T extends z.ZodType>(item: T) {
  return z.array(item).check((ctx) => {
    if (ctx.value.length > LIMITS.vaccinations) {
      fail(
        ctx,
        'max-items',
        `mag hoogstens ${LIMITS.vaccinations} vaccinaties bevatten (nu ${ctx.value.length}).`,
      );
    }
  });
}

const dossierStatus = codes(DOSSIER_STATUSES);

const activitySchema = z.strictObject({
  id: activityId, // BDS 1377
  type: activityType, // BDS 494
  date: isoDate, // BDS 724
});

/** The fields a vaccination has in both messages (R-V1 minus the objection flag). */
const vaccinationShape = {
  vaccineType, // BDS 461
  date: isoDate, // BDS 1409
  batchNumber: text(LIMITS.batchNumber), // BDS 472
  performer: text(LIMITS.performer), // BDS 1336
  location: text(LIMITS.location), // BDS 1452
};

export const personalisedMessageSchema = z.strictObject({
  schema: z.literal(PERSONALISED_SCHEMA),
  version,
  organisationUra: ura, // BDS 603
  dossier: z.strictObject({
    number: text(LIMITS.dossierNumber), // BDS 695
    status: dossierStatus, // BDS 696
  }),
  client: z.strictObject({
    bsn, // BDS 7
    givenName: text(LIMITS.givenName), // BDS 6
    prefix: text(LIMITS.prefix).nullable(), // BDS 3
    familyName: text(LIMITS.familyName), // BDS 4
    gender: codes(GENDERS), // BDS 19
    birthDate: isoDate, // BDS 20
    address: z
      .strictObject({
        kind: codes(ADDRESS_KINDS), // BDS 8
        houseNumber, // BDS 12
        houseLetter: houseLetter.nullable(), // BDS 13
        houseNumberAddition: text(LIMITS.houseNumberAddition).nullable(), // BDS 14
        postcode, // BDS 16
      })
      .nullable(),
  }),
  consent: z.strictObject({
    given: z.literal(true),
    date: isoDate,
    organisationUra: ura,
  }),
  activity: activitySchema,
  vaccinations: vaccinationList(
    z.strictObject({
      ...vaccinationShape,
      objection: codes(OBJECTION_CODES).nullable(), // BDS 683
    }),
  ),
});

export const anonymousMessageSchema = z.strictObject({
  schema: z.literal(ANONYMOUS_SCHEMA),
  version,
  organisationUra: ura, // BDS 603
  dossierStatus, // BDS 696
  activity: activitySchema,
  vaccinations: vaccinationList(z.strictObject(vaccinationShape)),
});

export const vaccinationMessageSchema = z.discriminatedUnion('schema', [
  personalisedMessageSchema,
  anonymousMessageSchema,
]);

export type PersonalisedMessage = z.infer<typeof personalisedMessageSchema>;
export type AnonymousMessage = z.infer<typeof anonymousMessageSchema>;
export type VaccinationMessage = z.infer<typeof vaccinationMessageSchema>;
