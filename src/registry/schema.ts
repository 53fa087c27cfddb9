import type { Generated } from 'kysely';
import type { AuditEventTable, Gender } from '../db/shared-tables.js';

/** Kysely types of the registry database (migrations/registry). */
export interface RegistrySchema {
  municipality: { code: string; name: string; province: string };
  organisation: { ura: string; name: string };
  staff_user: {
    id: string;
    name: string;
    role: RegistryRole;
    organisation_name: string;
    municipality_code: string | null;
    created_at: Generated<Date>;
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
