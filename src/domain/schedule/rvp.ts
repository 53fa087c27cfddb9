/**
 * The Dutch National Immunisation Programme (Rijksvaccinatieprogramma, RVP) as schedule data in the CDSi
 * model, so the same engine judges doses and forecasts (SPEC R-R2, R-R3). A declarative table: series
 * per antigen and birth cohort, target doses with ages, intervals and vaccines, conditional skips.
 *
 * Vaccines are W0422 codes (RIVM vaccine type list, SPEC §12); a registered dose passes its W0422 code as
 * `vaccineCode`. Sources are named per series (`source`) and listed in docs/schedule.md; where no public
 * text was found the value is marked ASSUMPTION there and in `RVP_ASSUMPTIONS`.
 *
 * Two extensions to CDSi (see model.ts): series by birth cohort (`cohort`) because the 2025 schedule
 * changes apply by year of birth, not by date of administration; and series chosen by the maternal
 * pertussis vaccination (`onlyWithObservation` / `unlessObservation`). Ages "in the year of turning N"
 * use the duration form "calendar year N".
 */
import { parseDuration, toDay, type Duration } from './days.js';
import type {
  AntigenData,
  AntigenSeries,
  ConditionalSkip,
  IntervalRule,
  ScheduleData,
  SeriesDose,
  SkipCondition,
  VaccineCode,
  VaccineGroup,
  VaccineRule,
} from './model.js';

/** Patient observation: the mother had a valid pertussis vaccination in pregnancy (Richtlijn ch. 6 and 7.1). */
export const RVP_MATERNAL_PERTUSSIS = 'maternal-pertussis-vaccination';

/** W0422 vaccine codes (SPEC §12) and the antigens each protects against. */
export const RVP_VACCINE_CODES: Readonly<
  Record<string, { readonly name: string; readonly antigens: readonly string[] }>
> = {
  '11': { name: 'DKTP-Hib-HepB', antigens: ['Diphtheria', 'Pertussis', 'Tetanus', 'Polio', 'Hib', 'HepB'] },
  '08': { name: 'Pneu', antigens: ['Pneumococcal'] },
  '04': { name: 'BMR', antigens: ['Measles', 'Mumps', 'Rubella'] },
  '28': { name: 'MenACWY', antigens: ['MenACWY'] },
  '09': { name: 'HPV', antigens: ['HPV'] },
  '02': { name: 'DTP', antigens: ['Diphtheria', 'Tetanus', 'Polio'] },
  '13': { name: 'DKT', antigens: ['Diphtheria', 'Pertussis', 'Tetanus'] },
  '27': { name: 'DKTP booster', antigens: ['Diphtheria', 'Pertussis', 'Tetanus', 'Polio'] },
  '29': { name: 'Rota', antigens: ['Rotavirus'] },
  // Given to the mother in pregnancy: no antigen for the child.
  '30': { name: 'Maternal influenza', antigens: [] },
  '98': { name: 'Other', antigens: [] },
};

/** Birth-cohort boundaries (first birth date of the new rule). */
export const RVP_COHORTS = {
  /** Rotavirus vaccination for infants born from 1 January 2024 (Addendum rotavirus, §2). */
  rotavirus: '2024-01-01',
  /** Infant booster DKTP-Hib-HepB + Pneu at 12 instead of 11 months: "startcohort 2024" (RIVM, Wijzigingen vaccinatieschema). */
  boosterAt12Months: '2024-01-01',
  /** DKT booster at 5 (no polio) instead of DKTP at 4. ASSUMPTION: the first cohort turning 4 in 2025. */
  dktAt5: '2021-01-01',
  /** DTP at 14 (with MenACWY) instead of DTP at 9, and BMR2 at 2.5–3.5 years instead of 9 (catch-up for those older).
   * ASSUMPTION: the first cohort turning 9 in 2025 ("no vaccinations at 9 in the new schedule"). */
  teenAt14: '2016-01-01',
  /** HPV for girls and boys in the year of turning 10. ASSUMPTION: the cohort of the 2022 start (born 2012). */
  hpvAt10: '2012-01-01',
} as const;

