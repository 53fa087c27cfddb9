/**
 * Thin React components that render the HTML and BEM classes of the NL Design System CSS packages
 * (@utrecht/*-css, @nl-design-system-candidate/*-css). The candidate React packages (Button, Heading,
 * Paragraph, Link) are re-exported as they are.
 */
import {
  forwardRef,
  useEffect,
  useId,
  useRef,
  type HTMLAttributes,
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
  type TableHTMLAttributes,
  type TextareaHTMLAttributes,
  type TdHTMLAttributes,
  type ThHTMLAttributes,
} from 'react';
import { Heading } from '@nl-design-system-candidate/heading-react';
import type { FieldError, Problem } from './api.js';
import { hasNavigated } from './router.js';

export { Button } from '@nl-design-system-candidate/button-react';
export { Heading } from '@nl-design-system-candidate/heading-react';
export { Paragraph } from '@nl-design-system-candidate/paragraph-react';
export { Link } from '@nl-design-system-candidate/link-react';

const cx = (...names: (string | false | null | undefined)[]): string => names.filter(Boolean).join(' ');

// Skip link ------------------------------------------------------------------------------------------

/**
 * "Direct naar de inhoud". With hash routing `href="#main"` would change the route, so the click moves
 * the focus itself; the href stays for semantics.
 */
export function SkipLink({ target, children }: { target: string; children: ReactNode }) {
  return (
    <a
      className="nl-skip-link nl-skip-link--visible-on-focus rvp-skip-link"
      href={`#${target}`}
      onClick={(event) => {
        const element = document.getElementById(target);
        if (!element) return;
        event.preventDefault();
        element.focus();
        element.scrollIntoView();
      }}
    >
      {children}
    </a>
  );
}

// Page header and footer ------------------------------------------------------------------------------

export function PageHeader({ className, children, ...rest }: HTMLAttributes<HTMLElement>) {
  return (
    <header className={cx('utrecht-page-header', className)} {...rest}>
      {children}
    </header>
  );
}

export function PageFooter({ className, children, ...rest }: HTMLAttributes<HTMLElement>) {
  return (
    <footer className={cx('utrecht-page-footer', className)} {...rest}>
      {children}
    </footer>
  );
}

// Table ---------------------------------------------------------------------------------------------

export function Table({ className, children, ...rest }: TableHTMLAttributes<HTMLTableElement>) {
  return (
    <div className="rvp-table-container">
      <table className={cx('utrecht-table', className)} {...rest}>
        {children}
      </table>
    </div>
  );
}

export function TableCaption({ className, children, ...rest }: HTMLAttributes<HTMLTableCaptionElement>) {
  return (
    <caption className={cx('utrecht-table__caption', className)} {...rest}>
      {children}
    </caption>
  );
}

export function TableHeader({ className, children, ...rest }: HTMLAttributes<HTMLTableSectionElement>) {
  return (
    <thead className={cx('utrecht-table__header', className)} {...rest}>
      {children}
    </thead>
  );
}

export function TableBody({ className, children, ...rest }: HTMLAttributes<HTMLTableSectionElement>) {
  return (
    <tbody className={cx('utrecht-table__body', className)} {...rest}>
      {children}
    </tbody>
  );
}

export function TableFooter({ className, children, ...rest }: HTMLAttributes<HTMLTableSectionElement>) {
  return (
    <tfoot className={cx('utrecht-table__footer', className)} {...rest}>
      {children}
    </tfoot>
  );
}

export function TableRow({ className, children, ...rest }: HTMLAttributes<HTMLTableRowElement>) {
  return (
    <tr className={cx('utrecht-table__row', className)} {...rest}>
      {children}
    </tr>
  );
}

export function TableHeaderCell({
  className,
  children,
  numeric,
  scope = 'col',
  ...rest
}: ThHTMLAttributes<HTMLTableCellElement> & { numeric?: boolean }) {
  return (
    <th
      className={cx(
        'utrecht-table__header-cell',
        numeric && 'utrecht-table__header-cell--numeric-column',
        className,
      )}
      scope={scope}
      {...rest}
    >
      {children}
    </th>
  );
}

