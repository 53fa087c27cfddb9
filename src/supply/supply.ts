/**
 * Vaccine supply at the registry (SPEC §8; seed 002 annex B 4–13, B1, B2): deliveries with a
 * confirmation per vaccine, the stock ledger per fridge, incidents and quarantine, recalls, the
 * inventory twice a year and the vaccine loss per organisation and period. docs/supply.md.
 * Every state change is one transaction with its audit entry.
 */
import { sql, type Generated, type Kysely } from 'kysely';
import { appendAudit } from '../db/audit.js';
import {
  addWorkingDays,
  checkExcursion,
  checkPlausibility,
  computeLoss,
  inventoryDays,
  lineDiscrepancy,
  projectStock,
  totalLoss,
  type LossResult,
} from '../domain/supply/index.js';
import { ruleViolation, notFound } from '../http/problem.js';
import type { Actor } from '../http/session.js';
import { refreshCoverage, withCoverageTables } from '../registry/coverage.js';
import type { RegistrySchema } from '../registry/schema.js';

export interface SupplyTables {
  supply_location: { id: string; organisation_ura: string; name: string; municipality_code: string | null };
  supply_fridge: { id: string; location_id: string; name: string };
  supply_delivery: {
    id: Generated<string>;
    fridge_id: string;
    delivered_on: string;
    confirm_before: string;
    registered_by: string;
    registered_at: Generated<Date>;
  };
  supply_delivery_line: {
    id: Generated<string>;
    delivery_id: string;
    vaccine_type: string;
    batch_number: string;
    expiry_date: string | null;
    quantity: number;
    confirmed_quantity: number | null;
    confirmed_by: string | null;
    confirmed_at: Date | null;
    discrepancy_note: string | null;
    late: boolean | null;
    received_batch_number: string | null;
    received_expiry_date: string | null;
  };
  supply_movement: {
    id: Generated<number>;
    fridge_id: string;
    vaccine_type: string;
    batch_number: string;
    quantity: number;
    kind: 'delivery' | 'inventory-correction' | 'loss' | 'recall' | 'quarantine' | 'release';
    occurred_on: string;
    reference: string | null;
    registered_by: string;
    registered_at: Generated<Date>;
  };
  supply_incident: {
    id: Generated<string>;
    fridge_id: string;
    kind: 'cold-chain' | 'breakage' | 'expired' | 'other';
    vaccine_type: string;
    batch_number: string;
    quantity: number;
    occurred_on: string;
    description: string;
    status: 'quarantined' | 'released' | 'lost';
    reported_by: string;
    reported_at: Generated<Date>;
    decided_by: string | null;
    decided_at: Date | null;
    decision_note: string | null;
    // numeric(4,1): the drivers return a string
    min_temperature: number | string | null;
    max_temperature: number | string | null;
    duration_minutes: number | null;
  };
  supply_recall: {
    id: Generated<string>;
    vaccine_type: string;
    batch_number: string;
    reason: string;
    started_by: string;
    started_at: Generated<Date>;
  };
  supply_inventory_count: {
    id: Generated<string>;
    fridge_id: string;
    count_date: string;
    vaccine_type: string;
    counted: number;
    expected: number;
    plausible: boolean;
    reason: string;
    registered_by: string;
    registered_at: Generated<Date>;
  };
}
export type SupplyDb = Kysely<RegistrySchema & SupplyTables>;
export const withSupplyTables = (db: Kysely<RegistrySchema>): SupplyDb => db as unknown as SupplyDb;

export interface Ctx {
  actor: Actor;
  requestId: string;
  today: string;
}

const audit = (trx: Kysely<unknown>, ctx: Ctx, action: string, subjectType: string, subjectId: string) =>
  appendAudit(trx as never, {
    actorId: ctx.actor.userId,
    organisationUra: null,
    action,
    subjectType,
    subjectId,
    requestId: ctx.requestId,
  });

// ---------------------------------------------------------------------------------------------
// Stock

export interface FridgeStock {
  fridgeId: string;
  fridgeName: string;
  locationId: string;
  locationName: string;
  organisationUra: string;
  items: { vaccineType: string; batchNumber: string; usable: number; quarantined: number }[];
}

