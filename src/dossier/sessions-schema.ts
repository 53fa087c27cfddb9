import type { Generated } from 'kysely';

/** Kysely types of the group-session and sweep tables (migrations/dossier/008, 009). */
export interface SessionTables {
  group_session: {
    id: Generated<string>;
    organisation_ura: string;
    name: string;
    location: string;
    contact: string;
    birth_from: string;
    birth_to: string;
    /** jsonb array of CBS codes; insert as a JSON string. */
    municipality_codes: unknown;
    only_due: boolean;
    created_by: string;
    created_at: Generated<Date>;
  };
  group_session_date: { session_id: string; session_date: string };
  group_session_vaccine: { session_id: string; vaccine_type: string; batch_number: string };
  group_session_member: {
    session_id: string;
    client_id: string;
    organisation_ura: string;
    added_at: Generated<Date>;
    added_by: string;
    checked_in_at: Date | null;
    checked_in_by: string | null;
    not_vaccinated_reason: NotVaccinatedReason | null;
    not_vaccinated_note: string | null;
  };
  consent_request: {
    id: Generated<string>;
    organisation_ura: string;
    code: string;
    client_id: string;
    recipient_person_id: string | null;
    kind: 'request' | 'reminder' | 'confirmation';
    session_id: string | null;
    sweep_run_id: string | null;
    issued_on: string;
    issued_by: string;
    issued_at: Generated<Date>;
    answered_at: Date | null;
    answered_by: string | null;
  };
  sweep_run: {
    id: Generated<string>;
    organisation_ura: string;
    kind: 'turned-12' | 'turning-16' | 'no-consent' | 'non-responders';
    reference_date: string;
    parameters: unknown;
    trigger: 'monthly' | 'on-demand';
    period: string | null;
    started_by: string;
    started_at: Generated<Date>;
    member_count: number;
  };
  sweep_run_member: { run_id: string; client_id: string; detail: unknown };
}

export const NOT_VACCINATED_REASONS = ['refused', 'unwell', 'contraindication', 'absent', 'other'] as const;
export type NotVaccinatedReason = (typeof NOT_VACCINATED_REASONS)[number];
