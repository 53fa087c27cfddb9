/** Server field errors (problem+json `errors`) sorted onto the fields of a form (pure). */
import type { FieldError } from './api.js';

export interface MappedErrors<F extends string> {
  byField: Partial<Record<F, string[]>>;
  /** Errors that belong to no field of the form (shown in the summary only). */
  other: string[];
}

/**
 * Puts each error at the form field `fieldOf` names for its path (`body.vaccinations[0].date`), or
 * under `other` when it belongs to no field; `message` may reword an error (e.g. a schema message).
 */
export function mapFieldErrors<F extends string>(
  errors: readonly FieldError[],
  fieldOf: (path: string) => F | undefined,
  message: (error: FieldError) => string = (error) => error.message,
): MappedErrors<F> {
  const byField: Partial<Record<F, string[]>> = {};
  const other: string[] = [];
  for (const error of errors) {
    const field = fieldOf(error.field);
    const text = message(error);
    if (field) {
      const list = (byField[field] ??= []);
      if (!list.includes(text)) list.push(text);
    } else if (!other.includes(text)) other.push(text);
  }
  return { byField, other };
}