/** Book stock per fridge (deliveries, corrections, losses, recalls); quarantined doses apart. */
export async function stockPerFridge(
  database: Kysely<RegistrySchema>,
  onlyFridge?: string,
): Promise<FridgeStock[]> {
  const db = withSupplyTables(database);
  const fridges = await db
    .selectFrom('supply_fridge as f')
    .innerJoin('supply_location as l', 'l.id', 'f.location_id')
    .select(['f.id', 'f.name', 'l.id as location_id', 'l.name as location_name', 'l.organisation_ura'])
    .$if(onlyFridge !== undefined, (q) => q.where('f.id', '=', onlyFridge!))
    .orderBy('l.name')
    .orderBy('f.id')
    .execute();
  const moves = await sql<{
    fridge_id: string;
    vaccine_type: string;
    batch_number: string;
    usable: number;
    quarantined: number;
  }>`
    select m.fridge_id, m.vaccine_type, m.batch_number, sum(m.quantity)::int as usable,
      coalesce((select sum(i.quantity) from supply_incident i where i.fridge_id = m.fridge_id and i.batch_number = m.batch_number
                and i.vaccine_type = m.vaccine_type and i.status = 'quarantined'), 0)::int as quarantined
    from supply_movement m group by 1, 2, 3 order by 2, 3`.execute(db);
  return fridges.map((f) => ({
    fridgeId: f.id,
    fridgeName: f.name,
    locationId: f.location_id,
    locationName: f.location_name,
    organisationUra: f.organisation_ura,
    items: moves.rows
      .filter((m) => m.fridge_id === f.id && (Number(m.usable) !== 0 || Number(m.quarantined) !== 0))
      .map((m) => ({
        vaccineType: m.vaccine_type,
        batchNumber: m.batch_number,
        usable: Number(m.usable),
        quarantined: Number(m.quarantined),
      })),
  }));
}

async function fridgeOrFail(db: SupplyDb, fridgeId: string, field: string) {
  const fridge = await db
    .selectFrom('supply_fridge')
    .select(['id', 'location_id'])
    .where('id', '=', fridgeId)
    .executeTakeFirst();
  if (!fridge) throw ruleViolation(field, 'fridge-exists', 'Deze koelkast is niet bekend.');
  return fridge;
}

// ---------------------------------------------------------------------------------------------
// Deliveries

export interface DeliveryInput {
  fridgeId: string;
  deliveredOn: string;
  lines: { vaccineType: string; batchNumber: string; quantity: number; expiryDate?: string | undefined }[];
}

export async function registerDelivery(database: Kysely<RegistrySchema>, input: DeliveryInput, ctx: Ctx) {
  const db = withSupplyTables(database);
  if (input.deliveredOn > ctx.today)
    throw ruleViolation('body.deliveredOn', 'not-in-future', 'Een levering ligt niet in de toekomst.');
  const keys = new Set(input.lines.map((l) => `${l.vaccineType}|${l.batchNumber}`));
  if (keys.size !== input.lines.length)
    throw ruleViolation(
      'body.lines',
      'one-line-per-batch',
      'Elke partij komt één keer voor in een levering.',
    );
  return db.transaction().execute(async (trx) => {
    await fridgeOrFail(trx, input.fridgeId, 'body.fridgeId');
    const delivery = await trx
      .insertInto('supply_delivery')
      .values({
        fridge_id: input.fridgeId,
        delivered_on: input.deliveredOn,
        confirm_before: addWorkingDays(input.deliveredOn, 1),
        registered_by: ctx.actor.userId,
      })
      .returning(['id', 'confirm_before'])
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('supply_delivery_line')
      .values(
        input.lines.map((l) => ({
          delivery_id: delivery.id,
          vaccine_type: l.vaccineType,
          batch_number: l.batchNumber,
          quantity: l.quantity,
          expiry_date: l.expiryDate ?? null,
        })),
      )
      .execute();
    await trx
      .insertInto('supply_movement')
      .values(
        input.lines.map((l) => ({
          fridge_id: input.fridgeId,
          vaccine_type: l.vaccineType,
          batch_number: l.batchNumber,
          quantity: l.quantity,
          kind: 'delivery' as const,
          occurred_on: input.deliveredOn,
          reference: delivery.id,
          registered_by: ctx.actor.userId,
        })),
      )
      .execute();
    await audit(trx as never, ctx, 'supply.delivery', 'supply_delivery', delivery.id);
    return getDelivery(trx, delivery.id);
  });
}

export async function getDelivery(database: Kysely<RegistrySchema> | SupplyDb, id: string) {
  const db = database as SupplyDb;
  const d = await db.selectFrom('supply_delivery').selectAll().where('id', '=', id).executeTakeFirst();
  if (!d) throw notFound('De levering');
  const lines = await db
    .selectFrom('supply_delivery_line')
    .selectAll()
    .where('delivery_id', '=', id)
    .orderBy('vaccine_type')
    .orderBy('batch_number')
    .execute();
  return {
    id: d.id,
    fridgeId: d.fridge_id,
    deliveredOn: d.delivered_on,
    confirmBefore: d.confirm_before,
    lines: lines.map((l) => ({
      id: l.id,
      vaccineType: l.vaccine_type,
      batchNumber: l.batch_number,
      quantity: l.quantity,
      expiryDate: l.expiry_date,
      confirmedQuantity: l.confirmed_quantity,
      receivedBatchNumber: l.received_batch_number,
      receivedExpiryDate: l.received_expiry_date,
      discrepancy: l.confirmed_quantity === null ? null : l.confirmed_quantity - l.quantity,
      discrepancyNote: l.discrepancy_note,
      late: l.late,
    })),
  };
}

