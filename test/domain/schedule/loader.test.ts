import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  buildScheduleData,
  defaultCdsiRoot,
  evaluateAndForecast,
  loadCdsiSupportingData,
  parseAntigenSupportingData,
  parseScheduleSupportingData,
  resolveSupportingDataDir,
} from '../../../src/domain/schedule/index.js';

const ANTIGEN_XML = `<antigenSupportingData>
<immunity><dateOfBirth><immunityBirthDate>01/01/1957</immunityBirthDate><birthCountry/></dateOfBirth></immunity>
<contraindications/>
<series>
<seriesName>Testitis 2-dose series</seriesName><targetDisease>Testitis</targetDisease><vaccineGroup>Testitis</vaccineGroup>
<seriesAdminGuidance/><seriesType>Standard</seriesType><equivalentSeriesGroups/><requiredGender/>
<selectSeries><defaultSeries>Yes</defaultSeries><productPath>No</productPath><seriesGroupName>Standard</seriesGroupName>
<seriesGroup>1</seriesGroup><seriesPriority>A</seriesPriority><seriesPreference>1</seriesPreference><minAgeToStart/><maxAgeToStart/></selectSeries>
<indication/>
<seriesDose><doseNumber>Dose 1</doseNumber>
<age><absMinAge>12 months - 4 days</absMinAge><minAge>12 months</minAge><earliestRecAge>12 months</earliestRecAge><latestRecAge>16 months</latestRecAge><maxAge/><effectiveDate/><cessationDate/></age>
<interval/><allowableInterval/>
<preferableVaccine><vaccineType>T</vaccineType><cvx>900</cvx><beginAge>12 months</beginAge><endAge/><tradeName/><mvx/><volume/><forecastVaccineType>Y</forecastVaccineType></preferableVaccine>
<allowableVaccine><vaccineType>T</vaccineType><cvx>900</cvx><beginAge/><endAge/></allowableVaccine>
<inadvertentVaccine><vaccineType>X</vaccineType><cvx>901</cvx></inadvertentVaccine>
<conditionalSkip/><recurringDose>No</recurringDose><seasonalRecommendation/>
</seriesDose>
<seriesDose><doseNumber>Dose 2</doseNumber>
<age><absMinAge/><minAge/><earliestRecAge>4 years</earliestRecAge><latestRecAge>7 years</latestRecAge><maxAge/><effectiveDate/><cessationDate/></age>
<interval><fromPrevious>Y</fromPrevious><fromTargetDose/><fromMostRecent/><fromRelevantObs/><absMinInt>4 weeks - 4 days</absMinInt><minInt>4 weeks</minInt><earliestRecInt/><latestRecInt/><intervalPriority/><effectiveDate/><cessationDate/></interval>
<allowableInterval/>
<preferableVaccine><vaccineType>T</vaccineType><cvx>900</cvx><beginAge/><endAge/><tradeName/><mvx/><volume/><forecastVaccineType>N</forecastVaccineType></preferableVaccine>
<inadvertentVaccine/>
<conditionalSkip><context>Forecast</context><setLogic>n/a</setLogic><set><setID>1</setID><setDescription>not for adults</setDescription><effectiveDate/><cessationDate/><conditionLogic/>
<condition><conditionID>1</conditionID><conditionType>Age</conditionType><startDate/><endDate/><beginAge>19 years</beginAge><endAge/><interval/><doseCount/><doseType/><doseCountLogic/><vaccineTypes/><seriesGroups/></condition></set></conditionalSkip>
<recurringDose>No</recurringDose><seasonalRecommendation/>
</seriesDose>
</series>
</antigenSupportingData>`;

const SCHEDULE_XML = `<scheduleSupportingData>
<liveVirusConflicts><liveVirusConflict><previous><vaccineType>T</vaccineType><cvx>900</cvx></previous><current><vaccineType>T</vaccineType><cvx>900</cvx></current>
<conflictBeginInterval>1 day</conflictBeginInterval><minConflictEndInterval>24 days</minConflictEndInterval><conflictEndInterval>28 days</conflictEndInterval></liveVirusConflict></liveVirusConflicts>
<vaccineGroups><vaccineGroup><name>Testitis</name><administerFullVaccineGroup/></vaccineGroup></vaccineGroups>
<vaccineGroupToAntigenMap><vaccineGroupMap><name>Testitis</name><antigen>Testitis</antigen></vaccineGroupMap></vaccineGroupToAntigenMap>
<cvxToAntigenMap>
<cvxMap><cvx>900</cvx><shortDescription>T</shortDescription><association><antigen>Testitis</antigen><associationBeginAge/><associationEndAge/></association></cvxMap>
<cvxMap><cvx>901</cvx><shortDescription>X</shortDescription><association><antigen>Testitis</antigen></association></cvxMap>
</cvxToAntigenMap>
<observations/>
</scheduleSupportingData>`;