export function TableCell({
  className,
  children,
  numeric,
  ...rest
}: TdHTMLAttributes<HTMLTableCellElement> & { numeric?: boolean }) {
  return (
    <td
      className={cx(
        'utrecht-table__cell',
        numeric && 'utrecht-table__cell--numeric-column utrecht-table__cell--numeric-data',
        className,
      )}
      {...rest}
    >
      {children}
    </td>
  );
}

export type SortDirection = 'ascending' | 'descending';

/** A column header that sorts the table; `aria-sort` tells assistive technology the current order. */
export function SortableHeaderCell({
  children,
  direction,
  onSort,
  numeric,
}: {
  children: ReactNode;
  direction: SortDirection | null;
  onSort: () => void;
  numeric?: boolean;
}) {
  return (
    <TableHeaderCell numeric={numeric} aria-sort={direction ?? 'none'}>
      <button type="button" className="utrecht-table__header-cell-button" onClick={onSort}>
        {children}
        <span className="rvp-sort-indicator" aria-hidden="true">
          {direction === 'ascending' ? '▲' : direction === 'descending' ? '▼' : '↕'}
        </span>
      </button>
    </TableHeaderCell>
  );
}

// Forms ---------------------------------------------------------------------------------------------

export function FormField({
  className,
  children,
  invalid,
  ...rest
}: HTMLAttributes<HTMLDivElement> & { invalid?: boolean }) {
  return (
    <div
      className={cx(
        'utrecht-form-field',
        'utrecht-form-field--text',
        invalid && 'utrecht-form-field--invalid',
        className,
      )}
      {...rest}
    >
      {children}
    </div>
  );
}

export function FormLabel({ htmlFor, children }: { htmlFor: string; children: ReactNode }) {
  return (
    <div className="utrecht-form-field__label">
      <label className="utrecht-form-label" htmlFor={htmlFor}>
        {children}
      </label>
    </div>
  );
}

export function FormFieldDescription({ id, children }: { id: string; children: ReactNode }) {
  return (
    <div className="utrecht-form-field__description rvp-form-field__description" id={id}>
      {children}
    </div>
  );
}

export function FormFieldErrorMessage({ id, children }: { id: string; children: ReactNode }) {
  return (
    <div className="utrecht-form-field__error-message" id={id}>
      {children}
    </div>
  );
}

export const Textbox = forwardRef<
  HTMLInputElement,
  InputHTMLAttributes<HTMLInputElement> & { invalid?: boolean }
>(function Textbox({ className, invalid, type = 'text', ...rest }, ref) {
  return (
    <div className="utrecht-form-field__input">
      <input
        ref={ref}
        type={type}
        className={cx(
          'utrecht-textbox',
          'utrecht-textbox--html-input',
          invalid && 'utrecht-textbox--invalid',
          className,
        )}
        aria-invalid={invalid || undefined}
        {...rest}
      />
    </div>
  );
});

export function Select({
  className,
  children,
  invalid,
  ...rest
}: SelectHTMLAttributes<HTMLSelectElement> & { invalid?: boolean }) {
  return (
    <div className="utrecht-form-field__input">
      <select
        className={cx(
          'utrecht-select',
          'utrecht-select--html-select',
          invalid && 'utrecht-select--invalid',
          className,
        )}
        aria-invalid={invalid || undefined}
        {...rest}
      >
        {children}
      </select>
    </div>
  );
}

export function Textarea({
  className,
  invalid,
  ...rest
}: TextareaHTMLAttributes<HTMLTextAreaElement> & { invalid?: boolean }) {
  return (
    <div className="utrecht-form-field__input">
      <textarea
        className={cx(
          'utrecht-textarea',
          'utrecht-textarea--html-textarea',
          invalid && 'utrecht-textarea--invalid',
          className,
        )}
        aria-invalid={invalid || undefined}
        {...rest}
      />
    </div>
  );
}

