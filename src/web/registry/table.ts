/** Sorting and filtering of the municipality table (pure, unit-tested). */
import type { SortDirection } from '../shared/components.js';
import type { MunicipalityPopulation } from './api.js';

export type SortKey = 'name' | 'code' | 'persons' | 'youth';
export const sortKeys: readonly SortKey[] = ['name', 'code', 'persons', 'youth'];
export const sortLabels: Record<SortKey, string> = {
  name: 'gemeente',
  code: 'CBS-code',
  persons: 'personen',
  youth: 'jeugdigen',
};

const collator = new Intl.Collator('nl', { sensitivity: 'base', numeric: true });

/** Dutch alphabetical order ignores the article: 's-Gravenhage under G, 't Hogeland under H. */
export function sortName(name: string): string {
  return name.replace(/^'[st][-\s]/i, '');
}

export function sortMunicipalities(
  items: readonly MunicipalityPopulation[],
  key: SortKey,
  direction: SortDirection,
): MunicipalityPopulation[] {
  const sign = direction === 'ascending' ? 1 : -1;
  return [...items].sort((a, b) => {
    const primary =
      key === 'persons' || key === 'youth'
        ? a[key] - b[key]
        : key === 'name'
          ? collator.compare(sortName(a.name), sortName(b.name))
          : collator.compare(a.code, b.code);
    return primary !== 0 ? sign * primary : collator.compare(sortName(a.name), sortName(b.name));
  });
}

export function filterMunicipalities(
  items: readonly MunicipalityPopulation[],
  filter: string,
): MunicipalityPopulation[] {
  const needle = filter.trim().toLocaleLowerCase('nl');
  if (!needle) return [...items];
  return items.filter(
    (item) => item.name.toLocaleLowerCase('nl').includes(needle) || item.code.toLowerCase().includes(needle),
  );
}