/** The organisation confirms each line; a difference is a discrepancy report, late after one working day. */
export async function confirmDelivery(
  database: Kysely<RegistrySchema>,
  id: string,
  input: {
    lines: {
      lineId: string;
      confirmedQuantity: number;
      /** As on the vials; omitted when as on the delivery note. */
      batchNumber?: string | undefined;
      expiryDate?: string | undefined;
      note?: string | undefined;
    }[];
  },
  ctx: Ctx,
) {
  const db = withSupplyTables(database);
  return db.transaction().execute(async (trx) => {
    const delivery = await trx
      .selectFrom('supply_delivery')
      .selectAll()
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!delivery) throw notFound('De levering');
    const late = ctx.today > delivery.confirm_before;
    for (const [i, l] of input.lines.entries()) {
      const line = await trx
        .selectFrom('supply_delivery_line')
        .selectAll()
        .where('id', '=', l.lineId)
        .where('delivery_id', '=', id)
        .executeTakeFirst();
      if (!line)
        throw ruleViolation(
          `body.lines[${i}].lineId`,
          'line-of-delivery',
          'Deze regel hoort niet bij de levering.',
        );
      if (line.confirmed_quantity !== null)
        throw ruleViolation(`body.lines[${i}].lineId`, 'confirm-once', 'Deze regel is al bevestigd.');
      const received = {
        quantity: l.confirmedQuantity,
        batchNumber: l.batchNumber,
        expiryDate: l.expiryDate,
      };
      const diff = lineDiscrepancy(
        { quantity: line.quantity, batchNumber: line.batch_number, expiryDate: line.expiry_date },
        received,
      );
      if (diff.isDiscrepancy && !l.note?.trim()) {
        throw ruleViolation(`body.lines[${i}].note`, 'discrepancy-needs-note', 'Licht een afwijking toe.');
      }
      const receivedBatch = l.batchNumber?.trim() || line.batch_number;
      await trx
        .updateTable('supply_delivery_line')
        .set({
          confirmed_quantity: l.confirmedQuantity,
          confirmed_by: ctx.actor.userId,
          confirmed_at: new Date(),
          discrepancy_note: l.note?.trim() || null,
          received_batch_number: receivedBatch,
          received_expiry_date: l.expiryDate ?? line.expiry_date,
          late,
        })
        .where('id', '=', line.id)
        .execute();
      const move = (batchNumber: string, quantity: number) =>
        trx
          .insertInto('supply_movement')
          .values({
            fridge_id: delivery.fridge_id,
            vaccine_type: line.vaccine_type,
            batch_number: batchNumber,
            quantity,
            kind: 'delivery',
            occurred_on: delivery.delivered_on,
            reference: id,
            registered_by: ctx.actor.userId,
          })
          .execute();
      // The ledger follows what is in the fridge: another batch moves the doses to that batch.
      if (diff.batchDiffers) {
        await move(line.batch_number, -line.quantity);
        if (l.confirmedQuantity > 0) await move(receivedBatch, l.confirmedQuantity);
      } else if (diff.quantity !== 0) {
        await move(line.batch_number, diff.quantity);
      }
    }
    await audit(trx as never, ctx, 'supply.delivery.confirm', 'supply_delivery', id);
    return getDelivery(trx, id);
  });
}

/** Discrepancy report: lines confirmed with a difference, and lines still unconfirmed past their deadline. */
export async function discrepancies(database: Kysely<RegistrySchema>, today: string) {
  const db = withSupplyTables(database);
  const rows = await db
    .selectFrom('supply_delivery_line as l')
    .innerJoin('supply_delivery as d', 'd.id', 'l.delivery_id')
    .select([
      'd.id as delivery_id',
      'd.fridge_id',
      'd.delivered_on',
      'd.confirm_before',
      'l.vaccine_type',
      'l.batch_number',
      'l.quantity',
      'l.confirmed_quantity',
      'l.discrepancy_note',
      'l.late',
      'l.expiry_date',
      'l.received_batch_number',
      'l.received_expiry_date',
    ])
    .where((eb) =>
      eb.or([
        eb('l.confirmed_quantity', 'is', null),
        eb('l.confirmed_quantity', '<>', eb.ref('l.quantity')),
        eb('l.received_batch_number', '<>', eb.ref('l.batch_number')),
        eb('l.received_expiry_date', '<>', eb.ref('l.expiry_date')),
      ]),
    )
    .orderBy('d.delivered_on', 'desc')
    .execute();
  return rows.map((r) => ({
    deliveryId: r.delivery_id,
    fridgeId: r.fridge_id,
    deliveredOn: r.delivered_on,
    confirmBefore: r.confirm_before,
    vaccineType: r.vaccine_type,
    batchNumber: r.batch_number,
    quantity: r.quantity,
    confirmedQuantity: r.confirmed_quantity,
    expiryDate: r.expiry_date,
    receivedBatchNumber: r.received_batch_number,
    receivedExpiryDate: r.received_expiry_date,
    note: r.discrepancy_note,
    status:
      r.confirmed_quantity === null
        ? today > r.confirm_before
          ? 'overdue'
          : 'awaiting'
        : r.late
          ? 'reported-late'
          : 'reported',
  }));
}

