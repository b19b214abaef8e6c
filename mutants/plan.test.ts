import { describe, expect, it } from 'vitest';
import { listDefects } from '../sandbox/defects';
import { planTasks, selectDefects } from './plan';

const dir = (subject: string, scenario: string) => `/out/load/${subject}.${scenario}`;

describe('planTasks', () => {
  const tasks = planTasks(listDefects(), 42, dir);

  it("runs certify's checks once per defect and once against the correct sandbox", () => {
    const checks = tasks.filter((t) => t.kind === 'checks');
    expect(checks.map((t) => t.defect)).toEqual([...listDefects().map((d) => d.name), undefined]);
    expect(tasks.every((t) => t.seed === 42)).toBe(true);
  });

  it('adds the burst for the concurrency defect, the storm for each idempotency defect, and both for the correct sandbox', () => {
    const loads = tasks.flatMap((t) => (t.kind === 'load' ? [[t.defect ?? 'correct', t.plan.scenario, t.out]] : []));
    expect(loads).toEqual([
      ['idempotency-ignored', 'idempotency-storm', '/out/load/idempotency-ignored.idempotency-storm'],
      [
        'idempotency-different-body-accepted',
        'idempotency-storm',
        '/out/load/idempotency-different-body-accepted.idempotency-storm',
      ],
      ['idempotency-keys-global', 'idempotency-storm', '/out/load/idempotency-keys-global.idempotency-storm'],
      ['reservation-check-then-act', 'same-voucher-burst', '/out/load/reservation-check-then-act.same-voucher-burst'],
      ['correct', 'same-voucher-burst', '/out/load/correct.same-voucher-burst'],
      ['correct', 'idempotency-storm', '/out/load/correct.idempotency-storm'],
    ]);
    // An oversubscribed burst: the claims ask for more than the balance, so an over-reservation can show.
    const burst = tasks.find((t) => t.kind === 'load' && t.plan.scenario === 'same-voucher-burst');
    expect(burst?.kind === 'load' && (burst.plan.settings.fill ?? 1) > 1).toBe(true);
  });

  it('puts the load runs first, so their wait on k6 overlaps check runs', () => {
    const firstCheck = tasks.findIndex((t) => t.kind === 'checks');
    expect(tasks.slice(firstCheck).some((t) => t.kind === 'load')).toBe(false);
  });
});

describe('selectDefects', () => {
  it('takes all defects by default, and the named ones in the catalog order', () => {
    expect(selectDefects(undefined)).toHaveLength(35);
    expect(selectDefects(['otp-reusable', 'signature-not-checked']).map((d) => d.name)).toEqual([
      'signature-not-checked',
      'otp-reusable',
    ]);
  });

  it('refuses an unknown name with the list of valid ones', () => {
    expect(() => selectDefects(['otp-reuseable'])).toThrow(
      expect.objectContaining({
        code: 'SANDBOX_UNKNOWN_DEFECT',
        message: expect.stringMatching(/unknown defect "otp-reuseable"; valid names: signature-not-checked, /),
      }),
    );
  });
});
