/** RFC 9457 problem details; every error a service returns has this shape. */
export interface FieldError {
  /** Where the problem is, e.g. `body.records[0].date` or `query.limit`. */
  field: string;
  /** The rule that was broken, machine-readable, e.g. `bsn-11-check`, `too_small`, `required`. */
  rule: string;
  message: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: FieldError[];
  requestId?: string;
}

export const problemType = (slug: string): string => `urn:open-rvp:problem:${slug}`;

/** Thrown by services and handlers; the error handler turns it into problem+json. */
export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly slug: string,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: FieldError[],
  ) {
    super(detail ?? title);
    this.name = 'ProblemError';
  }

  toProblem(): Problem {
    return {
      type: problemType(this.slug),
      title: this.title,
      status: this.status,
      ...(this.detail ? { detail: this.detail } : {}),
      ...(this.errors ? { errors: this.errors } : {}),
    };
  }
}

export const notFound = (what: string): ProblemError =>
  new ProblemError(
    404,
    'not-found',
    'Niet gevonden',
    `${what} bestaat niet of is niet zichtbaar voor uw organisatie.`,
  );

/** A refusal by a business rule: 422 naming the field and the rule. */
export const ruleViolation = (field: string, rule: string, message: string): ProblemError =>
  new ProblemError(422, 'rule-violation', 'Niet toegestaan', message, [{ field, rule, message }]);
