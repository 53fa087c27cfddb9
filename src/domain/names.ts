/** A Dutch personal name as written: given name, prefix ("van der") and family name, blanks left out. */
export function formatPersonName(given: string, prefix: string | null | undefined, family: string): string {
  return [given, prefix, family].filter(Boolean).join(' ');
}
