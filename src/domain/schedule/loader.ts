/**
 * Reads CDSi supporting data (AntigenSupportingData-*.xml, ScheduleSupportingData.xml; LS 4.6 chapter 2)
 * into the schedule model. The only module of the engine that touches the file system.
 *
 * Where: `RVP_CDSI_DIR`, else /work/shared/cdsi/supporting-data-4.64 found relative to this file
 * (the repository's sibling `shared/`), or an explicit directory.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLParser } from 'fast-xml-parser';
import { parseDataDate, parseDuration, type Duration } from './days.js';
import type {
  AgeRule,
  AllowableIntervalRule,
  AntigenData,
  AntigenSeries,
  ConditionalSkip,
  ConditionType,
  Gender,
  ImmunityByBirthDate,
  Indication,
  IntervalFrom,
  IntervalRule,
  LiveVirusConflict,
  ScheduleData,
  SeriesDose,
  SeriesType,
  SkipCondition,
  SkipSet,
  VaccineCode,
  VaccineGroup,
  VaccineRule,
} from './model.js';

/** The shared CDSi folder (test cases and supporting data), relative to this file: src/domain/schedule → repo → sibling shared/. */
export function defaultCdsiRoot(): string {
  return fileURLToPath(new URL('../../../../shared/cdsi/', import.meta.url));
}

/**
 * The supporting-data folder: explicit argument, else RVP_CDSI_DIR, else shared/cdsi/supporting-data-4.64.
 * The argument or variable may name the supporting-data folder itself or the CDSi folder that holds it.
 */
export function resolveSupportingDataDir(dir?: string): string {
  const env = process.env['RVP_CDSI_DIR'];
  const given = dir !== undefined && dir !== '' ? dir : env !== undefined && env !== '' ? env : undefined;
  if (given === undefined) return join(defaultCdsiRoot(), SUPPORTING_DATA);
  if (!existsSync(join(given, 'ScheduleSupportingData.xml')) && existsSync(join(given, SUPPORTING_DATA))) {
    return join(given, SUPPORTING_DATA);
  }
  return given;
}

const SUPPORTING_DATA = 'supporting-data-4.64';

// Elements that may repeat; everything else is a single child.
const REPEATING = new Set([
  'series',
  'seriesDose',
  'age',
  'interval',
  'allowableInterval',
  'preferableVaccine',
  'allowableVaccine',
  'inadvertentVaccine',
  'conditionalSkip',
  'set',
  'condition',
  'indication',
  'seriesAdminGuidance',
  'requiredGender',
  'liveVirusConflict',
  'vaccineGroup',
  'vaccineGroupMap',
  'antigen',
  'cvxMap',
  'association',
  'dateOfBirth',
  'clinicalHistory',
  'exclusion',
  'observation',
  'contraindication',
  'contraindicatedVaccine',
  'codedValue',
  'codedValues',
]);

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => REPEATING.has(name),
});

type Node = Record<string, unknown>;

function node(value: unknown): Node {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Node) : {};
}

function nodes(value: unknown): Node[] {
  if (!Array.isArray(value)) return value === undefined || value === '' ? [] : [node(value)];
  return value.map(node).filter((n) => Object.keys(n).length > 0);
}

function text(n: Node, key: string): string | undefined {
  const v = n[key];
  if (typeof v === 'string') return v.trim() === '' ? undefined : v.trim();
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v) && typeof v[0] === 'string') return v[0].trim() === '' ? undefined : v[0].trim();
  return undefined;
}

function texts(n: Node, key: string): string[] {
  const v = n[key];
  const list = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return list.filter((x): x is string => typeof x === 'string' && x.trim() !== '').map((x) => x.trim());
}

function duration(n: Node, key: string): Duration | undefined {
  return parseDuration(text(n, key));
}

function yes(value: string | undefined): boolean {
  return value !== undefined && /^y(es)?$/i.test(value);
}

