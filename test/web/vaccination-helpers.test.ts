/**
 * The pure helpers behind the vaccination sections, the exchange page, the audit trail and the
 * registry's worklist (src/web/dossier/vaccinations.ts, exchange.ts, src/web/registry/worklist.ts,
 * src/web/shared/form-errors.ts, context.ts), run in Node: the message states in plain Dutch, the
 * forms' checks and the server's refusals at the right field, the status query's refusals and the
 * registry's validity assessment.
 */
import { describe, expect, it } from 'vitest';
import type { Problem } from '../../src/web/shared/api.js';
import { navItemsFor } from '../../src/web/shared/context.js';
import { mapFieldErrors } from '../../src/web/shared/form-errors.js';
import { repairsText } from '../../src/web/dossier/consent.js';
import {
  auditActionLabel,
  auditActors,
  isWriteAction,
  runCounts,
  runSummary,
  deliveryErrorText,
  worklistStateLabel,
  type AuditEntry,
  type ExchangeRunResult,
} from '../../src/web/dossier/exchange.js';
import {
  activityFieldOf,
  checkActivityForm,
  checkCorrection,
  codeName,
  correctionFieldOf,
  countVaccinations,
  currentMessage,
  deliveryPending,
  dutchFieldMessage,
  dutchReason,
  emptyActivityForm,
  forecastOf,
  forecastStatusLabel,
  formatMoment,
  mapActivityErrors,
  mapCorrectionErrors,
  messageStateText,
  nextVaccinationRow,
  reasonLabel,
  ruleOf,
  seriesStatusLabel,
  statusRefusal,
  toActivityRequest,
  toCorrection,
  vaccineGroupLabel,
  validityOf,
  type ActivityFormValues,
  type MessageState,
  type Vaccination,
} from '../../src/web/dossier/vaccinations.js';
import { countMessages, intakeRuleLabel } from '../../src/web/registry/worklist.js';

const message = (patch: Partial<MessageState> = {}): MessageState => ({
  version: 1,
  reason: 'new',
  state: 'queued',
  urgency: 'nightly',
  sentKind: null,
  sentAt: null,
  attempts: 0,
  nextAttemptAt: '2026-03-01T01:00:00.000Z',
  lastError: null,
  registryOutcome: null,
  registryReason: null,
  ...patch,
});

// 2026-03-01 12:00 in Amsterdam (CET, UTC+1).
const now = new Date('2026-03-01T11:00:00Z');