// ---------------------------------------------------------------------------------------------
// Incidents and quarantine

export interface IncidentMeasurements {
  /** Lowest and highest measured temperature (°C) and how long it lasted; required for cold-chain. */
  minTemperature?: number | undefined;
  maxTemperature?: number | undefined;
  durationMinutes?: number | undefined;
}

export interface IncidentReport extends IncidentMeasurements {
  fridgeId: string;
  kind: 'cold-chain' | 'breakage' | 'expired' | 'other';
  occurredOn: string;
  description: string;
  /** The vaccines affected, one per batch: each becomes an incident the registry decides on separately. */
  items: { vaccineType: string; batchNumber: string; quantity: number }[];
}

export interface IncidentInput extends Omit<IncidentReport, 'items'> {
  vaccineType: string;
  batchNumber: string;
  quantity: number;
}

/** One vaccine and batch: the single-incident API, field names at the top of the body. */
export async function reportIncident(database: Kysely<RegistrySchema>, input: IncidentInput, ctx: Ctx) {
  const { vaccineType, batchNumber, quantity, ...report } = input;
  const [one] = await reportIncidents(
    database,
    { ...report, items: [{ vaccineType, batchNumber, quantity }] },
    ctx,
    (_i, field) => `body.${field}`,
  );
  return { id: one!.id, status: one!.status };
}

/**
 * The location's incident form (annex B 9): one report for a fridge, several vaccines affected. A
 * cold-chain incident (measured outside +2 … +8 °C) quarantines the doses until the registry
 * decides; other incidents are known loss at once. All or nothing, in one transaction.
 */
