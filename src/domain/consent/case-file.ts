/**
 * Validation of consent case files, schema `open-rvp/consent-cases/v1` (the format of
 * shared/fixtures/consent-use-cases.json). Every problem is reported with its JSON path.
 */
import { z } from 'zod';
import { isoDateSchema } from '../dates/index.js';
import { CONSENT_SOURCES, YOUTH } from './types.js';

export const CONSENT_CASES_SCHEMA = 'open-rvp/consent-cases/v1';

/** Custody is held by at most two persons (Dutch law: joint custody of two, or one). */
export const MAX_CUSTODIANS = 2;

const must =
  (what: string) =>
  (issue: { input?: unknown }): string =>
    issue.input === undefined ? 'is required' : `must be ${what}`;

const personId = z.string({ error: must('a string (a person id)') }).min(1, { error: 'must not be empty' });

const recordSchema = z.object(
  {
    id: z.string({ error: must('a string') }).optional(),
    agreed: z.boolean({ error: must('true or false') }), // BDS 1533
    by: personId, // BDS 1534
    source: z.enum(CONSENT_SOURCES, { error: must(`one of ${CONSENT_SOURCES.join(', ')}`) }), // BDS 1535
    date: isoDateSchema, // BDS 1536
    endDate: isoDateSchema.nullable().default(null), // BDS 1607
    registeredAt: z.iso
      .datetime({ offset: true, error: must('an ISO timestamp with time zone, e.g. 2021-01-01T09:30:00Z') })
      .optional(),
  },
  { error: must('an object') },
);

const judgementSchema = z.object(
  {
    date: isoDateSchema,
    competent: z.boolean({ error: must('true or false') }),
    by: z.string({ error: must('a string') }).optional(),
    note: z.string({ error: must('a string') }).optional(),
  },
  { error: must('an object') },
);

const caseSchema = z
  .object(
    {
      id: z.string({ error: must('a string') }).min(1, { error: 'must not be empty' }),
      title: z.string({ error: must('a string') }).optional(),
      evaluationDate: isoDateSchema,
      youth: z.object({ birthDate: isoDateSchema }, { error: must('an object with birthDate') }),
      custodians: z.array(personId, { error: must('an array of person ids') }),
      competence: z.array(judgementSchema, { error: must('an array') }).default([]),
      records: z.array(recordSchema, { error: must('an array') }),
      expected: z
        .enum(['toestemming', 'geen-toestemming'], { error: must('"toestemming" or "geen-toestemming"') })
        .nullish()
        .transform((v) => v ?? undefined),
    },
    { error: must('an object') },
  )
  .superRefine((c, ctx) => {
    // Cross-field rules; zod runs these only once the case itself is well-formed.
    if (c.evaluationDate < c.youth.birthDate) {
      ctx.addIssue({
        code: 'custom',
        path: ['evaluationDate'],
        message: `must not be before youth.birthDate (${c.youth.birthDate})`,
      });
    }
    if (c.custodians.length > MAX_CUSTODIANS) {
      ctx.addIssue({
        code: 'custom',
        path: ['custodians'],
        message: `at most ${MAX_CUSTODIANS} persons can have custody, got ${c.custodians.length}`,
      });
    }
    const seen = new Set<string>();
    c.custodians.forEach((custodian, i) => {
      if (custodian === YOUTH) {
        ctx.addIssue({
          code: 'custom',
          path: ['custodians', i],
          message: `"${YOUTH}" is the youth themself and cannot be a custodian`,
        });
      }
      if (seen.has(custodian)) {
        ctx.addIssue({
          code: 'custom',
          path: ['custodians', i],
          message: `duplicate custodian "${custodian}"`,
        });
      }
      seen.add(custodian);
    });
    c.records.forEach((r, i) => {
      if (r.endDate !== null && r.endDate < r.date) {
        ctx.addIssue({
          code: 'custom',
          path: ['records', i, 'endDate'],
          message: `must not be before date (${r.date})`,
        });
      }
    });
  });

const fileSchema = z.object(
  {
    schema: z.literal(CONSENT_CASES_SCHEMA, { error: must(`"${CONSENT_CASES_SCHEMA}"`) }),
    cases: z.array(caseSchema, { error: must('an array of cases') }),
  },
  { error: must('a JSON object') },
);

export type ConsentCase = z.output<typeof caseSchema>;

export interface CaseFileProblem {
  /** JSON path such as `cases[2].records[0].source`; `(root)` for the document itself. */
  readonly path: string;
  readonly message: string;
}

export class ConsentCaseFileError extends Error {
  readonly problems: readonly CaseFileProblem[];

  constructor(problems: readonly CaseFileProblem[]) {
    super(
      `invalid consent case file (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  ${p.path}: ${p.message}`).join('\n'),
    );
    this.name = 'ConsentCaseFileError';
    this.problems = problems;
  }
}

export function formatJsonPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(root)' : out;
}

/**
 * Validates a parsed JSON document as a consent case file and returns its cases, typed and with
 * defaults filled in (competence [], endDate null). Throws {@link ConsentCaseFileError} listing every
 * problem with its JSON path, e.g. `cases[2].records[0].source: must be one of 01, 03, 04, 05`.
 */
export function parseConsentCaseFile(json: unknown): ConsentCase[] {
  const result = fileSchema.safeParse(json);
  const problems: CaseFileProblem[] = result.success
    ? []
    : result.error.issues.map((issue) => ({ path: formatJsonPath(issue.path), message: issue.message }));

  // Duplicate ids are checked on the raw input so they show up together with every other problem.
  const rawCases = (json as { cases?: unknown } | null)?.cases;
  if (Array.isArray(rawCases)) {
    const firstIndex = new Map<string, number>();
    rawCases.forEach((c: unknown, i) => {
      const id = (c as { id?: unknown } | null)?.id;
      if (typeof id !== 'string' || id === '') return;
      const first = firstIndex.get(id);
      if (first === undefined) firstIndex.set(id, i);
      else
        problems.push({ path: `cases[${i}].id`, message: `duplicate id "${id}" (also cases[${first}].id)` });
    });
  }

  if (problems.length > 0 || !result.success) throw new ConsentCaseFileError(problems);
  return result.data.cases;
}
