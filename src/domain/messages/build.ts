import type { IsoDate } from '../dates/index.js';
import { normalisePostcode } from '../identifiers/index.js';
import type { AddressKind, DossierStatus, Gender, ObjectionCode } from './codes.js';
import {
  ANONYMOUS_SCHEMA,
  PERSONALISED_SCHEMA,
  type AnonymousMessage,
  type PersonalisedMessage,
  type VaccinationMessage,
} from './schema.js';

/** One vaccination of an activity as the dossier holds it (R-V1). */
export interface VaccinationSnapshot {
  vaccineType: string; // BDS 461 (W0422)
  date: IsoDate; // BDS 1409
  batchNumber: string; // BDS 472
  performer: string; // BDS 1336
  location: string; // BDS 1452
  objection?: ObjectionCode | null; // BDS 683 (W0323)
}

/**
 * Everything the dossier knows about one activity at send time. The builders copy only the fields a
 * message may carry; whatever else is attached to these objects never reaches the wire.
 */
export interface ActivitySnapshot {
  organisationUra: string; // BDS 603
  version: number;
  dossier: { number: string; status: DossierStatus }; // BDS 695, 696
  client: {
    bsn: string | null; // BDS 7; null: no BSN known (R-V6)
    givenName: string; // BDS 6
    prefix: string | null; // BDS 3
    familyName: string; // BDS 4
    gender: Gender; // BDS 19
    birthDate: IsoDate; // BDS 20
    address: {
      kind?: AddressKind; // BDS 8; default '01' (BRP/COA address)
      houseNumber: number; // BDS 12
      houseLetter: string | null; // BDS 13
      houseNumberAddition: string | null; // BDS 14
      postcode: string; // BDS 16; any spelling, normalised to 1234AB
    } | null;
  };
  activity: { id: string; type: string; date: IsoDate }; // BDS 1377, 494, 724
  vaccinations: readonly VaccinationSnapshot[];
}

/** R-C7: all the registry may learn about consent besides "it was given". */
export interface ConsentSummary {
  date: IsoDate;
  organisationUra: string;
}

export type ConsentDecisionValue = 'toestemming' | 'geen-toestemming';

const emptyToNull = (value: string | null | undefined): string | null =>
  value === null || value === undefined || value === '' ? null : value;

function pickActivity(snapshot: ActivitySnapshot): AnonymousMessage['activity'] {
  const { id, type, date } = snapshot.activity;
  return { id, type, date };
}

/** Message 4a: built field by field from the allowed list (R-V3), never by deleting from a copy. */
export function buildAnonymousMessage(snapshot: ActivitySnapshot): AnonymousMessage {
  return {
    schema: ANONYMOUS_SCHEMA,
    version: snapshot.version,
    organisationUra: snapshot.organisationUra,
    dossierStatus: snapshot.dossier.status,
    activity: pickActivity(snapshot),
    vaccinations: snapshot.vaccinations.map((v) => ({
      vaccineType: v.vaccineType,
      date: v.date,
      batchNumber: v.batchNumber,
      performer: v.performer,
      location: v.location,
    })),
  };
}

/**
 * Message 4 (R-V2). Throws when the client has no BSN: a personalised message needs one
 * (chooseMessage never asks for it then). The postcode is normalised to 1234AB when it is a valid
 * postcode; otherwise it is passed on as is and validateMessage reports it.
 */
export function buildPersonalisedMessage(
  snapshot: ActivitySnapshot,
  consent: ConsentSummary,
): PersonalisedMessage {
  const { client } = snapshot;
  if (client.bsn === null || client.bsn.trim() === '') {
    throw new Error('Bericht 4 (gepersonaliseerd) kan niet zonder BSN worden opgesteld.');
  }
  const address = client.address;
  return {
    schema: PERSONALISED_SCHEMA,
    version: snapshot.version,
    organisationUra: snapshot.organisationUra,
    dossier: { number: snapshot.dossier.number, status: snapshot.dossier.status },
    client: {
      bsn: client.bsn,
      givenName: client.givenName,
      prefix: emptyToNull(client.prefix),
      familyName: client.familyName,
      gender: client.gender,
      birthDate: client.birthDate,
      address:
        address === null
          ? null
          : {
              kind: address.kind ?? '01',
              houseNumber: address.houseNumber,
              houseLetter: emptyToNull(address.houseLetter),
              houseNumberAddition: emptyToNull(address.houseNumberAddition),
              postcode: normalisePostcode(address.postcode) ?? address.postcode,
            },
    },
    consent: { given: true, date: consent.date, organisationUra: consent.organisationUra },
    activity: pickActivity(snapshot),
    vaccinations: snapshot.vaccinations.map((v) => ({
      vaccineType: v.vaccineType,
      date: v.date,
      batchNumber: v.batchNumber,
      performer: v.performer,
      location: v.location,
      objection: v.objection ?? null,
    })),
  };
}

/** True when the snapshot's client has a BSN to send. */
export function hasBsn(snapshot: ActivitySnapshot): boolean {
  return snapshot.client.bsn !== null && snapshot.client.bsn.trim() !== '';
}

/**
 * R-C5 / R-V5: which message goes out, decided at send time from the consent decision on that day.
 * Personalised only with 'toestemming' and a BSN; otherwise anonymous (a youth without BSN goes
 * anonymous here; the RVP Online analogue of R-V6 is separate). Throws when the decision is
 * 'toestemming' but no consent summary is given: that is a programming error, not a reason to guess.
 */
export function chooseMessage(
  snapshot: ActivitySnapshot,
  consentDecision: ConsentDecisionValue,
  consent: ConsentSummary | null,
): VaccinationMessage {
  if (consentDecision === 'toestemming' && hasBsn(snapshot)) {
    if (consent === null) {
      throw new Error(
        "chooseMessage: beslissing 'toestemming' zonder datum en organisatie van de toestemming.",
      );
    }
    return buildPersonalisedMessage(snapshot, consent);
  }
  return buildAnonymousMessage(snapshot);
}

/**
 * The anonymous form of a personalised message: what the registry keeps when a citizen asks it to
 * unlink the personal data (R-R6). Same activity, version and vaccinations; no personal field.
 */
export function anonymise(message: PersonalisedMessage): AnonymousMessage {
  return {
    schema: ANONYMOUS_SCHEMA,
    version: message.version,
    organisationUra: message.organisationUra,
    dossierStatus: message.dossier.status,
    activity: { id: message.activity.id, type: message.activity.type, date: message.activity.date },
    vaccinations: message.vaccinations.map((v) => ({
      vaccineType: v.vaccineType,
      date: v.date,
      batchNumber: v.batchNumber,
      performer: v.performer,
      location: v.location,
    })),
  };
}