describe('the state of a message to the registry, in plain Dutch', () => {
  it('waits for the nightly delivery, or for today’s', () => {
    expect(messageStateText(message(), now)).toEqual({
      text: 'Wacht op nachtelijke verzending',
      tone: 'waiting',
    });
    expect(messageStateText(message({ urgency: 'immediate', reason: 'repair' }), now).text).toBe(
      'Herstel wacht op verzending (vandaag nog)',
    );
    expect(messageStateText(message({ urgency: 'immediate' }), now).text).toBe(
      'Wacht op verzending (vandaag nog)',
    );
  });

  it('names personalised (4) and anonymous (4a) deliveries with the moment', () => {
    const sentAt = '2026-03-01T01:00:00.000Z'; // 02:00 in Amsterdam
    expect(messageStateText(message({ state: 'sent', sentKind: 'personalised', sentAt }), now)).toEqual({
      text: 'Verstuurd met persoonsgegevens (bericht 4) op 01-03-2026 02:00',
      tone: 'ok',
    });
    expect(messageStateText(message({ state: 'sent', sentKind: 'anonymous', sentAt }), now).text).toBe(
      'Verstuurd zonder persoonsgegevens (bericht 4a) op 01-03-2026 02:00',
    );
    expect(
      messageStateText(message({ state: 'sent', sentKind: 'personalised', sentAt, reason: 'repair' }), now)
        .text,
    ).toBe('Hersteld: opnieuw verstuurd met persoonsgegevens (bericht 4) op 01-03-2026 02:00');
  });

  it('says when the registry had it already or had a newer version', () => {
    const sent = { state: 'sent', sentKind: 'anonymous' as const, sentAt: '2026-03-01T01:00:00Z' };
    expect(messageStateText(message({ ...sent, registryOutcome: 'duplicate' }), now).text).toMatch(
      /Het register had dit bericht al ontvangen\.$/,
    );
    expect(messageStateText(message({ ...sent, registryOutcome: 'stale' }), now).text).toContain(
      'al een nieuwere versie',
    );
  });

  it('gives the registry’s reason for a refusal or the worklist', () => {
    expect(messageStateText(message({ state: 'refused', registryReason: 'BSN voldoet niet.' }), now)).toEqual(
      {
        text: 'Geweigerd door het register: BSN voldoet niet.',
        tone: 'error',
      },
    );
    expect(messageStateText(message({ state: 'held', registryReason: 'BSN onbekend.' }), now)).toEqual({
      text: 'Op werklijst register: BSN onbekend.',
      tone: 'attention',
    });
    expect(messageStateText(message({ state: 'refused' }), now).text).toBe(
      'Geweigerd door het register: geen reden opgegeven',
    );
  });

  it('announces the next attempt after a failed delivery', () => {
    const retry = message({
      attempts: 2,
      nextAttemptAt: '2026-03-01T11:30:00Z',
      lastError: 'registry answered 503',
    });
    expect(messageStateText(retry, now)).toEqual({
      text: 'Nieuwe poging om 12:30 (2 pogingen): Storing bij het register (HTTP 503).',
      tone: 'attention',
    });
    expect(messageStateText(message({ attempts: 1, nextAttemptAt: '2026-03-02T09:00:00Z' }), now).text).toBe(
      'Nieuwe poging om 02-03-2026 10:00 (1 poging)',
    );
  });

  it('marks a version that was replaced before it was sent', () => {
    expect(messageStateText(message({ state: 'superseded' }), now)).toEqual({
      text: 'Niet verstuurd: vervangen door een nieuwere versie',
      tone: 'muted',
    });
  });

  it('formats a moment as a time today and as date and time otherwise', () => {
    expect(formatMoment('2026-03-01T22:59:00Z', now)).toBe('23:59');
    expect(formatMoment('2026-03-01T23:00:00Z', now)).toBe('02-03-2026 00:00');
  });

  it('takes the newest version as the current message, and knows when a delivery is imminent', () => {
    const messages = [
      message({ version: 1, state: 'sent' }),
      message({ version: 3 }),
      message({ version: 2 }),
    ];
    expect(currentMessage({ messages })?.version).toBe(3);
    expect(currentMessage({ messages: [] })).toBeUndefined();
    const repair = message({ version: 2, urgency: 'immediate', reason: 'repair' });
    expect(deliveryPending([{ messages: [repair, message({ state: 'sent' })] }])).toBe(true);
    expect(deliveryPending([{ messages: [{ ...repair, state: 'sent' }] }])).toBe(false);
    expect(deliveryPending([{ messages: [{ ...repair, attempts: 1 }] }])).toBe(false); // retries wait
    expect(deliveryPending([{ messages: [message()] }])).toBe(false); // nightly
  });

  it('labels reasons and counts', () => {
    expect(reasonLabel('repair')).toBe('herstel na toestemming');
    expect(reasonLabel('cancellation')).toBe('annulering');
    expect(reasonLabel('other')).toBe('other');
    expect(countVaccinations(1)).toBe('1 vaccinatie');
    expect(countVaccinations(0)).toBe('0 vaccinaties');
    expect(codeName([{ code: '11', name: 'DKTP-Hib-HepB' }], '11')).toBe('DKTP-Hib-HepB');
    expect(codeName([{ code: '11', name: 'DKTP-Hib-HepB' }], '99')).toBe('code 99');
    expect(codeName(undefined, null)).toBe('');
  });
});

const filled = (): ActivityFormValues => ({
  activityType: '01',
  activityDate: '2026-03-01',
  vaccinations: [
    {
      key: 0,
      vaccineType: '11',
      date: '2026-03-01',
      batchNumber: ' A123 ',
      performer: 'JGZ Test',
      location: 'CB Centrum',
      objection: '',
    },
  ],
});

