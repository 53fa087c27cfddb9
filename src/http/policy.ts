import { ProblemError } from './problem.js';
import type { Actor } from './session.js';

/**
 * Who may do what: the one place where roles meet permissions. Services and routes ask for a
 * permission, never for a role; organisation scoping (and row-level security) comes on top.
 */
export const ROLES = [
  'jgz-professional',
  'jgz-planner',
  'jgz-admin',
  'registry-staff',
  'registry-analyst',
  'municipality-officer',
  // Issue 11: the portal acting for a signed-in citizen (never a staff user: no session yields it).
  'citizen-portal',
] as const;
export type Role = (typeof ROLES)[number];

export const POLICY = {
  // Dossier (DD JGZ)
  'client.read': ['jgz-professional', 'jgz-planner', 'jgz-admin'],
  'consent.register': ['jgz-professional', 'jgz-planner', 'citizen-portal'],
  'competence.judge': ['jgz-professional'],
  'vaccination.record': ['jgz-professional'],
  'exchange.run': ['jgz-admin', 'jgz-planner'],
  'exchange.worklist': ['jgz-admin', 'jgz-planner'],
  'audit.read': ['jgz-admin'],
  // Issue 9: group sessions ("first consent, then vaccinate") and sweeps.
  'session.read': ['jgz-professional', 'jgz-planner', 'jgz-admin'],
  'session.plan': ['jgz-planner'],
  'session.letters': ['jgz-planner'],
  'session.cards': ['jgz-planner', 'jgz-professional'],
  'session.check-in': ['jgz-professional', 'jgz-planner'],
  'sweep.run': ['jgz-planner', 'jgz-admin'],
  // Issue 12: new dossiers (also without BSN, or non-active for a vaccination elsewhere), transfers,
  // side effects and their export for Lareb.
  'client.create': ['jgz-professional', 'jgz-admin'],
  'dossier.transfer': ['jgz-professional', 'jgz-admin'],
  'side-effect.record': ['jgz-professional'],
  'side-effect.export': ['jgz-professional', 'jgz-admin'],
  // Registry (Praeventis)
  // Issue 11: campaigns with proactive invitations (the one organisation in charge of inviting).
  'campaign.manage': ['registry-staff'],
  'campaign.read': ['registry-staff', 'registry-analyst'],
  'campaign.attendance': ['registry-staff'],
  'registry.person.read': ['registry-staff', 'registry-analyst'],
  'registry.citizen-request': ['registry-staff', 'registry-analyst'],
  'registry.run.start': ['registry-staff'],
  'registry.run.read': ['registry-staff', 'registry-analyst'],
  'registry.insert.upload': ['registry-staff'],
  'registry.intake-worklist': ['registry-staff', 'registry-analyst'],
  'registry.forecast': ['registry-staff', 'registry-analyst'],
  'registry.registration-form': ['registry-staff'], // R-V6: resolve unmatched registration forms
  // Municipality officers see aggregates only, of their own municipality.
  'population.aggregates': ['registry-staff', 'registry-analyst', 'municipality-officer'],
  // Issue 10: coverage and reports are read with population.aggregates (officers: own municipality);
  // national and organisation figures, refreshes, explanations, supply and loss are staff only.
  'coverage.national': ['registry-staff', 'registry-analyst'],
  'report.manage': ['registry-staff'],
  'supply.read': ['registry-staff', 'registry-analyst'],
  'supply.manage': ['registry-staff'],
} as const satisfies Record<string, readonly Role[]>;
export type Permission = keyof typeof POLICY;

export function can(actor: Pick<Actor, 'role'> | null | undefined, permission: Permission): boolean {
  return !!actor && (POLICY[permission] as readonly string[]).includes(actor.role);
}

/** Throws a 403 problem naming the permission when the actor lacks it; returns the actor. */
export function requirePermission<A extends Actor>(actor: A | null | undefined, permission: Permission): A {
  if (!actor || !can(actor, permission)) {
    const message = `Uw rol heeft geen recht op "${permission}".`;
    throw new ProblemError(403, 'forbidden', 'Geen toegang', message, [
      { field: 'actor.role', rule: `permission:${permission}`, message },
    ]);
  }
  return actor;
}
