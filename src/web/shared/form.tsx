/**
 * Form pieces shared by the forms of both apps: the error text at a field, a date field with a
 * "Vandaag" button, and the error summary items built from errors mapped onto a form's fields.
 */
import type { FieldError, Problem } from './api.js';
import {
  Button,
  describedBy,
  FormField,
  FormFieldDescription,
  FormFieldErrorMessage,
  FormLabel,
  Textbox,
  type SummaryError,
} from './components.js';
import type { MappedErrors } from './form-errors.js';
import { todayIso } from './format.js';

export interface FormErrors<F extends string> {
  title: string;
  mapped: MappedErrors<F>;
}

/** The summary's items in the order of the form's fields, then the errors that belong to no field. */
export function summaryOf<F extends string>(
  errors: FormErrors<F>,
  order: readonly F[],
  idOf: (field: F) => string,
  label: (field: F, message: string) => string = (_field, message) => message,
): SummaryError[] {
  const items: SummaryError[] = [];
  for (const field of order) {
    for (const message of errors.mapped.byField[field] ?? []) {
      items.push({ fieldId: idOf(field), message: label(field, message) });
    }
  }
  for (const message of errors.mapped.other) items.push({ fieldId: null, message });
  return items;
}

/** A refusal from the server as form errors: its field errors, or else its detail as a general one. */
export function problemErrors<F extends string>(
  problem: Problem,
  map: (errors: FieldError[]) => MappedErrors<F>,
): FormErrors<F> {
  if (problem.errors && problem.errors.length > 0)
    return { title: problem.title, mapped: map(problem.errors) };
  return { title: problem.title, mapped: { byField: {}, other: [problem.detail ?? problem.title] } };
}

export function ErrorText({ id, messages }: { id: string; messages: string[] | undefined }) {
  if (!messages || messages.length === 0) return null;
  return (
    <FormFieldErrorMessage id={id}>
      {messages.map((message) => (
        <span key={message} className="rvp-error-line">
          {message}
        </span>
      ))}
    </FormFieldErrorMessage>
  );
}

export function DateField({
  id,
  label,
  description,
  value,
  onChange,
  errors,
}: {
  id: string;
  label: string;
  description?: string;
  value: string;
  onChange: (value: string) => void;
  errors: string[] | undefined;
}) {
  const invalid = Boolean(errors?.length);
  return (
    <FormField invalid={invalid}>
      <FormLabel htmlFor={id}>{label}</FormLabel>
      {description ? (
        <FormFieldDescription id={`${id}-description`}>{description}</FormFieldDescription>
      ) : null}
      <ErrorText id={`${id}-error`} messages={errors} />
      <div className="rvp-field-row">
        <Textbox
          id={id}
          type="date"
          value={value}
          invalid={invalid}
          aria-describedby={describedBy(description && `${id}-description`, invalid && `${id}-error`)}
          onChange={(event) => onChange(event.target.value)}
        />
        <Button type="button" purpose="secondary" onClick={() => onChange(todayIso())}>
          Vandaag
        </Button>
      </div>
    </FormField>
  );
}