describe('the form to record a contact moment', () => {
  it('starts empty: nothing chosen for the user', () => {
    const empty = emptyActivityForm(7);
    expect(empty.activityType).toBe('');
    expect(empty.vaccinations).toEqual([
      { key: 7, vaccineType: '', date: '', batchNumber: '', performer: '', location: '', objection: '' },
    ]);
  });

  it('copies date, performer and location to another vaccination, never the vaccine or batch', () => {
    const first = filled().vaccinations[0]!;
    expect(nextVaccinationRow({ ...first, objection: '1' }, 4)).toEqual({
      key: 4,
      vaccineType: '',
      date: '2026-03-01',
      batchNumber: '',
      performer: 'JGZ Test',
      location: 'CB Centrum',
      objection: '',
    });
    expect(nextVaccinationRow(undefined, 1).date).toBe('');
  });

  it('names every missing field with the server’s path, and too long text', () => {
    const values = emptyActivityForm();
    const errors = checkActivityForm(values);
    expect(errors.map((e) => e.field)).toEqual([
      'body.activityType',
      'body.activityDate',
      'body.vaccinations[0].vaccineType',
      'body.vaccinations[0].date',
      'body.vaccinations[0].batchNumber',
      'body.vaccinations[0].performer',
      'body.vaccinations[0].location',
    ]);
    expect(errors.every((e) => e.rule === 'required')).toBe(true);
    expect(errors[2]?.message).toBe('Kies het vaccin.');
    const long = filled();
    long.vaccinations[0]!.location = 'x'.repeat(51);
    expect(checkActivityForm(long)).toEqual([
      {
        field: 'body.vaccinations[0].location',
        rule: 'max-length',
        message: 'Locatie: te lang, maximaal 50 tekens (nu 51).',
      },
    ]);
    expect(checkActivityForm(filled())).toEqual([]);
    // Future dates are the server's to refuse.
    const future = filled();
    future.vaccinations[0]!.date = '2999-01-01';
    expect(checkActivityForm(future)).toEqual([]);
  });

  it('sends trimmed text and leaves out an objection that was not chosen', () => {
    expect(toActivityRequest(filled())).toEqual({
      activityType: '01',
      activityDate: '2026-03-01',
      vaccinations: [
        {
          vaccineType: '11',
          date: '2026-03-01',
          batchNumber: 'A123',
          performer: 'JGZ Test',
          location: 'CB Centrum',
        },
      ],
    });
    const withObjection = filled();
    withObjection.vaccinations[0]!.objection = '2';
    expect(toActivityRequest(withObjection).vaccinations[0]?.objection).toBe('2');
  });

  it('puts the server’s refusals at the field of the right vaccination', () => {
    expect(activityFieldOf('body.vaccinations[1].date')).toBe('vaccinations[1].date');
    expect(activityFieldOf('body.activityDate')).toBe('activityDate');
    expect(activityFieldOf('body.vaccinations')).toBe('vaccinations');
    expect(activityFieldOf('body.vaccinations[0].unknown')).toBeUndefined();
    expect(activityFieldOf('client')).toBeUndefined();
    const mapped = mapActivityErrors([
      {
        field: 'body.vaccinations[1].date',
        rule: 'no-future-date',
        message: 'Een vaccinatie kan niet in de toekomst liggen.',
      },
      { field: 'body.vaccinations[0].batchNumber', rule: 'too_big', message: 'Too big: expected <=50' },
      { field: 'body.foo', rule: 'unrecognized_keys', message: 'Unrecognized key' },
    ]);
    expect(mapped.byField['vaccinations[1].date']).toEqual([
      'Een vaccinatie kan niet in de toekomst liggen.',
    ]);
    expect(mapped.byField['vaccinations[0].batchNumber']).toEqual([
      'Batchnummer: te lang, maximaal 50 tekens.',
    ]);
    expect(mapped.other).toEqual(['Unrecognized key']);
  });

  it('words the schema’s English messages in Dutch, and keeps the service’s own', () => {
    const at = (rule: string, field = 'body.vaccinations[0].performer') =>
      dutchFieldMessage({ field, rule, message: 'English' });
    expect(at('too_small')).toBe('Uitvoerende instantie: vul dit in.');
    expect(at('invalid_value', 'body.vaccinations[0].vaccineType')).toBe(
      'Vaccin: kies een waarde uit de lijst.',
    );
    expect(at('invalid_format', 'body.activityDate')).toBe('Datum contactmoment: geen geldige datum.');
    expect(at('no-future-date')).toBe('English');
    expect(at('too_big', 'body.unknown')).toBe('English');
  });
});

