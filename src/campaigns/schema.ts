import type { Generated } from 'kysely';

/** Kysely types of the campaign tables in the registry database (migrations/registry/010_campaigns.sql). */
export interface CampaignTables {
  campaign_inviter: {
    singleton: Generated<boolean>;
    organisation_name: string;
    organisation_ura: string | null;
    set_by: string;
    set_at: Generated<Date>;
  };
  campaign: {
    id: Generated<string>;
    name: string;
    description: string;
    reference_date: string;
    min_age: number;
    max_age: number | null;
    municipality_codes: Generated<string[]>;
    comparison_share: Generated<string>;
    reminder_days_before: Generated<number>;
    inviting_organisation: string;
    created_by: string;
    created_at: Generated<Date>;
    selected_at: Date | null;
  };
  campaign_location: {
    id: Generated<string>;
    campaign_id: string;
    name: string;
    address: string;
    municipality_code: string | null;
  };
  campaign_slot: {
    id: Generated<string>;
    campaign_id: string;
    location_id: string;
    slot_date: string;
    start_time: string;
    capacity: number;
    booked: Generated<number>;
  };
  campaign_invitation: {
    id: Generated<string>;
    campaign_id: string;
    person_id: string;
    invitation_group: 'appointment' | 'plain';
    sent_by: string;
    sent_by_organisation: string;
    sent_at: Generated<Date>;
  };
  campaign_appointment: {
    id: Generated<string>;
    invitation_id: string;
    slot_id: string;
    status: Generated<'booked' | 'moved' | 'cancelled'>;
    created_by: string;
    created_at: Generated<Date>;
    ended_by: string | null;
    ended_at: Date | null;
  };
  campaign_reminder: {
    id: Generated<string>;
    appointment_id: string;
    sent_by: string;
    sent_at: Generated<Date>;
  };
  campaign_attendance: {
    invitation_id: string;
    location_id: string;
    attended_on: string;
    recorded_by: string;
    recorded_at: Generated<Date>;
  };
}
