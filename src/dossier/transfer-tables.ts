import type { Generated } from 'kysely';

/** Kysely types of migration 012: transfer (R-V8), vaccinating elsewhere (R-V9), registration form (R-V6). */
export interface TransferTables {
  dossier_transfer: {
    id: Generated<string>;
    from_ura: string;
    to_ura: string;
    from_client_id: string;
    to_client_id: string | null;
    transfer_date: string;
    consent_decision: 'toestemming' | 'geen-toestemming';
    document: unknown;
    state: Generated<'offered' | 'accepted' | 'withdrawn'>;
    offered_by: string;
    offered_at: Generated<Date>;
    accepted_by: string | null;
    accepted_at: Date | null;
    withdrawn_by: Generated<string | null>;
    withdrawn_at: Generated<Date | null>;
  };
  third_party_consent: {
    id: Generated<string>;
    client_id: string;
    organisation_ura: string;
    agreed: boolean;
    source: 'youth' | 'custodian' | 'legal-representative';
    recipient_ura: string;
    explanation: string;
    consent_date: string;
    registered_by: string;
    registered_at: Generated<Date>;
  };
  third_party_notification: {
    id: Generated<string>;
    from_ura: string;
    to_ura: string;
    from_client_id: string;
    from_activity_pk: string;
    consent_id: string;
    document: unknown;
    state: 'delivered' | 'unmatched';
    to_client_id: string | null;
    to_activity_pk: string | null;
    created_by: string;
    created_at: Generated<Date>;
    linked_by: Generated<string | null>;
    linked_at: Generated<Date | null>;
  };
  registration_form_submission: {
    id: Generated<string>;
    organisation_ura: string;
    client_id: string;
    activity_pk: string;
    version: number;
    kind: 'personalised' | 'anonymous';
    outcome: string;
    registry_reference: string | null;
    registry_reason: string | null;
    submitted_by: string;
    submitted_at: Generated<Date>;
  };
}