describe('CDSi supporting data loader', () => {
  const data = buildScheduleData(
    'test',
    [parseAntigenSupportingData(ANTIGEN_XML)],
    parseScheduleSupportingData(SCHEDULE_XML),
  );

  it('reads series, doses, ages, intervals, vaccines and skips', () => {
    const series = data.antigens.get('Testitis')?.series[0];
    expect(series).toMatchObject({
      name: 'Testitis 2-dose series',
      defaultSeries: true,
      seriesGroup: '1',
      type: 'Standard',
    });
    expect(series?.doses).toHaveLength(2);
    expect(series?.doses[0]?.ages[0]?.absMinAge).toMatchObject({ months: 12, days: -4 });
    expect(series?.doses[0]?.inadvertent.has('901')).toBe(true);
    expect(series?.doses[1]?.intervals[0]).toMatchObject({
      from: { kind: 'previous' },
      priorityOverride: false,
    });
    expect(series?.doses[1]?.skips[0]).toMatchObject({
      context: 'Forecast',
      sets: [{ conditions: [{ type: 'Age' }] }],
    });
    expect(data.antigens.get('Testitis')?.immunityByBirthDate).toHaveLength(1);
    expect(data.liveVirusConflicts.get('900')?.[0]).toMatchObject({ previous: '900', current: '900' });
  });

  it('runs the engine on it: grace period, live virus conflict, inadvertent vaccine, forecast', () => {
    const run = (doses: { date: string; cvx: string }[], asOf: string) =>
      evaluateAndForecast(data, { birthDate: '2020-01-10' }, doses, asOf)[0];
    // 12 months - 4 days: valid in the grace period.
    const grace = run([{ date: '2021-01-06', cvx: '900' }], '2021-01-06');
    expect(grace?.doses[0]).toMatchObject({ status: 'Valid', antigens: [{ grace: true }] });
    // 12 months - 5 days: too young; the next dose may not come before 28 days (live vaccine after a not-valid one).
    const young = run([{ date: '2021-01-05', cvx: '900' }], '2021-01-05');
    expect(young?.doses[0]).toMatchObject({ status: 'Not Valid', reason: 'Age: Too Young' });
    expect(young?.forecast).toMatchObject({
      earliest: '2021-02-02',
      recommended: '2021-02-02',
      pastDue: '2021-05-09',
    });
    // Second dose 23 days after the first: conflict window of the valid first dose is 24 days.
    const close = run(
      [
        { date: '2021-02-01', cvx: '900' },
        { date: '2021-02-24', cvx: '900' },
      ],
      '2021-03-01',
    );
    expect(close?.doses[1]).toMatchObject({ status: 'Not Valid', reason: 'Interval: Too Soon' });
    const inadvertent = run([{ date: '2021-02-01', cvx: '901' }], '2021-02-01');
    expect(inadvertent?.doses[0]).toMatchObject({ status: 'Not Valid', reason: 'Inadvertent Vaccine' });
    // Born before the immunity date: immune, no forecast.
    const old = evaluateAndForecast(data, { birthDate: '1950-01-01' }, [], '2020-01-01')[0];
    expect(old).toMatchObject({ seriesStatus: 'Immune', forecast: { earliest: null } });
  });

  it('skips a target dose in the forecast by age (adults need no second dose)', () => {
    const r = evaluateAndForecast(
      data,
      { birthDate: '1990-01-10' },
      [{ date: '2015-01-01', cvx: '900' }],
      '2020-01-01',
    )[0];
    expect(r?.seriesStatus).toBe('Complete');
  });
});

describe('where the supporting data lives', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('explicit folder, else RVP_CDSI_DIR, else shared/cdsi next to the repository', () => {
    expect(resolveSupportingDataDir('/x')).toBe('/x');
    vi.stubEnv('RVP_CDSI_DIR', '/from-env');
    expect(resolveSupportingDataDir()).toBe('/from-env');
    vi.stubEnv('RVP_CDSI_DIR', '');
    expect(resolveSupportingDataDir()).toBe(join(defaultCdsiRoot(), 'supporting-data-4.64'));
    expect(defaultCdsiRoot()).toMatch(/shared[/\\]cdsi[/\\]?$/);
  });

  it.skipIf(!existsSync(join(defaultCdsiRoot(), 'supporting-data-4.64')))(
    'accepts the CDSi folder itself and finds the supporting data inside',
    () => {
      expect(resolveSupportingDataDir(defaultCdsiRoot())).toBe(
        join(defaultCdsiRoot(), 'supporting-data-4.64'),
      );
    },
  );

  it.skipIf(!existsSync(join(defaultCdsiRoot(), 'supporting-data-4.64')))(
    'loads the CDSi 4.64 data once: 30 antigens, 26 vaccine groups',
    async () => {
      const a = loadCdsiSupportingData();
      const data = await a;
      expect(loadCdsiSupportingData()).toBe(a);
      expect(data.antigens.size).toBe(30);
      expect(data.vaccineGroups).toHaveLength(26);
      expect(data.vaccineGroups.find((g) => g.name === 'MMR')).toMatchObject({
        administerFullVaccineGroup: true,
        antigens: ['Measles', 'Mumps', 'Rubella'],
      });
    },
  );
});