/** Joins ids for `aria-describedby`, leaving out the missing ones. */
export function describedBy(...ids: (string | false | null | undefined)[]): string | undefined {
  const joined = ids.filter(Boolean).join(' ');
  return joined || undefined;
}

export interface RadioOption<T extends string> {
  value: T;
  label: ReactNode;
}

/**
 * A group of radio buttons in a fieldset with a legend. `value` null means nothing is chosen, and
 * nothing is ever chosen for the user: there is no default (privacy by default, R-C1).
 */
export function RadioGroup<T extends string>({
  id,
  name,
  legend,
  description,
  options,
  value,
  onChange,
  error,
  inline,
}: {
  id: string;
  name: string;
  legend: ReactNode;
  description?: ReactNode;
  options: RadioOption<T>[];
  value: T | null;
  onChange: (value: T) => void;
  error?: ReactNode;
  inline?: boolean;
}) {
  const descriptionId = `${id}-description`;
  const errorId = `${id}-error`;
  const invalid = Boolean(error);
  return (
    <fieldset
      className={cx('rvp-fieldset', invalid && 'utrecht-form-field--invalid')}
      id={id}
      tabIndex={-1}
      aria-describedby={describedBy(description ? descriptionId : null, invalid && errorId)}
      aria-invalid={invalid || undefined}
    >
      <legend className="rvp-fieldset__legend">{legend}</legend>
      {description ? <FormFieldDescription id={descriptionId}>{description}</FormFieldDescription> : null}
      {error ? <FormFieldErrorMessage id={errorId}>{error}</FormFieldErrorMessage> : null}
      <div className={cx('rvp-radio-list', inline && 'rvp-radio-list--inline')}>
        {options.map((option) => {
          const optionId = `${id}-${option.value}`;
          const checked = value === option.value;
          return (
            <div key={option.value} className="utrecht-form-field utrecht-form-field--radio">
              <div className="utrecht-form-field__input">
                <input
                  type="radio"
                  id={optionId}
                  name={name}
                  value={option.value}
                  checked={checked}
                  onChange={() => onChange(option.value)}
                  className={cx(
                    'utrecht-radio-button',
                    'utrecht-radio-button--html-input',
                    checked && 'utrecht-radio-button--checked',
                    invalid && 'utrecht-radio-button--invalid',
                  )}
                />
              </div>
              <div className="utrecht-form-field__label">
                <label
                  className={cx(
                    'utrecht-form-label',
                    'utrecht-form-label--radio',
                    checked && 'utrecht-form-label--checked',
                  )}
                  htmlFor={optionId}
                >
                  {option.label}
                </label>
              </div>
            </div>
          );
        })}
      </div>
    </fieldset>
  );
}

/** An element to focus from an error summary: the field itself, or its fieldset. */
function focusField(id: string): boolean {
  let element: HTMLElement | null = document.getElementById(id);
  if (!element) return false;
  // A group of radio buttons: the chosen one, or else the first.
  if (element instanceof HTMLFieldSetElement) {
    element =
      element.querySelector<HTMLInputElement>('input:checked') ??
      element.querySelector<HTMLInputElement>('input') ??
      element;
  }
  element.focus();
  element.scrollIntoView({ block: 'center' });
  return true;
}

export interface SummaryError {
  /** The id of the field to jump to; null for an error that belongs to no field. */
  fieldId: string | null;
  message: string;
}

/**
 * "Er is iets niet goed ingevuld": all errors of a form, each a link to its field, at the top of the
 * form. It takes the focus when it appears and after every new attempt (a new `attempt` value, e.g.
 * the error state object of the submit), so keyboard and screen reader users land on it; typing in
 * a field afterwards does not move the focus back.
 */