function codeSet(value: string | undefined): ReadonlySet<string> {
  return new Set(
    (value ?? '')
      .split(/[;,]/)
      .map((s) => normaliseCode(s))
      .filter((s) => s !== ''),
  );
}

/** CVX codes are compared as written in the data, but "3" and "03" mean the same vaccine. */
export function normaliseCode(code: string): string {
  const t = code.trim();
  return /^\d$/.test(t) ? `0${t}` : t;
}

function dated(n: Node): { effective?: number; cessation?: number } {
  const effective = parseDataDate(text(n, 'effectiveDate'));
  const cessation = parseDataDate(text(n, 'cessationDate'));
  return {
    ...(effective !== undefined ? { effective } : {}),
    ...(cessation !== undefined ? { cessation } : {}),
  };
}

function intervalFrom(n: Node): IntervalFrom | undefined {
  if (yes(text(n, 'fromPrevious'))) return { kind: 'previous' };
  const target = text(n, 'fromTargetDose');
  if (target !== undefined) return { kind: 'targetDose', doseNumber: Number(target) };
  const recent = text(n, 'fromMostRecent');
  if (recent !== undefined) return { kind: 'mostRecent', vaccineTypes: codeSet(recent) };
  const obs = node(n['fromRelevantObs']);
  const code = text(obs, 'code');
  if (code !== undefined) return { kind: 'observation', code };
  return undefined;
}

function parseAge(n: Node): AgeRule | undefined {
  const rule: AgeRule = {
    absMinAge: duration(n, 'absMinAge'),
    minAge: duration(n, 'minAge'),
    earliestRecAge: duration(n, 'earliestRecAge'),
    latestRecAge: duration(n, 'latestRecAge'),
    maxAge: duration(n, 'maxAge'),
    ...dated(n),
  };
  return Object.values(rule).some((v) => v !== undefined) ? rule : undefined;
}

function parseInterval(n: Node): IntervalRule | undefined {
  const from = intervalFrom(n);
  if (from === undefined) return undefined;
  return {
    from,
    absMinInt: duration(n, 'absMinInt'),
    minInt: duration(n, 'minInt'),
    earliestRecInt: duration(n, 'earliestRecInt'),
    latestRecInt: duration(n, 'latestRecInt'),
    priorityOverride: /override/i.test(text(n, 'intervalPriority') ?? ''),
    ...dated(n),
  };
}

function parseAllowableInterval(n: Node): AllowableIntervalRule | undefined {
  const from = intervalFrom(n);
  if (from === undefined) return undefined;
  return { from, absMinInt: duration(n, 'absMinInt'), ...dated(n) };
}

function parseVaccine(n: Node): VaccineRule | undefined {
  const code = text(n, 'cvx');
  if (code === undefined) return undefined;
  const tradeName = text(n, 'tradeName');
  const mvx = text(n, 'mvx');
  return {
    code: normaliseCode(code),
    vaccineType: text(n, 'vaccineType') ?? code,
    beginAge: duration(n, 'beginAge'),
    endAge: duration(n, 'endAge'),
    ...(tradeName !== undefined ? { tradeName } : {}),
    ...(mvx !== undefined ? { mvx } : {}),
    forecast: yes(text(n, 'forecastVaccineType')),
  };
}

const CONDITION_TYPES: Record<string, ConditionType> = {
  age: 'Age',
  interval: 'Interval',
  'completed series': 'Completed Series',
  'vaccine count by age': 'Vaccine Count by Age',
  'vaccine count by date': 'Vaccine Count by Date',
  'vaccine count by date and age': 'Vaccine Count by Date and Age',
};

