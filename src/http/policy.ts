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
] as const;
export type Role = (typeof ROLES)[number];

export const POLICY = {
  // Dossier (DD JGZ)
  'client.read': ['jgz-professional', 'jgz-planner', 'jgz-admin'],
  'consent.register': ['jgz-professional', 'jgz-planner'],
  'competence.judge': ['jgz-professional'],
  'vaccination.record': ['jgz-professional'],
  'exchange.run': ['jgz-admin', 'jgz-planner'],
  'exchange.worklist': ['jgz-admin', 'jgz-planner'],
  'audit.read': ['jgz-admin'],
  // Registry (Praeventis)
  'registry.person.read': ['registry-staff', 'registry-analyst'],
  'registry.citizen-request': ['registry-staff', 'registry-analyst'],
  'registry.run.start': ['registry-staff'],
  'registry.run.read': ['registry-staff', 'registry-analyst'],
  'registry.insert.upload': ['registry-staff'],
  'registry.intake-worklist': ['registry-staff', 'registry-analyst'],
  'registry.forecast': ['registry-staff', 'registry-analyst'],
  // Municipality officers see aggregates only, of their own municipality.
  'population.aggregates': ['registry-staff', 'registry-analyst', 'municipality-officer'],
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