const vaccination: Vaccination = {
  id: 'v1',
  vaccineType: '11',
  date: '2026-03-01',
  batchNumber: 'A123',
  performer: 'JGZ Test',
  location: 'CB',
  objection: null,
  status: 'active',
};

describe('correcting a vaccination', () => {
  const values = {
    vaccineType: '11',
    date: '2026-03-01',
    batchNumber: 'A123',
    performer: 'JGZ Test',
    location: 'CB',
    objection: '',
  };

  it('sends only what changed, an objection taken away as null', () => {
    expect(toCorrection(vaccination, values)).toEqual({});
    expect(toCorrection(vaccination, { ...values, batchNumber: ' A124 ' })).toEqual({ batchNumber: 'A124' });
    expect(toCorrection(vaccination, { ...values, objection: '98', date: '2026-02-28' })).toEqual({
      objection: '98',
      date: '2026-02-28',
    });
    expect(toCorrection({ ...vaccination, objection: '1' }, values)).toEqual({ objection: null });
  });

  it('checks required fields, and maps both paths the service uses for a date', () => {
    expect(checkCorrection({ ...values, batchNumber: ' ' }).map((e) => e.field)).toEqual([
      'body.batchNumber',
    ]);
    expect(correctionFieldOf('body.vaccinations[0].date')).toBe('date');
    expect(correctionFieldOf('body.performer')).toBe('performer');
    expect(correctionFieldOf('body.vaccinations')).toBeUndefined();
    expect(
      mapCorrectionErrors([
        { field: 'body.vaccinations[0].date', rule: 'not-before-birth', message: 'Vóór de geboortedatum.' },
      ]).byField.date,
    ).toEqual(['Vóór de geboortedatum.']);
  });
});

const problem = (patch: Partial<Problem>): Problem => ({
  type: 'about:blank',
  title: 'T',
  status: 409,
  ...patch,
});

describe('the status query’s refusals (R-C6)', () => {
  it('finds the rule in the field errors or in the problem type', () => {
    expect(ruleOf(problem({ errors: [{ field: 'client', rule: 'no-consent', message: 'x' }] }))).toBe(
      'no-consent',
    );
    expect(ruleOf(problem({ type: 'urn:open-rvp:problem:no-consent-known' }))).toBe('no-consent-known');
    expect(ruleOf(problem({}))).toBeNull();
  });

  it('explains a missing consent, with the way to the consent page', () => {
    const refusal = statusRefusal(
      problem({
        type: 'urn:open-rvp:problem:no-consent',
        title: 'Statusvraag niet toegestaan',
        errors: [
          { field: 'client', rule: 'no-consent', message: 'Geen toestemming gegevensuitwisseling RVP.' },
        ],
      }),
    );
    expect(refusal.kind).toBe('no-consent');
    expect(refusal.title).toBe('Geen toestemming: de vaccinatiestatus is niet opgevraagd.');
    expect(refusal.explanation).toContain('beide richtingen');
  });

  it('explains the registry’s refusals and an unreachable registry', () => {
    const known = statusRefusal(
      problem({
        type: 'urn:open-rvp:problem:no-consent-known',
        title: 'Register weigert de statusvraag',
        detail: 'Het register heeft geen toestemming voor deze persoon ontvangen.',
      }),
    );
    expect(known.kind).toBe('registry');
    expect(known.explanation).toContain('eerstvolgende bericht met persoonsgegevens');
    expect(statusRefusal(problem({ type: 'urn:open-rvp:problem:unlinked' })).explanation).toContain(
      'ontkoppelen',
    );
    expect(statusRefusal(problem({ type: 'urn:open-rvp:problem:unknown-person' })).kind).toBe('registry');
    const down = statusRefusal(problem({ status: 502, type: 'urn:open-rvp:problem:registry-unreachable' }));
    expect(down.kind).toBe('unreachable');
    expect(statusRefusal(problem({ status: 0, title: 'Geen verbinding' })).kind).toBe('unreachable');
    expect(statusRefusal(problem({ type: 'urn:open-rvp:problem:no-bsn' })).explanation).toContain('geen BSN');
    const other = statusRefusal(problem({ status: 500, title: 'Interne fout', detail: 'Kapot.' }));
    expect(other).toMatchObject({ kind: 'other', title: 'Interne fout', explanation: 'Kapot.' });
  });
});