function parseCondition(n: Node): SkipCondition {
  const rawType = (text(n, 'conditionType') ?? '').toLowerCase();
  const type = CONDITION_TYPES[rawType];
  if (type === undefined) throw new Error(`unknown conditional skip condition type "${rawType}"`);
  const logic = (text(n, 'doseCountLogic') ?? 'greater than').toLowerCase();
  const vaccineTypes = text(n, 'vaccineTypes');
  return {
    type,
    beginAge: duration(n, 'beginAge'),
    endAge: duration(n, 'endAge'),
    startDate: parseDataDate(text(n, 'startDate')),
    endDate: parseDataDate(text(n, 'endDate')),
    interval: duration(n, 'interval'),
    doseCount: Number(text(n, 'doseCount') ?? '0'),
    doseType: /^valid$/i.test(text(n, 'doseType') ?? '') ? 'Valid' : 'Total',
    doseCountLogic: logic.startsWith('equal')
      ? 'equal to'
      : logic.startsWith('less')
        ? 'less than'
        : 'greater than',
    ...(vaccineTypes !== undefined ? { vaccineTypes: codeSet(vaccineTypes) } : {}),
    seriesGroups: (text(n, 'seriesGroups') ?? '')
      .split(/[;,]/)
      .map((s) => s.trim())
      .filter((s) => s !== ''),
  };
}

function parseSkip(n: Node): ConditionalSkip | undefined {
  const context = (text(n, 'context') ?? '').toLowerCase();
  if (context === '') return undefined;
  const sets: SkipSet[] = nodes(n['set']).map((s) => ({
    id: text(s, 'setID') ?? '',
    description: text(s, 'setDescription') ?? '',
    conditionLogic: /^or$/i.test(text(s, 'conditionLogic') ?? '') ? 'OR' : 'AND',
    conditions: nodes(s['condition']).map(parseCondition),
    ...dated(s),
  }));
  return {
    context: context === 'evaluation' ? 'Evaluation' : context === 'forecast' ? 'Forecast' : 'Both',
    setLogic: /^and$/i.test(text(n, 'setLogic') ?? '') ? 'AND' : 'OR',
    sets,
  };
}

function doseNumber(value: string | undefined): number {
  const m = /(\d+)/.exec(value ?? '');
  if (!m) throw new Error(`cannot read dose number "${value}"`);
  return Number(m[1]);
}

function parseSeriesDose(n: Node): SeriesDose {
  const season = node(n['seasonalRecommendation']);
  const start = parseDataDate(text(season, 'startDate'));
  const end = parseDataDate(text(season, 'endDate'));
  return {
    doseNumber: doseNumber(text(n, 'doseNumber')),
    ages: nodes(n['age'])
      .map(parseAge)
      .filter((a): a is AgeRule => a !== undefined),
    intervals: nodes(n['interval'])
      .map(parseInterval)
      .filter((a): a is IntervalRule => a !== undefined),
    allowableIntervals: nodes(n['allowableInterval'])
      .map(parseAllowableInterval)
      .filter((a): a is AllowableIntervalRule => a !== undefined),
    preferable: nodes(n['preferableVaccine'])
      .map(parseVaccine)
      .filter((v): v is VaccineRule => v !== undefined),
    allowable: nodes(n['allowableVaccine'])
      .map(parseVaccine)
      .filter((v): v is VaccineRule => v !== undefined),
    inadvertent: new Set(
      nodes(n['inadvertentVaccine'])
        .map((v) => text(v, 'cvx'))
        .filter((c): c is string => c !== undefined)
        .map(normaliseCode),
    ),
    skips: nodes(n['conditionalSkip'])
      .map(parseSkip)
      .filter((s): s is ConditionalSkip => s !== undefined),
    recurring: yes(text(n, 'recurringDose')),
    ...(start !== undefined || end !== undefined
      ? { season: { ...(start !== undefined ? { start } : {}), ...(end !== undefined ? { end } : {}) } }
      : {}),
  };
}

function parseGender(value: string): Gender | undefined {
  const v = value.toLowerCase();
  return v === 'female' ? 'Female' : v === 'male' ? 'Male' : v === 'unknown' ? 'Unknown' : undefined;
}

function parseSeriesType(value: string | undefined): SeriesType {
  const v = (value ?? '').toLowerCase();
  if (v === 'risk') return 'Risk';
  if (v.startsWith('evaluation')) return 'Evaluation Only';
  return 'Standard';
}