/** Values for which no public RIVM text was found; each is used where marked. */
export const RVP_ASSUMPTIONS: readonly string[] = [
  'cohort boundaries dktAt5 (2021), teenAt14 (2016) and hpvAt10 (2012)',
  'past-due ages: DKTP-Hib-HepB/Pneu doses one month after the recommended age; rotavirus dose 2 at 16 weeks',
  'preschool booster minimum ages (DKTP 3.5 years, DKT 4 years) and 6-month minimum interval before it',
  'adolescent doses (DTP, MenACWY) valid from age 10',
  'MenACWY: one dose from age 10 makes the adolescent dose unnecessary',
];

const SRC = {
  richtlijn:
    'RIVM Richtlijn Uitvoering RVP (rijksvaccinatieprogramma.nl/professionals/richtlijnen/uitvoering)',
  timing:
    'Richtlijn Uitvoering RVP ch. 6–7 Tijdstip van vaccinaties (first dose at 6–9 weeks; from 4 weeks on indication)',
  basis:
    'RIVM Uitvoeringsregels RVP 2015/2016, Bijlage 1 Basisprincipes (minimum intervals, lapses, doses before 1st birthday)',
  addendum2025:
    'RIVM Richtlijn Uitvoering RVP, Addendum schemawijzigingen 2025 (12 months, DKT at 5, BMR2 2.5–3.5 years, DTP at 14)',
  rota: 'RIVM Richtlijn Uitvoering RVP, Addendum vaccinatie tegen rotavirus voor zuigelingen geboren vanaf 1 januari 2024',
  ggd: 'GGD schema 0–4 jaar (2025): standard 3-5-11/12 months, adapted 2-3-5-11/12 months, intervals',
} as const;

// ---------------------------------------------------------------------------------------------
// Builders: a compact spelling of CDSi series

function dur(text: string): Duration {
  const d = parseDuration(text);
  if (!d) throw new Error(`empty duration`);
  return d;
}

interface IntervalSpec {
  /** 'previous' (default) or a target dose number. */
  readonly from?: 'previous' | number;
  readonly absMin: string;
  readonly min?: string;
  readonly rec?: string;
  readonly late?: string;
}

interface DoseSpec {
  readonly absMinAge?: string;
  readonly minAge?: string;
  readonly recAge?: string;
  readonly pastDueAge?: string;
  readonly maxAge?: string;
  readonly intervals?: readonly IntervalSpec[];
  /** Scheduled vaccines (W0422). */
  readonly preferable: readonly string[];
  /** Further vaccines that count; default every code that holds the antigen. */
  readonly allowable?: readonly string[];
  readonly skips?: readonly ConditionalSkip[];
}

interface SeriesSpec {
  readonly name: string;
  readonly group: string;
  readonly doses: readonly DoseSpec[];
  readonly source: string;
  readonly bornFrom?: string;
  readonly bornBefore?: string;
  readonly minAgeToStart?: string;
  readonly maxAgeToStart?: string;
  readonly defaultSeries?: boolean;
  readonly preference?: number;
  readonly unlessObservation?: string;
  readonly onlyWithObservation?: string;
}

function codesFor(antigen: string): string[] {
  return Object.entries(RVP_VACCINE_CODES)
    .filter(([, v]) => v.antigens.includes(antigen))
    .map(([code]) => code);
}

function vaccine(code: string, antigen: string, forecast: boolean): VaccineRule | undefined {
  const v = RVP_VACCINE_CODES[code];
  if (!v || !v.antigens.includes(antigen)) return undefined;
  return { code, vaccineType: v.name, forecast };
}