describe('the registry’s assessment in the status answer', () => {
  it('reads validity as an object, a word or a boolean, with the reason in Dutch', () => {
    expect(validityOf({ validity: { status: 'Valid', reason: null } })).toEqual({
      label: 'Geldig',
      reason: null,
    });
    expect(validityOf({ validity: { status: 'Not Valid', reason: 'Age: Too Young' } })).toEqual({
      label: 'Ongeldig',
      reason: 'Leeftijd: te jong',
    });
    expect(validityOf({ validity: 'Extraneous' })?.label).toBe('Overbodig');
    expect(validityOf({ valid: false, reasons: ['Interval: Too Soon', 'Gender'] })).toEqual({
      label: 'Ongeldig',
      reason: 'Interval: te kort na de vorige dosis; Geslacht',
    });
    expect(validityOf({ validity: { status: 'Not evaluated', reason: null } })?.label).toBe(
      'Niet beoordeeld',
    );
    expect(validityOf({ vaccineType: '11' })).toBeNull();
    expect(dutchReason('Something new')).toBe('Something new');
  });

  it('reads the forecast when there is one', () => {
    expect(forecastOf({ vaccinations: [] })).toEqual([]);
    const group = {
      vaccineGroup: 'Pneumococcal',
      seriesStatus: 'Not complete',
      status: 'overdue',
      doseNumber: 1,
      earliest: '2026-01-01',
      recommended: null,
      pastDue: null,
      latest: null,
    };
    expect(forecastOf({ forecast: [group, { junk: true }] })).toEqual([group]);
    expect(vaccineGroupLabel('Pneumococcal')).toBe('Pneumokokken');
    expect(vaccineGroupLabel('BMR')).toBe('BMR');
    expect(forecastStatusLabel('overdue')).toBe('Te laat');
    expect(forecastStatusLabel('weird')).toBe('weird');
    expect(seriesStatusLabel('Not complete')).toBe('Niet compleet');
  });
});