export function ErrorSummary({
  title,
  errors,
  attempt,
}: {
  title: string;
  errors: SummaryError[];
  attempt: unknown;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, [attempt]);
  return (
    <div
      ref={ref}
      className="utrecht-alert utrecht-alert--error rvp-error-summary"
      role="alert"
      tabIndex={-1}
      data-testid="error-summary"
    >
      <div className="utrecht-alert__content">
        <div className="utrecht-alert__message">
          <strong>{title}</strong>
          <ul className="rvp-error-summary__list">
            {errors.map((error, index) => (
              <li key={`${error.fieldId ?? ''}:${index}`}>
                {error.fieldId ? (
                  <a
                    className="nl-link"
                    href={`#${error.fieldId}`}
                    onClick={(event) => {
                      // Hash routing: don't change the route, move the focus.
                      if (error.fieldId && focusField(error.fieldId)) event.preventDefault();
                    }}
                  >
                    {error.message}
                  </a>
                ) : (
                  error.message
                )}
              </li>
            ))}
          </ul>
        </div>
      </div>
    </div>
  );
}

// Alert ---------------------------------------------------------------------------------------------

export type AlertType = 'info' | 'ok' | 'warning' | 'error';

export function Alert({ type = 'info', children }: { type?: AlertType; children: ReactNode }) {
  // Errors and warnings interrupt (role=alert); information is announced politely (role=status).
  const role = type === 'error' || type === 'warning' ? 'alert' : 'status';
  return (
    <div className={cx('utrecht-alert', `utrecht-alert--${type}`)} role={role}>
      <div className="utrecht-alert__content">
        <div className="utrecht-alert__message">{children}</div>
      </div>
    </div>
  );
}

/** A problem+json error, with its field errors, in an error alert. */
export function ProblemAlert({ problem }: { problem: Problem }) {
  return (
    <Alert type="error">
      <strong>{problem.title}</strong>
      {problem.detail && problem.detail !== problem.title ? <span>{problem.detail}</span> : null}
      {problem.errors && problem.errors.length > 0 ? <FieldErrorList errors={problem.errors} /> : null}
    </Alert>
  );
}

function FieldErrorList({ errors }: { errors: FieldError[] }) {
  return (
    <ul>
      {errors.map((error) => (
        <li key={`${error.field}:${error.rule}`}>
          {error.field}: {error.message}
        </li>
      ))}
    </ul>
  );
}

// Data list (term/value pairs for personal data) ------------------------------------------------------

export interface DataItem {
  term: string;
  value: ReactNode;
}

export function DataList({ items, label }: { items: DataItem[]; label?: string }) {
  return (
    <dl className="rvp-data-list" aria-label={label}>
      {items.map((item) => (
        <div key={item.term} className="rvp-data-list__item">
          <dt className="rvp-data-list__term">{item.term}</dt>
          <dd className="rvp-data-list__value">
            {item.value === '' || item.value === null || item.value === undefined ? (
              <span className="rvp-muted">—</span>
            ) : (
              item.value
            )}
          </dd>
        </div>
      ))}
    </dl>
  );
}

// Page title ----------------------------------------------------------------------------------------

/**
 * The page's h1. Sets `document.title` and, after client-side navigation, moves the focus to the
 * heading so screen reader users hear where they are.
 */
export function PageTitle({ children, documentTitle }: { children: ReactNode; documentTitle: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = documentTitle;
  }, [documentTitle]);
  useEffect(() => {
    // Only move the focus after an in-app navigation, not on the first load.
    if (hasNavigated()) ref.current?.focus();
  }, []);
  return (
    <Heading level={1} ref={ref} tabIndex={-1}>
      {children}
    </Heading>
  );
}

/** A page section with its own heading (h2 by default); the heading names the section landmark. */
export function Section({
  title,
  children,
  level = 2,
  testId,
}: {
  title: ReactNode;
  children: ReactNode;
  level?: 2 | 3;
  testId?: string;
}) {
  const id = useId();
  return (
    <section className="rvp-section" aria-labelledby={id} data-testid={testId}>
      <Heading level={level} id={id}>
        {title}
      </Heading>
      {children}
    </section>
  );
}

export function VisuallyHidden({ children }: { children: ReactNode }) {
  return <span className="rvp-visually-hidden">{children}</span>;
}