function buildDose(spec: DoseSpec, n: number, antigen: string): SeriesDose {
  const ages =
    spec.absMinAge || spec.minAge || spec.recAge || spec.pastDueAge || spec.maxAge
      ? [
          {
            absMinAge: spec.absMinAge ? dur(spec.absMinAge) : undefined,
            minAge: spec.minAge ? dur(spec.minAge) : spec.absMinAge ? dur(spec.absMinAge) : undefined,
            earliestRecAge: spec.recAge ? dur(spec.recAge) : undefined,
            latestRecAge: spec.pastDueAge ? dur(spec.pastDueAge) : undefined,
            maxAge: spec.maxAge ? dur(spec.maxAge) : undefined,
          },
        ]
      : [];
  const intervals: IntervalRule[] = (spec.intervals ?? []).map((i) => ({
    from:
      i.from === undefined || i.from === 'previous'
        ? { kind: 'previous' }
        : { kind: 'targetDose', doseNumber: i.from },
    absMinInt: dur(i.absMin),
    minInt: dur(i.min ?? i.absMin),
    earliestRecInt: i.rec ? dur(i.rec) : undefined,
    latestRecInt: i.late ? dur(i.late) : undefined,
    priorityOverride: false,
  }));
  return {
    doseNumber: n,
    ages,
    intervals,
    allowableIntervals: [],
    preferable: spec.preferable.map((c) => vaccine(c, antigen, true)).filter((v): v is VaccineRule => !!v),
    allowable: (spec.allowable ?? codesFor(antigen))
      .map((c) => vaccine(c, antigen, false))
      .filter((v): v is VaccineRule => !!v),
    inadvertent: new Set(),
    skips: spec.skips ?? [],
    recurring: false,
  };
}

function buildSeries(spec: SeriesSpec, antigen: string): AntigenSeries {
  return {
    name: `${antigen}: ${spec.name}`,
    antigen,
    vaccineGroup: spec.group,
    type: 'Standard',
    requiredGender: [],
    defaultSeries: spec.defaultSeries ?? false,
    productPath: false,
    seriesGroupName: 'Standard',
    seriesGroup: '1',
    seriesPriority: 'A',
    seriesPreference: spec.preference ?? 1,
    minAgeToStart: spec.minAgeToStart ? dur(spec.minAgeToStart) : undefined,
    maxAgeToStart: spec.maxAgeToStart ? dur(spec.maxAgeToStart) : undefined,
    indications: [],
    doses: spec.doses.map((d, i) => buildDose(d, i + 1, antigen)),
    ...(spec.bornFrom !== undefined || spec.bornBefore !== undefined
      ? {
          cohort: {
            ...(spec.bornFrom !== undefined ? { bornFrom: toDay(spec.bornFrom) } : {}),
            ...(spec.bornBefore !== undefined ? { bornBefore: toDay(spec.bornBefore) } : {}),
          },
        }
      : {}),
    ...(spec.unlessObservation !== undefined ? { unlessObservation: spec.unlessObservation } : {}),
    ...(spec.onlyWithObservation !== undefined ? { onlyWithObservation: spec.onlyWithObservation } : {}),
    source: spec.source,
  };
}

function condition(c: Partial<SkipCondition> & Pick<SkipCondition, 'type'>): SkipCondition {
  return { doseCount: 0, doseType: 'Total', doseCountLogic: 'greater than', seriesGroups: [], ...c };
}

function skip(
  context: ConditionalSkip['context'],
  description: string,
  conditions: SkipCondition[],
): ConditionalSkip {
  return { context, setLogic: 'OR', sets: [{ id: '1', description, conditionLogic: 'AND', conditions }] };
}

/** Age skip: the target dose is not needed for a dose given (evaluation) or a patient (forecast) from `age`. */
function fromAge(age: string, description: string): ConditionalSkip {
  return skip('Both', description, [condition({ type: 'Age', beginAge: dur(age) })]);
}

