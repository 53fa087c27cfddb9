import type { Generated } from 'kysely';

/** Kysely types of migration 013: side effects reported after a vaccination. */
export interface SideEffectTables {
  side_effect_report: {
    id: Generated<string>;
    organisation_ura: string;
    client_id: string;
    vaccination_id: string;
    reported_on: string;
    reporter: 'custodian' | 'youth' | 'professional' | 'other';
    onset_date: string;
    reactions: string[];
    description: string;
    serious: boolean;
    seriousness: string[];
    outcome: string;
    registered_by: string;
    registered_at: Generated<Date>;
  };
}