function parseSeries(n: Node): AntigenSeries {
  const select = node(n['selectSeries']);
  const indications: Indication[] = nodes(n['indication']).flatMap((i) => {
    const code = text(node(i['observationCode']), 'code');
    if (code === undefined) return [];
    const description = text(i, 'description');
    return [
      {
        code,
        ...(description !== undefined ? { description } : {}),
        beginAge: duration(i, 'beginAge'),
        endAge: duration(i, 'endAge'),
      },
    ];
  });
  const equivalent = text(n, 'equivalentSeriesGroups');
  const doses = nodes(n['seriesDose']).map(parseSeriesDose);
  doses.sort((a, b) => a.doseNumber - b.doseNumber);
  return {
    name: text(n, 'seriesName') ?? '',
    antigen: text(n, 'targetDisease') ?? '',
    vaccineGroup: text(n, 'vaccineGroup') ?? '',
    type: parseSeriesType(text(n, 'seriesType')),
    ...(equivalent !== undefined ? { equivalentSeriesGroups: equivalent } : {}),
    requiredGender: texts(n, 'requiredGender')
      .map(parseGender)
      .filter((g): g is Gender => g !== undefined),
    defaultSeries: yes(text(select, 'defaultSeries')),
    productPath: yes(text(select, 'productPath')),
    seriesGroupName: text(select, 'seriesGroupName') ?? '',
    seriesGroup: text(select, 'seriesGroup') ?? '',
    seriesPriority: text(select, 'seriesPriority') ?? 'A',
    seriesPreference: Number(text(select, 'seriesPreference') ?? '99'),
    minAgeToStart: duration(select, 'minAgeToStart'),
    maxAgeToStart: duration(select, 'maxAgeToStart'),
    indications,
    doses,
  };
}

/** One AntigenSupportingData-*.xml document. Pure: takes the XML text. */
export function parseAntigenSupportingData(xml: string): AntigenData {
  const root = node(node(parser.parse(xml))['antigenSupportingData']);
  const series = nodes(root['series']).map(parseSeries);
  const antigen = series[0]?.antigen;
  if (antigen === undefined) throw new Error('antigen supporting data without series');
  const immunity = node(root['immunity']);
  const immunityByBirthDate: ImmunityByBirthDate[] = nodes(immunity['dateOfBirth']).flatMap((d) => {
    const day = parseDataDate(text(d, 'immunityBirthDate'));
    if (day === undefined) return [];
    const country = text(d, 'birthCountry');
    return [{ immunityBirthDate: day, ...(country !== undefined ? { birthCountry: country } : {}) }];
  });
  return { antigen, series, immunityByBirthDate };
}

export interface ScheduleSupportingData {
  readonly vaccineGroups: readonly VaccineGroup[];
  readonly vaccineCodes: ReadonlyMap<string, VaccineCode>;
  readonly liveVirusConflicts: readonly LiveVirusConflict[];
}