/** Count skip: not needed once a valid dose was given from `age`. */
function validDoseFrom(age: string, description: string): ConditionalSkip {
  return skip('Both', description, [
    condition({ type: 'Vaccine Count by Age', beginAge: dur(age), doseType: 'Valid', doseCount: 0 }),
  ]);
}

// ---------------------------------------------------------------------------------------------
// The schedule

const INFANT = ['11'];

/** Infant primary series plus the infant booster (Richtlijn ch. 7; GGD schema; 2025 addendum for 12 months). */
function infantDoses(maternal: boolean, boosterAge: string, boosterPastDue: string): DoseSpec[] {
  const booster: DoseSpec = {
    recAge: boosterAge,
    pastDueAge: boosterPastDue,
    intervals: [{ absMin: '4 months', min: '6 months', rec: '6 months' }],
    preferable: INFANT,
  };
  if (maternal) {
    // Standard schedule after maternal pertussis vaccination: 3 and 5 months, then the booster.
    return [
      {
        absMinAge: '4 weeks',
        minAge: '3 months',
        recAge: '3 months',
        pastDueAge: '4 months',
        preferable: INFANT,
        allowable: INFANT,
      },
      {
        recAge: '5 months',
        pastDueAge: '6 months',
        intervals: [{ absMin: '4 weeks', min: '8 weeks', rec: '8 weeks' }],
        preferable: INFANT,
        allowable: INFANT,
      },
      booster,
    ];
  }
  // Adapted schedule without maternal vaccination: 2, 3 and 5 months, then the booster.
  return [
    {
      absMinAge: '4 weeks',
      minAge: '6 weeks',
      recAge: '6 weeks',
      pastDueAge: '10 weeks',
      preferable: INFANT,
      allowable: INFANT,
    },
    {
      recAge: '3 months',
      pastDueAge: '4 months',
      intervals: [{ absMin: '4 weeks', rec: '4 weeks' }],
      preferable: INFANT,
      allowable: INFANT,
    },
    {
      recAge: '5 months',
      pastDueAge: '6 months',
      intervals: [{ absMin: '4 weeks', rec: '6 weeks' }],
      preferable: INFANT,
      allowable: INFANT,
    },
    booster,
  ];
}

/** 2+1 when the series starts after the first birthday (Basisprincipes: DKTP and HepB). */
const FROM_FIRST_BIRTHDAY: DoseSpec[] = [
  { absMinAge: '12 months', preferable: INFANT, allowable: INFANT },
  { intervals: [{ absMin: '4 weeks', rec: '8 weeks' }], preferable: INFANT, allowable: INFANT },
  { intervals: [{ absMin: '4 months', min: '6 months', rec: '6 months' }], preferable: INFANT },
];

interface Segment {
  readonly label: string;
  readonly bornFrom?: string;
  readonly bornBefore?: string;
  readonly boosterAge: string;
  readonly boosterPastDue: string;
  /** Later boosters for D, P, T and polio in this cohort. */
  readonly preschool: 'DKTP at 4' | 'DKT at 5';
  readonly teen: 'DTP at 9' | 'DTP at 14';
}

const SEGMENTS: readonly Segment[] = [
  {
    label: 'born before 2016',
    bornBefore: RVP_COHORTS.teenAt14,
    boosterAge: '11 months',
    boosterPastDue: '12 months',
    preschool: 'DKTP at 4',
    teen: 'DTP at 9',
  },
  {
    label: 'born 2016–2020',
    bornFrom: RVP_COHORTS.teenAt14,
    bornBefore: RVP_COHORTS.dktAt5,
    boosterAge: '11 months',
    boosterPastDue: '12 months',
    preschool: 'DKTP at 4',
    teen: 'DTP at 14',
  },
  {
    label: 'born 2021–2023',
    bornFrom: RVP_COHORTS.dktAt5,
    bornBefore: RVP_COHORTS.boosterAt12Months,
    boosterAge: '11 months',
    boosterPastDue: '12 months',
    preschool: 'DKT at 5',
    teen: 'DTP at 14',
  },
  {
    label: 'born from 2024',
    bornFrom: RVP_COHORTS.boosterAt12Months,
    boosterAge: '12 months',
    boosterPastDue: '13 months',
    preschool: 'DKT at 5',
    teen: 'DTP at 14',
  },
];

