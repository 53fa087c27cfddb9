import { describe, expect, it } from 'vitest';
import { can, POLICY, requirePermission, ROLES, type Permission } from '../../src/http/policy.js';

const actor = (role: string) => ({ userId: 'u', name: 'U', role, organisation: { ura: null, name: 'X' } });

describe('authorisation policy (one place for roles)', () => {
  it.each([
    ['jgz-professional', 'vaccination.record', true],
    ['jgz-planner', 'vaccination.record', false],
    ['jgz-admin', 'vaccination.record', false],
    ['jgz-professional', 'competence.judge', true],
    ['jgz-planner', 'consent.register', true],
    ['jgz-admin', 'audit.read', true],
    ['jgz-professional', 'audit.read', false],
    ['jgz-planner', 'exchange.run', true],
    ['jgz-professional', 'exchange.run', false],
    ['registry-staff', 'registry.run.start', true],
    ['registry-analyst', 'registry.run.start', false],
    ['municipality-officer', 'registry.person.read', false],
    ['municipality-officer', 'population.aggregates', true],
    ['registry-staff', 'client.read', false],
    ['jgz-admin', 'registry.person.read', false],
  ] as const)('%s → %s: %s', (role, permission, allowed) => {
    expect(can(actor(role), permission)).toBe(allowed);
  });

  it('grants nothing to an unknown role or no one, and names the permission when it refuses', () => {
    for (const permission of Object.keys(POLICY) as Permission[]) {
      expect(can(actor('intruder'), permission)).toBe(false);
      expect(can(null, permission)).toBe(false);
    }
    expect(() => requirePermission(actor('jgz-planner'), 'vaccination.record')).toThrow(/vaccination.record/);
  });

  it('gives a municipality officer aggregates only: no person data anywhere', () => {
    const granted = (Object.keys(POLICY) as Permission[]).filter((p) =>
      can(actor('municipality-officer'), p),
    );
    expect(granted).toEqual(['population.aggregates']);
    for (const role of ROLES) expect(typeof role).toBe('string');
  });
});
