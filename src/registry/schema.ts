import type { CampaignTables } from '../campaigns/schema.js';
import type { CitizenRequestTables } from './citizen-requests.js';
import type { RegistrationFormTables } from './registration-form.js';
import type { PopulationTables } from './population-import.js';
import type { Generated } from 'kysely';
import type { AuditEventTable, Gender } from '../db/shared-tables.js';

/** Kysely types of the registry database (migrations/registry). */
export interface RegistrySchema
  extends
    IntakeTables,
    InvitationTables,
    InsertTables,
    PopulationTables,
    CitizenRequestTables,
    CampaignTables,
    RegistrationFormTables {
  municipality: { code: string; name: string; province: string; organisation_ura: string | null };
  organisation: { ura: string; name: string };
  staff_user: {
    id: string;
    name: string;
    role: RegistryRole;
    organisation_name: string;
    municipality_code: string | null;
    created_at: Generated<Date>;
    password_hash: string | null;
    failed_sign_ins: Generated<number>;
    locked_until: Date | null;
  };
  person: {
    id: Generated<string>;
    bsn: string;
    source: 'brp' | 'coa';
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
    deceased_on: string | null;
    emigrated_on: string | null;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
  };
  audit_event: AuditEventTable;
}

export type RegistryRole = 'registry-staff' | 'registry-analyst' | 'municipality-officer';

export interface IntakeTables {
  received_activity: {
    organisation_ura: string;
    activity_id: string;
    version: number;
    kind: 'personalised' | 'anonymous';
    received_at: Generated<Date>;
  };
  vaccination_event: {
    id: Generated<string>;
    person_id: string;
    organisation_ura: string;
    activity_id: string;
    activity_type: string;
    activity_date: string;
    version: number;
    vaccine_type: string;
    vaccination_date: string;
    batch_number: string;
    performer: string;
    location: string;
    objection: string | null;
    received_at: Generated<Date>;
  };
  anonymous_vaccination: {
    id: Generated<string>;
    organisation_ura: string;
    activity_id: string;
    activity_type: string;
    activity_date: string;
    dossier_status: string;
    version: number;
    vaccine_type: string;
    vaccination_date: string;
    batch_number: string;
    performer: string;
    location: string;
    received_at: Generated<Date>;
  };
  consent_fact: {
    person_id: string;
    organisation_ura: string;
    consent_date: string;
    received_at: Generated<Date>;
  };
  intake_worklist: {
    id: Generated<string>;
    organisation_ura: string;
    activity_id: string;
    version: number;
    reason_code: string;
    reason: string;
    message: unknown;
    received_at: Generated<Date>;
    resolved_at: Date | null;
  };
  intake_refusal: {
    id: Generated<number>;
    organisation_ura: string | null;
    activity_id: string | null;
    version: number | null;
    rule: string;
    reason: string;
    received_at: Generated<Date>;
  };
  unlink_request: {
    id: Generated<string>;
    person_id: string;
    requested_at: Generated<Date>;
    registered_by: string;
  };
}

export interface InvitationTables {
  invitation_run: {
    id: Generated<string>;
    kind: InvitationKind;
    period_from: string;
    period_to: string;
    session_date: string | null;
    organisation_ura: string | null;
    started_by: string;
    started_at: Generated<Date>;
    finished_at: Date | null;
    cursor_person_id: string | null;
    persons_seen: Generated<number>;
    invitations: Generated<number>;
    letters: Generated<number>;
  };
  invitation_letter: {
    id: Generated<string>;
    run_id: string;
    person_id: string;
    organisation_ura: string | null;
    kind: InvitationKind;
    with_certificate: boolean;
    created_at: Generated<Date>;
  };
  invitation: {
    id: Generated<string>;
    run_id: string;
    letter_id: string;
    person_id: string;
    organisation_ura: string | null;
    kind: InvitationKind;
    vaccine_group: string;
    dose_number: number;
    due_date: string;
    description: string;
    follows_invitation_id: string | null;
    created_at: Generated<Date>;
  };
}

export interface InsertTables {
  organisation_insert: {
    organisation_ura: string;
    pdf: Uint8Array;
    uploaded_by: string;
    uploaded_at: Generated<Date>;
  };
}

export type InvitationKind = 'invitation' | 'reminder' | 'group-session';