const LAPSE_AFTER_LATE_BOOSTER = validDoseFrom(
  '2 years',
  'Not needed when the first revaccination was given after the 2nd birthday (Basisprincipes D(K)TP)',
);

/** Preschool and adolescent boosters of one antigen in one cohort segment. */
function laterDoses(antigen: string, seg: Segment): DoseSpec[] {
  const out: DoseSpec[] = [];
  const inPreschool =
    seg.preschool === 'DKTP at 4'
      ? antigen !== 'HepB'
      : ['Diphtheria', 'Pertussis', 'Tetanus'].includes(antigen);
  if (inPreschool) {
    out.push(
      seg.preschool === 'DKTP at 4'
        ? {
            absMinAge: '3 years + 6 months',
            recAge: '3 years + 9 months',
            pastDueAge: '5 years',
            intervals: [{ absMin: '6 months' }],
            preferable: ['27'],
            skips: [LAPSE_AFTER_LATE_BOOSTER],
          }
        : {
            absMinAge: '4 years',
            minAge: '5 years',
            recAge: '5 years',
            pastDueAge: '6 years',
            intervals: [{ absMin: '6 months' }],
            preferable: ['13'],
            skips: [LAPSE_AFTER_LATE_BOOSTER],
          },
    );
  }
  if (['Diphtheria', 'Tetanus', 'Polio'].includes(antigen)) {
    out.push(
      seg.teen === 'DTP at 9'
        ? {
            absMinAge: '6 years',
            recAge: 'calendar year 9',
            pastDueAge: 'calendar year 10',
            intervals: [{ absMin: '6 months' }],
            preferable: ['02'],
            skips: [
              validDoseFrom(
                '6 years',
                'Not needed when the first revaccination was given after the 6th birthday (Basisprincipes D(K)TP)',
              ),
            ],
          }
        : {
            absMinAge: '10 years',
            recAge: 'calendar year 14',
            pastDueAge: 'calendar year 15',
            intervals: [{ absMin: '6 months' }],
            preferable: ['02'],
          },
    );
  }
  return out;
}

/** Hib: 3+1 under 6 months, 2+1 from 6 months, one dose after the 1st birthday is the last, lapses at 2. */
function hibDoses(maternal: boolean, seg: Segment): DoseSpec[] {
  const doses = infantDoses(maternal, seg.boosterAge, seg.boosterPastDue);
  const last = doses.length - 1;
  return doses.map((d, i) => {
    const skips: ConditionalSkip[] = [];
    if (i > 0)
      skips.push(
        validDoseFrom('12 months', 'One Hib dose after the 1st birthday is the last (Basisprincipes Hib)'),
      );
    if (i > 0 && i < last)
      skips.push(
        fromAge('12 months', 'Primary doses are not needed from the 1st birthday (Basisprincipes Hib)'),
      );
    if (!maternal && i === 2) {
      skips.push(
        skip('Both', '2+1 when the series starts from 6 months (Basisprincipes Hib)', [
          condition({
            type: 'Vaccine Count by Age',
            endAge: dur('6 months'),
            doseCount: 0,
            doseCountLogic: 'equal to',
          }),
        ]),
      );
    }
    return { ...d, maxAge: '2 years', skips };
  });
}

function pneuDoses(seg: Segment): DoseSpec[] {
  const pneu = ['08'];
  return [
    {
      absMinAge: '4 weeks',
      minAge: '6 weeks',
      recAge: '3 months',
      pastDueAge: '4 months',
      maxAge: '2 years',
      preferable: pneu,
    },
    {
      recAge: '5 months',
      pastDueAge: '6 months',
      maxAge: '2 years',
      intervals: [{ absMin: '6 weeks', min: '8 weeks', rec: '8 weeks' }],
      preferable: pneu,
    },
    {
      recAge: seg.boosterAge,
      pastDueAge: seg.boosterPastDue,
      maxAge: '2 years',
      intervals: [{ absMin: '4 months', min: '6 months', rec: '6 months' }],
      preferable: pneu,
    },
  ];
}