/** ScheduleSupportingData.xml. Pure: takes the XML text. */
export function parseScheduleSupportingData(xml: string): ScheduleSupportingData {
  const root = node(node(parser.parse(xml))['scheduleSupportingData']);
  const conflicts: LiveVirusConflict[] = nodes(node(root['liveVirusConflicts'])['liveVirusConflict']).flatMap(
    (c) => {
      const previous = text(node(c['previous']), 'cvx');
      const current = text(node(c['current']), 'cvx');
      const begin = duration(c, 'conflictBeginInterval');
      const end = duration(c, 'conflictEndInterval');
      const minEnd = duration(c, 'minConflictEndInterval') ?? end;
      if (previous === undefined || current === undefined || begin === undefined || end === undefined)
        return [];
      return [
        {
          previous: normaliseCode(previous),
          current: normaliseCode(current),
          begin,
          minEnd: minEnd ?? end,
          end,
        },
      ];
    },
  );
  const groupAntigens = new Map<string, string[]>();
  for (const m of nodes(node(root['vaccineGroupToAntigenMap'])['vaccineGroupMap'])) {
    groupAntigens.set(text(m, 'name') ?? '', texts(m, 'antigen'));
  }
  const vaccineGroups: VaccineGroup[] = nodes(node(root['vaccineGroups'])['vaccineGroup']).map((g) => {
    const name = text(g, 'name') ?? '';
    return {
      name,
      administerFullVaccineGroup: yes(text(g, 'administerFullVaccineGroup')),
      antigens: groupAntigens.get(name) ?? [],
    };
  });
  const vaccineCodes = new Map<string, VaccineCode>();
  for (const m of nodes(node(root['cvxToAntigenMap'])['cvxMap'])) {
    const code = normaliseCode(text(m, 'cvx') ?? '');
    vaccineCodes.set(code, {
      code,
      description: text(m, 'shortDescription') ?? '',
      associations: nodes(m['association']).map((a) => ({
        antigen: text(a, 'antigen') ?? '',
        beginAge: duration(a, 'associationBeginAge'),
        endAge: duration(a, 'associationEndAge'),
      })),
    });
  }
  return { vaccineGroups, vaccineCodes, liveVirusConflicts: conflicts };
}

/** Indexes conflicts by the current vaccine, as the evaluation looks them up. */
export function indexConflicts(
  conflicts: readonly LiveVirusConflict[],
): ReadonlyMap<string, LiveVirusConflict[]> {
  const byCurrent = new Map<string, LiveVirusConflict[]>();
  for (const c of conflicts) {
    const list = byCurrent.get(c.current);
    if (list) list.push(c);
    else byCurrent.set(c.current, [c]);
  }
  return byCurrent;
}

/** Assembles parsed documents into the engine's model. Pure. */
export function buildScheduleData(
  name: string,
  antigens: readonly AntigenData[],
  schedule: ScheduleSupportingData,
): ScheduleData {
  return {
    name,
    antigens: new Map(antigens.map((a) => [a.antigen, a])),
    vaccineGroups: schedule.vaccineGroups,
    vaccineCodes: schedule.vaccineCodes,
    liveVirusConflicts: indexConflicts(schedule.liveVirusConflicts),
  };
}

const cache = new Map<string, Promise<ScheduleData>>();

/**
 * Loads (once per folder) the CDSi supporting data. `dir` overrides RVP_CDSI_DIR and the default
 * shared/cdsi/supporting-data-4.64.
 */
export function loadCdsiSupportingData(dir?: string): Promise<ScheduleData> {
  const folder = resolveSupportingDataDir(dir);
  let loading = cache.get(folder);
  if (!loading) {
    loading = readSupportingData(folder);
    cache.set(folder, loading);
    loading.catch(() => cache.delete(folder));
  }
  return loading;
}

async function readSupportingData(folder: string): Promise<ScheduleData> {
  let files: string[];
  try {
    files = await readdir(folder);
  } catch (error) {
    throw new Error(
      `CDSi supporting data not found in ${folder} (set RVP_CDSI_DIR): ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const antigenFiles = files.filter((f) => /^AntigenSupportingData-.*\.xml$/i.test(f)).sort();
  if (!files.includes('ScheduleSupportingData.xml') || antigenFiles.length === 0) {
    throw new Error(
      `${folder} does not hold CDSi supporting data (ScheduleSupportingData.xml, AntigenSupportingData-*.xml)`,
    );
  }
  const [scheduleXml, ...antigenXmls] = await Promise.all(
    ['ScheduleSupportingData.xml', ...antigenFiles].map((f) => readFile(join(folder, f), 'utf8')),
  );
  const antigens = antigenXmls.map((xml, i) => {
    try {
      return parseAntigenSupportingData(xml);
    } catch (error) {
      throw new Error(`${antigenFiles[i]}: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
  const version = /supporting-data-([\d.]+)/.exec(folder)?.[1];
  return buildScheduleData(
    `CDSi ${version ?? ''}`.trim(),
    antigens,
    parseScheduleSupportingData(scheduleXml ?? ''),
  );
}