export async function reportIncidents(
  database: Kysely<RegistrySchema>,
  input: IncidentReport,
  ctx: Ctx,
  itemField: (index: number, field: string) => string = (i, field) => `body.items[${i}].${field}`,
) {
  const db = withSupplyTables(database);
  const coldChain = input.kind === 'cold-chain';
  if (coldChain) {
    const [violation] = checkExcursion(input);
    if (violation) throw ruleViolation(`body.${violation.field}`, violation.rule, violation.message);
  }
  if (input.occurredOn > ctx.today)
    throw ruleViolation('body.occurredOn', 'not-in-future', 'Een incident ligt niet in de toekomst.');
  const keys = input.items.map((l) => `${l.vaccineType}|${l.batchNumber}`);
  const repeated = keys.findIndex((k, i) => keys.indexOf(k) !== i);
  if (repeated >= 0)
    throw ruleViolation(
      itemField(repeated, 'batchNumber'),
      'one-line-per-batch',
      'Elke partij komt één keer voor in een melding.',
    );
  return db.transaction().execute(async (trx) => {
    await fridgeOrFail(trx, input.fridgeId, 'body.fridgeId');
    const out = [];
    for (const [i, item] of input.items.entries()) {
      const stock = await sql<{ n: number }>`select coalesce(sum(quantity), 0)::int as n from supply_movement
        where fridge_id = ${input.fridgeId} and vaccine_type = ${item.vaccineType} and batch_number = ${item.batchNumber}`.execute(
        trx,
      );
      if (item.quantity > Number(stock.rows[0]?.n ?? 0)) {
        throw ruleViolation(
          itemField(i, 'quantity'),
          'within-stock',
          'Meer doses dan er volgens de boekvoorraad in deze koelkast liggen.',
        );
      }
      const row = await trx
        .insertInto('supply_incident')
        .values({
          fridge_id: input.fridgeId,
          kind: input.kind,
          vaccine_type: item.vaccineType,
          batch_number: item.batchNumber,
          quantity: item.quantity,
          occurred_on: input.occurredOn,
          description: input.description,
          status: coldChain ? 'quarantined' : 'lost',
          reported_by: ctx.actor.userId,
          decided_by: coldChain ? null : ctx.actor.userId,
          decided_at: coldChain ? null : new Date(),
          min_temperature: input.minTemperature ?? null,
          max_temperature: input.maxTemperature ?? null,
          duration_minutes: input.durationMinutes ?? null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx
        .insertInto('supply_movement')
        .values({
          fridge_id: input.fridgeId,
          vaccine_type: item.vaccineType,
          batch_number: item.batchNumber,
          quantity: -item.quantity,
          kind: coldChain ? 'quarantine' : 'loss',
          occurred_on: input.occurredOn,
          reference: row.id,
          registered_by: ctx.actor.userId,
        })
        .execute();
      await audit(trx as never, ctx, 'supply.incident', 'supply_incident', row.id);
      out.push({
        id: row.id,
        status: coldChain ? ('quarantined' as const) : ('lost' as const),
        vaccineType: item.vaccineType,
        batchNumber: item.batchNumber,
        quantity: item.quantity,
      });
    }
    return out;
  });
}

export async function decideIncident(
  database: Kysely<RegistrySchema>,
  id: string,
  input: { decision: 'release' | 'destroy'; note: string },
  ctx: Ctx,
) {
  const db = withSupplyTables(database);
  return db.transaction().execute(async (trx) => {
    const incident = await trx
      .selectFrom('supply_incident')
      .selectAll()
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!incident) throw notFound('Het incident');
    if (incident.status !== 'quarantined')
      throw ruleViolation('params.id', 'quarantined-only', 'Over dit incident is al beslist.');
    const status = input.decision === 'release' ? 'released' : 'lost';
    await trx
      .updateTable('supply_incident')
      .set({ status, decided_by: ctx.actor.userId, decided_at: new Date(), decision_note: input.note })
      .where('id', '=', id)
      .execute();
    if (input.decision === 'release') {
      await trx
        .insertInto('supply_movement')
        .values({
          fridge_id: incident.fridge_id,
          vaccine_type: incident.vaccine_type,
          batch_number: incident.batch_number,
          quantity: incident.quantity,
          kind: 'release',
          occurred_on: ctx.today,
          reference: id,
          registered_by: ctx.actor.userId,
        })
        .execute();
    }
    await audit(trx as never, ctx, `supply.incident.${input.decision}`, 'supply_incident', id);
    return { id, status };
  });
}

// ---------------------------------------------------------------------------------------------
// Recalls

/**
 * A batch recall (annex B 11): which fridges hold it (their usable stock is taken out), and who
 * received it: personalised records only — the registry holds a person's vaccinations only with
 * consent — and for anonymous vaccinations only a count per organisation (never traceable).
 */
export async function startRecall(
  database: Kysely<RegistrySchema>,
  input: { vaccineType: string; batchNumber: string; reason: string },
  ctx: Ctx,
) {
  const db = withSupplyTables(database);
  const id = await db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom('supply_recall')
      .select('id')
      .where('vaccine_type', '=', input.vaccineType)
      .where('batch_number', '=', input.batchNumber)
      .executeTakeFirst();
    if (existing) throw ruleViolation('body.batchNumber', 'recall-once', 'Deze partij is al teruggeroepen.');
    const row = await trx
      .insertInto('supply_recall')
      .values({
        vaccine_type: input.vaccineType,
        batch_number: input.batchNumber,
        reason: input.reason,
        started_by: ctx.actor.userId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const held = await sql<{
      fridge_id: string;
      n: number;
    }>`select fridge_id, sum(quantity)::int as n from supply_movement
      where vaccine_type = ${input.vaccineType} and batch_number = ${input.batchNumber} group by 1 having sum(quantity) > 0`.execute(
      trx,
    );
    for (const h of held.rows) {
      await trx
        .insertInto('supply_movement')
        .values({
          fridge_id: h.fridge_id,
          vaccine_type: input.vaccineType,
          batch_number: input.batchNumber,
          quantity: -Number(h.n),
          kind: 'recall',
          occurred_on: ctx.today,
          reference: row.id,
          registered_by: ctx.actor.userId,
        })
        .execute();
    }
    await audit(trx as never, ctx, 'supply.recall', 'supply_recall', row.id);
    return row.id;
  });
  return recallDetails(database, id, ctx);
}

export async function recallDetails(database: Kysely<RegistrySchema>, id: string, ctx: Ctx) {
  const db = withSupplyTables(database);
  return db.transaction().execute(async (trx) => {
    const recall = await trx.selectFrom('supply_recall').selectAll().where('id', '=', id).executeTakeFirst();
    if (!recall) throw notFound('De terugroepactie');
    const locations = await sql<{
      fridge_id: string;
      fridge_name: string;
      location_name: string;
      organisation_ura: string;
      recalled: number;
    }>`
      select f.id as fridge_id, f.name as fridge_name, l.name as location_name, l.organisation_ura, (-sum(m.quantity))::int as recalled
      from supply_movement m join supply_fridge f on f.id = m.fridge_id join supply_location l on l.id = f.location_id
      where m.kind = 'recall' and m.reference = ${id} group by 1, 2, 3, 4 order by 3, 1`.execute(trx);
    const recipients = await trx
      .selectFrom('vaccination_event as v')
      .innerJoin('person as p', 'p.id', 'v.person_id')
      .select([
        'p.id',
        'p.bsn',
        'p.given_name',
        'p.name_prefix',
        'p.family_name',
        'p.birth_date',
        'p.municipality_code',
        'v.vaccination_date',
        'v.organisation_ura',
      ])
      .where('v.vaccine_type', '=', recall.vaccine_type)
      .where('v.batch_number', '=', recall.batch_number)
      .orderBy('v.vaccination_date')
      .execute();
    const anonymous = await trx
      .selectFrom('anonymous_vaccination')
      .select(['organisation_ura', (eb) => eb.fn.countAll<number>().as('n')])
      .where('vaccine_type', '=', recall.vaccine_type)
      .where('batch_number', '=', recall.batch_number)
      .groupBy('organisation_ura')
      .execute();
    // Reading who received a batch is reading personal data: audited like any other read.
    await audit(trx as never, ctx, 'supply.recall.recipients', 'supply_recall', id);
    return {
      id: recall.id,
      vaccineType: recall.vaccine_type,
      batchNumber: recall.batch_number,
      reason: recall.reason,
      startedAt: new Date(recall.started_at).toISOString(),
      locations: locations.rows.map((l) => ({
        fridgeId: l.fridge_id,
        fridgeName: l.fridge_name,
        locationName: l.location_name,
        organisationUra: l.organisation_ura,
        recalled: Number(l.recalled),
      })),
      recipients: recipients.map((r) => ({
        personId: r.id,
        bsn: r.bsn,
        name: [r.given_name, r.name_prefix, r.family_name].filter(Boolean).join(' '),
        birthDate: r.birth_date,
        municipalityCode: r.municipality_code,
        vaccinationDate: r.vaccination_date,
        organisationUra: r.organisation_ura,
      })),
      // The organisation contacts its own anonymous clients from its dossier; the registry gives counts.
      anonymousByOrganisation: anonymous.map((a) => ({
        organisationUra: a.organisation_ura,
        count: Number(a.n),
      })),
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Inventory (annex B1)

export async function recordInventory(
  database: Kysely<RegistrySchema>,
  input: { fridgeId: string; countDate: string; counts: { vaccineType: string; counted: number }[] },
  ctx: Ctx,
  /** false: only the plausibility check, so the form can warn before the count is saved. */
  options: { save: boolean } = { save: true },
) {
  const db = withSupplyTables(database);
  const year = Number(input.countDate.slice(0, 4));
  const days = inventoryDays(year);
  // On the national day, or the last vaccination day before it when the location is closed (≤ 7 days).
  const day = days.find((d) => input.countDate <= d && input.countDate >= sevenDaysBefore(d));
  if (!day) {
    throw ruleViolation(
      'body.countDate',
      'inventory-day',
      `Inventariseren gebeurt op de laatste werkdag van mei of november (${days.join(', ')}).`,
    );
  }
  return db.transaction().execute(async (trx) => {
    const fridge = await fridgeOrFail(trx, input.fridgeId, 'body.fridgeId');
    const location = await trx
      .selectFrom('supply_location')
      .select(['organisation_ura'])
      .where('id', '=', fridge.location_id)
      .executeTakeFirstOrThrow();
    const results = [];
    for (const c of input.counts) {
      const previous = await trx
        .selectFrom('supply_inventory_count')
        .select(['count_date', 'counted'])
        .where('fridge_id', '=', input.fridgeId)
        .where('vaccine_type', '=', c.vaccineType)
        .where('count_date', '<', day)
        .orderBy('count_date', 'desc')
        .executeTakeFirst();
      const since = previous?.count_date ?? '0001-01-01';
      const sums = await sql<{
        delivered: number;
        lost: number;
        fridge_delivered: number;
        org_delivered: number;
      }>`
        select
          coalesce(sum(quantity) filter (where kind = 'delivery' and fridge_id = ${input.fridgeId}), 0)::int as delivered,
          coalesce(-sum(quantity) filter (where kind in ('loss', 'quarantine', 'recall') and fridge_id = ${input.fridgeId}), 0)::int
            - coalesce(sum(quantity) filter (where kind = 'release' and fridge_id = ${input.fridgeId}), 0)::int as lost,
          coalesce(sum(quantity) filter (where kind = 'delivery' and fridge_id = ${input.fridgeId}), 0)::int as fridge_delivered,
          coalesce(sum(quantity) filter (where kind = 'delivery'), 0)::int as org_delivered
        from supply_movement m
        where vaccine_type = ${c.vaccineType} and occurred_on > ${since}::date and occurred_on <= ${day}::date
          and fridge_id in (select f.id from supply_fridge f join supply_location l on l.id = f.location_id where l.organisation_ura = ${location.organisation_ura})`.execute(
        trx,
      );
      const s = sums.rows[0]!;
      const administered = await administeredBy(trx, location.organisation_ura, c.vaccineType, since, day);
      // The organisation's administrations are shared over its fridges by their share of deliveries.
      const share = Number(s.org_delivered) > 0 ? Number(s.fridge_delivered) / Number(s.org_delivered) : 0;
      const check = checkPlausibility({
        counted: c.counted,
        previousCount: previous?.counted ?? 0,
        delivered: Number(s.delivered),
        administered: Math.round(administered * share),
        knownLoss: Number(s.lost),
      });
      results.push({ vaccineType: c.vaccineType, counted: c.counted, ...check });
      if (!options.save) continue;
      await trx
        .insertInto('supply_inventory_count')
        .values({
          fridge_id: input.fridgeId,
          count_date: day,
          vaccine_type: c.vaccineType,
          counted: c.counted,
          expected: check.expected,
          plausible: check.plausible,
          reason: check.reason,
          registered_by: ctx.actor.userId,
        })
        .onConflict((oc) =>
          oc.columns(['fridge_id', 'count_date', 'vaccine_type']).doUpdateSet({
            counted: c.counted,
            expected: check.expected,
            plausible: check.plausible,
            reason: check.reason,
            registered_by: ctx.actor.userId,
          }),
        )
        .execute();
    }
    if (options.save) await audit(trx as never, ctx, 'supply.inventory', 'supply_fridge', input.fridgeId);
    return { fridgeId: input.fridgeId, countDate: day, saved: options.save, counts: results };
  });
}

function sevenDaysBefore(d: string): string {
  const t = new Date(`${d}T00:00:00Z`);
  t.setUTCDate(t.getUTCDate() - 7);
  return t.toISOString().slice(0, 10);
}

/** Registered administrations by an organisation in (from, to]: personalised and anonymous. */
async function administeredBy(
  db: SupplyDb,
  ura: string,
  vaccineType: string,
  from: string,
  to: string,
): Promise<number> {
  const r = await sql<{ n: number }>`select
      (select count(*) from vaccination_event where organisation_ura = ${ura} and vaccine_type = ${vaccineType}
         and vaccination_date > ${from}::date and vaccination_date <= ${to}::date)
    + (select count(*) from anonymous_vaccination where organisation_ura = ${ura} and vaccine_type = ${vaccineType}
         and vaccination_date > ${from}::date and vaccination_date <= ${to}::date) as n`.execute(db);
  return Number(r.rows[0]?.n ?? 0);
}

// ---------------------------------------------------------------------------------------------
// Loss (annex B2)

export interface OrganisationLoss {
  organisationUra: string;
  from: string;
  to: string;
  vaccines: LossResult[];
  total: ReturnType<typeof totalLoss>;
  consultationOpened: boolean;
}

/**
 * Loss of an organisation between two inventory days: A and C are the counts on those days (all its
 * fridges), B the confirmed deliveries in between, E the valid personalised plus anonymous
 * administrations in between, known loss the incidents the registry decided were lost.
 */
export async function organisationLoss(
  database: Kysely<RegistrySchema>,
  input: { organisationUra: string; from: string; to: string; assessmentDate: string; actorId: string },
): Promise<OrganisationLoss> {
  if (input.from >= input.to)
    throw ruleViolation('query.from', 'period-order', 'Het begin ligt vóór het einde.');
  const db = withSupplyTables(database);
  await refreshCoverage(database, { assessmentDate: input.assessmentDate });
  const cdb = withCoverageTables(database);
  const orgFridges = sql`(select f.id from supply_fridge f join supply_location l on l.id = f.location_id where l.organisation_ura = ${input.organisationUra})`;
  const counts = await sql<{ vaccine_type: string; count_date: string; n: number }>`
    select vaccine_type, count_date::text, sum(counted)::int as n from supply_inventory_count
    where fridge_id in ${orgFridges} and count_date in (${input.from}::date, ${input.to}::date) group by 1, 2`.execute(
    db,
  );
  const delivered = await sql<{ vaccine_type: string; n: number }>`
    select vaccine_type, sum(quantity)::int as n from supply_movement
    where kind = 'delivery' and fridge_id in ${orgFridges} and occurred_on > ${input.from}::date and occurred_on <= ${input.to}::date
    group by 1`.execute(db);
  const known = await sql<{ vaccine_type: string; n: number }>`
    select vaccine_type, sum(quantity)::int as n from supply_incident
    where status = 'lost' and fridge_id in ${orgFridges} and occurred_on > ${input.from}::date and occurred_on <= ${input.to}::date
    group by 1`.execute(db);
  const personalised = await sql<{ vaccine_type: string; n: number }>`
    select v.vaccine_type, count(*)::int as n from vaccination_event v
    left join coverage_dose_not_valid nv on nv.vaccination_id = v.id
    where nv.vaccination_id is null and v.organisation_ura = ${input.organisationUra}
      and v.vaccination_date > ${input.from}::date and v.vaccination_date <= ${input.to}::date group by 1`.execute(
    cdb,
  );
  const anonymous = await sql<{ vaccine_type: string; n: number }>`
    select vaccine_type, count(*)::int as n from anonymous_vaccination
    where organisation_ura = ${input.organisationUra} and vaccination_date > ${input.from}::date and vaccination_date <= ${input.to}::date
    group by 1`.execute(db);
  const get = (rows: { vaccine_type: string; n: number }[], t: string) =>
    Number(rows.find((r) => r.vaccine_type === t)?.n ?? 0);
  const types = [...new Set([...counts.rows, ...delivered.rows].map((r) => r.vaccine_type))].sort();
  const vaccines = types.map((t) =>
    computeLoss({
      vaccineType: t,
      openingStock: Number(
        counts.rows.find((r) => r.vaccine_type === t && r.count_date === input.from)?.n ?? 0,
      ),
      delivered: Math.max(0, get(delivered.rows, t)),
      closingStock: Number(
        counts.rows.find((r) => r.vaccine_type === t && r.count_date === input.to)?.n ?? 0,
      ),
      administeredPersonalised: get(personalised.rows, t),
      administeredAnonymous: get(anonymous.rows, t),
      knownLoss: get(known.rows, t),
    }),
  );
  const total = totalLoss(vaccines);
  let consultationOpened = false;
  if (total.flagged) {
    const r =
      await sql`insert into consultation_item (kind, organisation_ura, subject, period, details, opened_by)
      values ('loss-above-1pct', ${input.organisationUra}, 'all', ${`${input.from}/${input.to}`},
              ${JSON.stringify({ lossPercent: total.lossPercent, loss: total.loss })}::jsonb, ${input.actorId})
      on conflict do nothing`.execute(db);
    consultationOpened = Number(r.numAffectedRows ?? 0) > 0;
  }
  return {
    organisationUra: input.organisationUra,
    from: input.from,
    to: input.to,
    vaccines,
    total,
    consultationOpened,
  };
}

// ---------------------------------------------------------------------------------------------
// Stock scenarios (seed 004)

export async function stockScenario(
  database: Kysely<RegistrySchema>,
  input: { fromMonth: string; months: number; uptake: number; safetyMonths: number },
) {
  const db = withSupplyTables(database);
  const births = await sql<{ month: string; n: number }>`
    select to_char(birth_date, 'YYYY-MM') as month, count(*)::int as n from person
    where deceased_on is null and emigrated_on is null and birth_date > (${`${input.fromMonth}-01`}::date - interval '16 years')
    group by 1`.execute(db);
  const stock = await sql<{ vaccine_type: string; n: number }>`
    select vaccine_type, sum(quantity)::int as n from supply_movement group by 1`.execute(db);
  return projectStock({
    birthsByMonth: new Map(births.rows.map((r) => [r.month, Number(r.n)])),
    fromMonth: input.fromMonth,
    months: input.months,
    defaultUptake: input.uptake,
    stock: Object.fromEntries(stock.rows.map((r) => [r.vaccine_type, Math.max(0, Number(r.n))])),
    safetyMonths: input.safetyMonths,
  });
}

// ---------------------------------------------------------------------------------------------
// Lists for the registry's supply page

/** Recent deliveries with their lines (newest first). */
export async function listDeliveries(database: Kysely<RegistrySchema>, limit = 50) {
  const db = withSupplyTables(database);
  const rows = await db
    .selectFrom('supply_delivery')
    .select('id')
    .orderBy('delivered_on', 'desc')
    .orderBy('registered_at', 'desc')
    .limit(limit)
    .execute();
  const out = [];
  for (const r of rows) out.push(await getDelivery(db, r.id));
  return out;
}

/** Incidents, those awaiting the registry's decision first. */
export async function listIncidents(database: Kysely<RegistrySchema>, limit = 100) {
  const db = withSupplyTables(database);
  const rows = await db
    .selectFrom('supply_incident')
    .selectAll()
    .orderBy(sql`status = 'quarantined'`, 'desc')
    .orderBy('occurred_on', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    fridgeId: r.fridge_id,
    kind: r.kind,
    vaccineType: r.vaccine_type,
    batchNumber: r.batch_number,
    quantity: r.quantity,
    occurredOn: r.occurred_on,
    description: r.description,
    status: r.status,
    decisionNote: r.decision_note,
    minTemperature: r.min_temperature === null ? null : Number(r.min_temperature),
    maxTemperature: r.max_temperature === null ? null : Number(r.max_temperature),
    durationMinutes: r.duration_minutes,
  }));
}

export async function listRecalls(database: Kysely<RegistrySchema>) {
  const db = withSupplyTables(database);
  const rows = await db.selectFrom('supply_recall').selectAll().orderBy('started_at', 'desc').execute();
  return rows.map((r) => ({
    id: r.id,
    vaccineType: r.vaccine_type,
    batchNumber: r.batch_number,
    reason: r.reason,
    startedAt: new Date(r.started_at).toISOString(),
  }));
}

/** Inventory counts with their plausibility (newest day first). */
export async function listInventoryCounts(database: Kysely<RegistrySchema>, limit = 200) {
  const db = withSupplyTables(database);
  const rows = await db
    .selectFrom('supply_inventory_count')
    .selectAll()
    .orderBy('count_date', 'desc')
    .orderBy('fridge_id')
    .orderBy('vaccine_type')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    fridgeId: r.fridge_id,
    countDate: r.count_date,
    vaccineType: r.vaccine_type,
    counted: r.counted,
    expected: r.expected,
    plausible: r.plausible,
    reason: r.reason,
  }));
}