function seriesSpecs(): { antigen: string; spec: SeriesSpec }[] {
  const out: { antigen: string; spec: SeriesSpec }[] = [];
  const add = (antigens: readonly string[], spec: SeriesSpec | ((antigen: string) => SeriesSpec)) => {
    for (const antigen of antigens)
      out.push({ antigen, spec: typeof spec === 'function' ? spec(antigen) : spec });
  };
  const cohortOf = (seg: Segment) => ({
    ...(seg.bornFrom !== undefined ? { bornFrom: seg.bornFrom } : {}),
    ...(seg.bornBefore !== undefined ? { bornBefore: seg.bornBefore } : {}),
  });

  for (const seg of SEGMENTS) {
    // DKTP-Hib-HepB antigens other than Hib: infant series (2+1 after maternal vaccination, else 3+1) or 2+1 from the 1st birthday.
    add(['Diphtheria', 'Pertussis', 'Tetanus', 'Polio', 'HepB'], (antigen) => ({
      name: `3+1 infant series (2, 3, 5, ${seg.boosterAge}), ${seg.label}`,
      group: groupOf(antigen),
      doses: [...infantDoses(false, seg.boosterAge, seg.boosterPastDue), ...laterDoses(antigen, seg)],
      source: `${SRC.timing}; ${SRC.ggd}; ${SRC.addendum2025}`,
      maxAgeToStart: '12 months',
      defaultSeries: true,
      unlessObservation: RVP_MATERNAL_PERTUSSIS,
      ...cohortOf(seg),
    }));
    add(['Diphtheria', 'Pertussis', 'Tetanus', 'Polio', 'HepB'], (antigen) => ({
      name: `2+1 infant series after maternal pertussis vaccination (3, 5, ${seg.boosterAge}), ${seg.label}`,
      group: groupOf(antigen),
      doses: [...infantDoses(true, seg.boosterAge, seg.boosterPastDue), ...laterDoses(antigen, seg)],
      source: `${SRC.timing}; ${SRC.ggd}; ${SRC.addendum2025}`,
      maxAgeToStart: '12 months',
      defaultSeries: true,
      onlyWithObservation: RVP_MATERNAL_PERTUSSIS,
      ...cohortOf(seg),
    }));
    add(['Diphtheria', 'Pertussis', 'Tetanus', 'Polio', 'HepB'], (antigen) => ({
      name: `2+1 series started from the 1st birthday, ${seg.label}`,
      group: groupOf(antigen),
      doses: [...FROM_FIRST_BIRTHDAY, ...laterDoses(antigen, seg)],
      source: `${SRC.basis}; ${SRC.addendum2025}`,
      minAgeToStart: '12 months',
      preference: 2,
      ...cohortOf(seg),
    }));
  }

  for (const seg of [SEGMENTS[2], SEGMENTS[3]]) {
    if (!seg) continue;
    const older = seg === SEGMENTS[2];
    const cohort = older
      ? { bornBefore: RVP_COHORTS.boosterAt12Months }
      : { bornFrom: RVP_COHORTS.boosterAt12Months };
    add(['Hib'], {
      name: `3+1 infant series, ${older ? 'born before 2024' : 'born from 2024'}`,
      group: 'Hib',
      doses: hibDoses(false, seg),
      source: `${SRC.basis}; ${SRC.ggd}; ${SRC.addendum2025}`,
      defaultSeries: true,
      unlessObservation: RVP_MATERNAL_PERTUSSIS,
      ...cohort,
    });
    add(['Hib'], {
      name: `2+1 infant series after maternal pertussis vaccination, ${older ? 'born before 2024' : 'born from 2024'}`,
      group: 'Hib',
      doses: hibDoses(true, seg),
      source: `${SRC.basis}; ${SRC.ggd}; ${SRC.addendum2025}`,
      defaultSeries: true,
      onlyWithObservation: RVP_MATERNAL_PERTUSSIS,
      ...cohort,
    });
    add(['Pneumococcal'], {
      name: `2+1 series started before the 1st birthday, ${older ? 'born before 2024' : 'born from 2024'}`,
      group: 'Pneumococcal',
      doses: pneuDoses(seg),
      source: `${SRC.basis}; ${SRC.ggd}; ${SRC.addendum2025}`,
      maxAgeToStart: '12 months',
      defaultSeries: true,
      ...cohort,
    });
    add(['Pneumococcal'], {
      name: `1+1 series started from the 1st birthday, ${older ? 'born before 2024' : 'born from 2024'}`,
      group: 'Pneumococcal',
      doses: [
        { absMinAge: '12 months', maxAge: '2 years', preferable: ['08'] },
        { maxAge: '2 years', intervals: [{ absMin: '8 weeks' }], preferable: ['08'] },
      ],
      source: SRC.basis,
      minAgeToStart: '12 months',
      preference: 2,
      ...cohort,
    });
  }

  add(['Rotavirus'], {
    name: 'Rotarix 2 doses, born from 2024',
    group: 'Rotavirus',
    doses: [
      {
        absMinAge: '6 weeks',
        recAge: '6 weeks',
        pastDueAge: '10 weeks',
        maxAge: '24 weeks',
        preferable: ['29'],
      },
      {
        recAge: '3 months',
        pastDueAge: '16 weeks',
        maxAge: '24 weeks',
        intervals: [{ absMin: '4 weeks', rec: '4 weeks' }],
        preferable: ['29'],
      },
    ],
    source: `${SRC.rota}; ${SRC.ggd} (6 weeks up to 23 weeks 6 days)`,
    bornFrom: RVP_COHORTS.rotavirus,
    defaultSeries: true,
  });

  for (const older of [true, false]) {
    add(['Measles', 'Mumps', 'Rubella'], {
      name: older
        ? 'BMR at 14 months and 9 years, born before 2016'
        : 'BMR at 14 months and 2.5–3.5 years, born from 2016',
      group: 'BMR',
      doses: [
        // A BMR before the 1st birthday does not count (Basisprincipes BMR): no grace below 12 months.
        { absMinAge: '12 months', recAge: '14 months', pastDueAge: '15 months', preferable: ['04'] },
        older
          ? {
              recAge: 'calendar year 9',
              pastDueAge: 'calendar year 10',
              intervals: [{ absMin: '4 weeks' }],
              preferable: ['04'],
            }
          : {
              recAge: '30 months',
              pastDueAge: '42 months',
              intervals: [{ absMin: '4 weeks' }],
              preferable: ['04'],
            },
      ],
      source: `${SRC.basis}; ${SRC.addendum2025}`,
      defaultSeries: true,
      ...(older ? { bornBefore: RVP_COHORTS.teenAt14 } : { bornFrom: RVP_COHORTS.teenAt14 }),
    });
  }

  add(['MenACWY'], {
    name: 'MenACWY at 14 months and 14 years',
    group: 'MenACWY',
    doses: [
      { absMinAge: '12 months', recAge: '14 months', pastDueAge: '15 months', preferable: ['28'] },
      {
        absMinAge: '10 years',
        recAge: 'calendar year 14',
        pastDueAge: 'calendar year 15',
        intervals: [{ absMin: '4 weeks' }],
        preferable: ['28'],
        skips: [validDoseFrom('10 years', 'One dose from age 10 is the adolescent dose (ASSUMPTION)')],
      },
    ],
    source: `${SRC.basis} (a dose before the 1st birthday does not count); ${SRC.addendum2025}`,
    defaultSeries: true,
  });

  add(['HPV'], {
    name: 'HPV 2 doses in the year of turning 10 (start before the 15th birthday)',
    group: 'HPV',
    doses: [
      {
        absMinAge: '9 years',
        recAge: 'calendar year 10',
        pastDueAge: 'calendar year 10 + 6 months',
        preferable: ['09'],
      },
      {
        recAge: 'calendar year 10 + 6 months',
        pastDueAge: 'calendar year 11',
        intervals: [{ absMin: '150 days', min: '5 months', rec: '6 months' }],
        preferable: ['09'],
      },
    ],
    source: `${SRC.basis} (0-6 months, minimum 5 months = 150 days); SPEC §12 (year of turning 10, girls and boys)`,
    bornFrom: RVP_COHORTS.hpvAt10,
    maxAgeToStart: '15 years',
    defaultSeries: true,
  });
  add(['HPV'], {
    name: 'HPV 3 doses (0-1-6 months) when started from the 15th birthday',
    group: 'HPV',
    doses: [
      { absMinAge: '15 years', preferable: ['09'] },
      { intervals: [{ absMin: '4 weeks', rec: '1 month' }], preferable: ['09'] },
      {
        intervals: [{ from: 1, absMin: '5 months', rec: '6 months' }, { absMin: '12 weeks' }],
        preferable: ['09'],
      },
    ],
    source: `${SRC.basis} (from the 15th birthday: 0-1-6 months)`,
    bornFrom: RVP_COHORTS.hpvAt10,
    minAgeToStart: '15 years',
    preference: 2,
  });
  return out;
}

