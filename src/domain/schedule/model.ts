/**
 * The schedule model: CDSi supporting data (LS 4.6 chapter 2 and the supporting-data XSDs), read once
 * and shared by every evaluation. The Dutch RVP is expressed in the same model, with two additions
 * CDSi does not need: series that apply to a birth cohort, and series chosen by a patient observation
 * being absent (see `cohort` and `unlessObservation`).
 */
import type { Day, Duration } from './days.js';

export type SeriesType = 'Standard' | 'Risk' | 'Evaluation Only';

/** Applicability window by date (effective/cessation, both inclusive). */
export interface Dated {
  readonly effective?: Day;
  readonly cessation?: Day;
}

export interface AgeRule extends Dated {
  readonly absMinAge?: Duration;
  readonly minAge?: Duration;
  readonly earliestRecAge?: Duration;
  readonly latestRecAge?: Duration;
  readonly maxAge?: Duration;
}

export type IntervalFrom =
  | { readonly kind: 'previous' }
  | { readonly kind: 'targetDose'; readonly doseNumber: number }
  | { readonly kind: 'mostRecent'; readonly vaccineTypes: ReadonlySet<string> }
  | { readonly kind: 'observation'; readonly code: string };

export interface IntervalRule extends Dated {
  readonly from: IntervalFrom;
  readonly absMinInt?: Duration;
  readonly minInt?: Duration;
  readonly earliestRecInt?: Duration;
  readonly latestRecInt?: Duration;
  /** intervalPriority "override": this dose's timing decides a multi-antigen vaccine group (LS 4.6 §9.3). */
  readonly priorityOverride: boolean;
}

export interface AllowableIntervalRule extends Dated {
  readonly from: IntervalFrom;
  readonly absMinInt?: Duration;
}

export interface VaccineRule {
  /** CVX code for CDSi data; the W0422 vaccine code for the RVP. */
  readonly code: string;
  readonly vaccineType: string;
  readonly beginAge?: Duration;
  readonly endAge?: Duration;
  readonly tradeName?: string;
  readonly mvx?: string;
  /** forecastVaccineType "Y": offered in the forecast's recommended vaccines. */
  readonly forecast?: boolean;
}

export type ConditionType =
  | 'Age'
  | 'Interval'
  | 'Completed Series'
  | 'Vaccine Count by Age'
  | 'Vaccine Count by Date'
  | 'Vaccine Count by Date and Age';

export interface SkipCondition {
  readonly type: ConditionType;
  readonly beginAge?: Duration;
  readonly endAge?: Duration;
  readonly startDate?: Day;
  readonly endDate?: Day;
  readonly interval?: Duration;
  readonly doseCount: number;
  readonly doseType: 'Valid' | 'Total';
  readonly doseCountLogic: 'greater than' | 'equal to' | 'less than';
  readonly vaccineTypes?: ReadonlySet<string>;
  readonly seriesGroups: readonly string[];
}

export interface SkipSet extends Dated {
  readonly id: string;
  readonly description: string;
  readonly conditionLogic: 'AND' | 'OR';
  readonly conditions: readonly SkipCondition[];
}

export interface ConditionalSkip {
  readonly context: 'Evaluation' | 'Forecast' | 'Both';
  readonly setLogic: 'AND' | 'OR';
  readonly sets: readonly SkipSet[];
}

export interface SeriesDose {
  /** 1-based. */
  readonly doseNumber: number;
  readonly ages: readonly AgeRule[];
  readonly intervals: readonly IntervalRule[];
  readonly allowableIntervals: readonly AllowableIntervalRule[];
  readonly preferable: readonly VaccineRule[];
  readonly allowable: readonly VaccineRule[];
  readonly inadvertent: ReadonlySet<string>;
  readonly skips: readonly ConditionalSkip[];
  readonly recurring: boolean;
  readonly season?: { readonly start?: Day; readonly end?: Day };
}

export interface Indication {
  readonly code: string;
  readonly description?: string;
  readonly beginAge?: Duration;
  readonly endAge?: Duration;
}

export interface AntigenSeries {
  readonly name: string;
  readonly antigen: string;
  readonly vaccineGroup: string;
  readonly type: SeriesType;
  readonly equivalentSeriesGroups?: string;
  /** Empty: any gender. */
  readonly requiredGender: readonly Gender[];
  readonly defaultSeries: boolean;
  readonly productPath: boolean;
  readonly seriesGroupName: string;
  readonly seriesGroup: string;
  /** 'A' highest. */
  readonly seriesPriority: string;
  /** Lower is preferred. */
  readonly seriesPreference: number;
  readonly minAgeToStart?: Duration;
  readonly maxAgeToStart?: Duration;
  readonly indications: readonly Indication[];
  readonly doses: readonly SeriesDose[];
  /** RVP extension: the series applies only to people born in [bornFrom, bornBefore). */
  readonly cohort?: { readonly bornFrom?: Day; readonly bornBefore?: Day };
  /** RVP extension: the series is not relevant when the patient has this observation (e.g. maternal pertussis vaccination). */
  readonly unlessObservation?: string;
  /** RVP extension: the series is relevant only when the patient has this observation (a standard series, unlike CDSi risk series). */
  readonly onlyWithObservation?: string;
  /** Where the rule comes from (RVP: guideline and section). */
  readonly source?: string;
}

export interface ImmunityByBirthDate {
  /** Born before this day: immune. */
  readonly immunityBirthDate: Day;
  /** Empty: any country. */
  readonly birthCountry?: string;
}

export interface AntigenData {
  readonly antigen: string;
  readonly series: readonly AntigenSeries[];
  readonly immunityByBirthDate: readonly ImmunityByBirthDate[];
}

export interface VaccineGroup {
  readonly name: string;
  readonly administerFullVaccineGroup: boolean;
  readonly antigens: readonly string[];
}

export interface AntigenAssociation {
  readonly antigen: string;
  readonly beginAge?: Duration;
  readonly endAge?: Duration;
}

export interface VaccineCode {
  readonly code: string;
  readonly description: string;
  readonly associations: readonly AntigenAssociation[];
}

export interface LiveVirusConflict {
  readonly previous: string;
  readonly current: string;
  readonly begin: Duration;
  readonly minEnd: Duration;
  readonly end: Duration;
}

export type Gender = 'Female' | 'Male' | 'Unknown';

/** Everything the engine needs; build once, evaluate many patients. */
export interface ScheduleData {
  /** 'CDSi 4.64', 'RVP 2025', … */
  readonly name: string;
  readonly antigens: ReadonlyMap<string, AntigenData>;
  /** In data order. */
  readonly vaccineGroups: readonly VaccineGroup[];
  readonly vaccineCodes: ReadonlyMap<string, VaccineCode>;
  /** Indexed by the current (later) vaccine code. */
  readonly liveVirusConflicts: ReadonlyMap<string, readonly LiveVirusConflict[]>;
}
