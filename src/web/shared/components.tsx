/**
 * Thin React components that render the HTML and BEM classes of the NL Design System CSS packages
 * (@utrecht/*-css, @nl-design-system-candidate/*-css). The candidate React packages (Button, Heading,
 * Paragraph, Link) are re-exported as they are.
 */
import {
  forwardRef,
  useEffect,
  useRef,
  type HTMLAttributes,
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
  type TableHTMLAttributes,
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
        <div key={item.term} style={{ display: 'contents' }}>
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

export function VisuallyHidden({ children }: { children: ReactNode }) {
  return <span className="rvp-visually-hidden">{children}</span>;
}