function groupOf(antigen: string): string {
  return antigen === 'Polio' || antigen === 'HepB' ? antigen : 'DKT';
}

const GROUPS: readonly VaccineGroup[] = [
  { name: 'Rotavirus', administerFullVaccineGroup: false, antigens: ['Rotavirus'] },
  { name: 'DKT', administerFullVaccineGroup: false, antigens: ['Diphtheria', 'Pertussis', 'Tetanus'] },
  { name: 'Polio', administerFullVaccineGroup: false, antigens: ['Polio'] },
  { name: 'Hib', administerFullVaccineGroup: false, antigens: ['Hib'] },
  { name: 'HepB', administerFullVaccineGroup: false, antigens: ['HepB'] },
  { name: 'Pneumococcal', administerFullVaccineGroup: false, antigens: ['Pneumococcal'] },
  { name: 'BMR', administerFullVaccineGroup: true, antigens: ['Measles', 'Mumps', 'Rubella'] },
  { name: 'MenACWY', administerFullVaccineGroup: false, antigens: ['MenACWY'] },
  { name: 'HPV', administerFullVaccineGroup: false, antigens: ['HPV'] },
];

/** Builds the RVP schedule data (pure). */
export function buildRvpSchedule(): ScheduleData {
  const byAntigen = new Map<string, AntigenSeries[]>();
  for (const { antigen, spec } of seriesSpecs()) {
    const list = byAntigen.get(antigen) ?? [];
    list.push(buildSeries(spec, antigen));
    byAntigen.set(antigen, list);
  }
  const antigens = new Map<string, AntigenData>(
    [...byAntigen].map(([antigen, series]) => [antigen, { antigen, series, immunityByBirthDate: [] }]),
  );
  const vaccineCodes = new Map<string, VaccineCode>(
    Object.entries(RVP_VACCINE_CODES).map(([code, v]) => [
      code,
      { code, description: v.name, associations: v.antigens.map((antigen) => ({ antigen })) },
    ]),
  );
  return { name: 'RVP 2025', antigens, vaccineGroups: GROUPS, vaccineCodes, liveVirusConflicts: new Map() };
}

/** The current RVP (2025 schedule, by birth cohort), built once. */
export const rvpSchedule: ScheduleData = buildRvpSchedule();
