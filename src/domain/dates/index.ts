export type { CalendarDate, IsoDate } from './calendar.js';
export {
  addDays,
  addMonths,
  ageInYears,
  compareIsoDates,
  daysBetween,
  daysInMonth,
  formatIsoDate,
  fromEpochDay,
  isIsoDate,
  isLeapYear,
  isoDateInZone,
  isoDateProblem,
  nextWallClockTime,
  nthBirthday,
  parseIsoDate,
  toEpochDay,
} from './calendar.js';
export { isoDateSchema } from './schema.js';