describe('the exchange page and the audit trail', () => {
  const result: ExchangeRunResult = {
    attempted: 3,
    sent: 1,
    held: 1,
    refused: 0,
    failed: 1,
    personalised: 0,
    anonymous: 1,
  };

  it('labels the counts of a delivery run and sums it up in one sentence', () => {
    expect(runCounts(result).map((c) => [c.key, c.value])).toEqual([
      ['attempted', 3],
      ['sent', 1],
      ['personalised', 0],
      ['anonymous', 1],
      ['held', 1],
      ['refused', 0],
      ['failed', 1],
    ]);
    expect(runSummary(result)).toBe(
      '1 van 3 verstuurd, 1 op de werklijst van het register, 1 mislukt; die worden later opnieuw aangeboden.',
    );
    expect(runSummary({ ...result, attempted: 0 })).toBe(
      'Er stonden geen berichten klaar: er is niets verstuurd.',
    );
    expect(worklistStateLabel('refused')).toBe('Geweigerd door het register');
    expect(worklistStateLabel('held')).toBe('Op werklijst register');
    expect(worklistStateLabel('undelivered')).toBe('Nog niet afgeleverd');
  });

  it.each([
    [
      'registry answered 422: De handtekening van het bericht klopt niet.',
      'Het register weigerde de hele zending (HTTP 422): De handtekening van het bericht klopt niet.',
    ],
    ['registry answered 413', 'Het register weigerde de hele zending (HTTP 413).'],
    ['registry answered 503', 'Storing bij het register (HTTP 503).'],
    ['registry answered without results', 'Het register gaf een onbruikbaar antwoord.'],
    ['fetch failed', 'Het register was niet bereikbaar (fetch failed).'],
    [
      'The operation was aborted due to timeout',
      'Het register was niet bereikbaar (The operation was aborted due to timeout).',
    ],
    ['Formulier niet op te bouwen: geen vaccinaties', 'Formulier niet op te bouwen: geen vaccinaties'],
  ])('tells the operator why a delivery failed: %s', (error, text) => {
    expect(deliveryErrorText(error)).toBe(text);
  });

  it('names the audited actions and groups them by person, latest first', () => {
    expect(auditActionLabel('vaccination.record')).toBe('Vaccinatie geregistreerd');
    expect(auditActionLabel('vaccination-status.query')).toBe('Vaccinatiestatus opgevraagd bij het register');
    expect(auditActionLabel('new.thing')).toBe('new.thing');
    expect(isWriteAction('consent.register')).toBe(true);
    expect(isWriteAction('vaccination.cancel')).toBe(true);
    expect(isWriteAction('consent.history.read')).toBe(false);
    const entry = (actorId: string, at: string, actorName: string | null = actorId): AuditEntry => ({
      at,
      actorId,
      actorName,
      action: 'client.read',
      requestId: null,
    });
    expect(
      auditActors([
        entry('a', '2026-03-01T10:00:00Z', 'Anna'),
        entry('b', '2026-03-01T12:00:00Z', null),
        entry('a', '2026-03-01T11:00:00Z', 'Anna'),
      ]),
    ).toEqual([
      { actorId: 'b', name: 'b', count: 1, last: '2026-03-01T12:00:00Z' },
      { actorId: 'a', name: 'Anna', count: 2, last: '2026-03-01T11:00:00Z' },
    ]);
  });

  it('tells on the consent page how many contact moments are repaired', () => {
    expect(repairsText(0)).toBe('');
    expect(repairsText(undefined)).toBe('');
    expect(repairsText(1)).toBe(
      ' 1 eerder zonder persoonsgegevens verstuurd contactmoment wordt vandaag opnieuw verstuurd, nu met persoonsgegevens (herstel).',
    );
    expect(repairsText(2)).toContain('2 eerder zonder persoonsgegevens verstuurde contactmomenten worden');
  });
});

describe('shared pieces and the registry’s worklist', () => {
  it('shows role-bound menu items only to those roles', () => {
    const items = [
      { label: 'Cliënten', path: '/clients' },
      { label: 'Uitwisseling', path: '/exchange', roles: ['jgz-admin', 'jgz-planner'] },
    ];
    expect(navItemsFor(items, 'jgz-professional').map((i) => i.label)).toEqual(['Cliënten']);
    expect(navItemsFor(items, 'jgz-planner').map((i) => i.label)).toEqual(['Cliënten', 'Uitwisseling']);
  });

  it('maps field errors without repeating a message', () => {
    const mapped = mapFieldErrors(
      [
        { field: 'a', rule: 'r', message: 'x' },
        { field: 'a', rule: 's', message: 'x' },
        { field: 'b', rule: 'r', message: 'y' },
        { field: 'c', rule: 'r', message: 'y' },
      ],
      (path) => (path === 'a' ? 'first' : undefined),
    );
    expect(mapped).toEqual({ byField: { first: ['x'] }, other: ['y'] });
  });

  it('labels the intake rules', () => {
    expect(intakeRuleLabel('bsn-11-check')).toBe('BSN voldoet niet aan de elfproef');
    expect(intakeRuleLabel('unknown-bsn')).toBe('BSN onbekend in het register');
    expect(intakeRuleLabel('brand-new')).toBe('brand-new');
    expect(countMessages(1)).toBe('1 bericht');
    expect(countMessages(3)).toBe('3 berichten');
  });
});
