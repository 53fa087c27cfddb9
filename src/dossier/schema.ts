import type { Generated } from 'kysely';
import type { AuditEventTable, Gender } from '../db/shared-tables.js';
import type { TransferTables } from './transfer-tables.js';
import type { SideEffectTables } from './side-effects-tables.js';
import type { SessionTables } from './sessions-schema.js';

/** Kysely types of the dossier database (migrations/dossier). */
export interface DossierSchema
  extends ConsentTables, ExchangeTables, TransferTables, SideEffectTables, SessionTables {
  organisation: { ura: string; name: string };
  staff_user: {
    id: string;
    name: string;
    organisation_ura: string;
    role: DossierRole;
    created_at: Generated<Date>;
    password_hash: string | null;
    failed_sign_ins: Generated<number>;
    locked_until: Date | null;
  };
  client: {
    id: Generated<string>;
    organisation_ura: string;
    kind: 'youth' | 'client';
    dossier_number: string;
    dossier_status: Generated<'01' | '02'>;
    bsn: string | null;
    given_name: string;
    name_prefix: string | null;
    family_name: string;
    gender: Gender;
    birth_date: string;
    street: string | null;
    house_number: number | null;
    house_letter: string | null;
    house_number_addition: string | null;
    postcode: string | null;
    city: string | null;
    municipality_code: string | null;
    created_at: Generated<Date>;
    // Issue 12 (migration 012): closed by a transfer to this organisation (R-V8); in care elsewhere (R-V9).
    transferred_to_ura: string | null;
    transferred_on: string | null;
    caring_ura: string | null;
  };
  related_person: {
    id: Generated<string>;
    organisation_ura: string;
    bsn: string | null;
    given_name: string;
    name_prefix: string | null;
    family_name: string;
    gender: Gender;
    birth_date: string | null;
    phone: string | null; // migration 009 (issue 9): for the call list
  };
  client_relation: {
    client_id: string;
    person_id: string;
    relation: 'parent' | 'guardian' | 'legal-representative';
    has_custody: boolean;
  };
  audit_event: AuditEventTable;
}

export type DossierRole = 'jgz-professional' | 'jgz-planner' | 'jgz-admin';
export type { Gender };

export interface ConsentTables {
  competence_judgement: {
    id: Generated<string>;
    client_id: string;
    organisation_ura: string;
    judged_on: string;
    competent: boolean;
    explanation: string;
    registered_by: string;
    registered_at: Generated<Date>;
    origin_ura: string | null; // migration 012: copied in with a transfer (R-V8)
    origin_judgement_id: string | null;
  };
  consent_record: {
    id: Generated<string>;
    client_id: string;
    organisation_ura: string;
    agreed: boolean;
    source_person_id: string | null;
    source: '01' | '03' | '04' | '05';
    consent_date: string;
    method: ConsentMethod | null;
    note: string | null;
    registered_by: string;
    registered_at: Generated<Date>;
    origin_ura: string | null; // migration 012: copied in with a transfer (R-V8)
    origin_record_id: string | null;
  };
  consent_record_end: {
    record_id: string;
    end_date: string;
    ended_by_record_id: string | null;
    registered_by: string;
    registered_at: Generated<Date>;
  };
}

export type ConsentMethod = 'written' | 'verbal' | 'phone' | 'portal' | 'other';

export interface ExchangeTables {
  activity: {
    id: Generated<string>;
    organisation_ura: string;
    client_id: string;
    activity_id: string;
    activity_type: string;
    activity_date: string;
    origin_ura: string;
    version: Generated<number>;
    created_by: string;
    created_at: Generated<Date>;
  };
  vaccination: {
    id: Generated<string>;
    activity_pk: string;
    vaccine_type: string;
    vaccination_date: string;
    batch_number: string;
    performer: string;
    location: string;
    objection: '1' | '2' | '98' | null;
    status: Generated<'active' | 'cancelled'>;
    recorded_by: string;
    recorded_at: Generated<Date>;
    changed_by: string | null;
    changed_at: Date | null;
  };
  outbox_message: {
    id: Generated<string>;
    organisation_ura: string;
    activity_pk: string;
    version: number;
    reason: OutboxReason;
    urgency: 'nightly' | 'immediate';
    released: boolean;
    state: Generated<OutboxState>;
    attempts: Generated<number>;
    next_attempt_at: Generated<Date>;
    last_error: string | null;
    sent_kind: 'personalised' | 'anonymous' | null;
    sent_at: Date | null;
    registry_outcome: string | null;
    registry_reason: string | null;
    validity_feedback: unknown;
    created_at: Generated<Date>;
  };
  organisation_signing_key: {
    kid: string;
    organisation_ura: string;
    private_jwk: unknown;
    public_jwk: unknown;
    created_at: Generated<Date>;
  };
}

export type OutboxReason = 'new' | 'correction' | 'cancellation' | 'repair';
export type OutboxState = 'queued' | 'sent' | 'held' | 'refused' | 'superseded';
