/**
 * The Node side of a load run judges the answers it receives against the API description (issue 13):
 * a short burst through a proxy that breaks one field of the voucher detail answer is reported with
 * the field's JSON path, expected and actual, in the run, its closing lines, verdict.json and
 * contract.json (the exchange redacted); a break that stops the run is named in its error; the
 * plain sandbox through the same proxy has none. Needs k6 (npm run k6:install) and fails without it.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ContractViolation } from '../../contract/violation';
import { HarnessError } from '../../lib/errors';
import type { Exchange } from '../../lib/node/http-client';
import { MUTATIONS } from '../../sandbox/mutating-proxy';
import { describeLoadContract, withContract } from './load-contract';
import type { LoadContract } from './load-contract';
import { LOAD_TEST_TIMEOUT_MS, loadRunsIn, sandboxTargetsIn } from './testing';

const violation = (path: string): ContractViolation => ({
  operation: 'voucher-detail',
  rule: 'schema',
  path,
  expected: 'a string',
  actual: '1000000000001',
  exchange: { status: 200 } as Exchange,
});

describe('the load contract in words', () => {
  const broken: LoadContract = {
    answers: 4,
    violationCount: 7,
    violations: Array.from({ length: 7 }, (_, i) => violation(`$.data.voucher.f${i}`)),
  };

  it('names each violation by path, expected and actual, five at most, and says how many more', () => {
    const lines = describeLoadContract(broken);
    expect(lines[0]).toMatch(
      /\(4 judged against openapi\/merchant-api-v1\.0\.yaml\): 7 violation\(s\), in contract\.json/,
    );
    expect(lines[1]).toBe(
      '  contract: voucher-detail HTTP 200: $.data.voucher.f0 expected a string, got 1000000000001',
    );
    expect(lines).toHaveLength(7);
    expect(lines[6]).toBe('  contract: … and 2 more');
    expect(describeLoadContract({ answers: 3, violationCount: 0, violations: [] })).toEqual([
      "answers to the harness's own requests (3 judged against openapi/merchant-api-v1.0.yaml): conform",
    ]);
  });

  it('adds the violations to the error of a step that failed on a broken answer, keeping its code', () => {
    const err = new HarnessError('TARGET_MALFORMED_RESPONSE', 'GET voucher detail of V answered without amounts');
    const wrapped = withContract(err, broken) as HarnessError;
    expect(wrapped.code).toBe('TARGET_MALFORMED_RESPONSE');
    expect(wrapped.message).toMatch(/without amounts; the answers break the API description: .*\$\.data\.voucher\.f0/);
    expect(withContract(err, { answers: 1, violationCount: 0, violations: [] })).toBe(err);
  });
});

const runs = loadRunsIn('load-contract');
const targets = sandboxTargetsIn('load-contract');

/** The smallest burst: two VUs on one voucher. */
const burst = (target: string) => runs({ scenario: 'same-voucher-burst', vus: 2, vouchers: 1, seed: 13, target });

describe('runLoad judges the answers to its own requests', { timeout: LOAD_TEST_TIMEOUT_MS }, () => {
  it('through a proxy that makes the detail serialNumber a number: the run fails naming the field', async () => {
    const { path, proxy, secrets } = await targets({ mutation: MUTATIONS.serialNumberAsNumber });
    const { run, out } = await burst(path);
    expect(proxy?.mutated()).toBeGreaterThan(0);
    // The checker saw nothing wrong: the contract alone fails the run.
    expect(run.verdict.valid, out).toBe(true);
    expect(run.contract.violationCount).toBeGreaterThan(0);
    const [first] = run.contract.violations;
    expect(first).toMatchObject({ operation: 'voucher-detail', path: '$.data.voucher.serialNumber' });
    expect(first!.actual).toMatch(/^\d{13}$/);
    expect(first!.expected).toMatch(/string/);
    expect(run.pass).toBe(false);
    expect(out).toMatch(
      /contract: voucher-detail HTTP 200: \$\.data\.voucher\.serialNumber expected .*string.*, got \d{13}/,
    );
    expect(out).toMatch(/FAIL: .*; contract broken;/);
    const verdict = JSON.parse(await readFile(join(run.out, 'verdict.json'), 'utf8')) as {
      contract: { violations: number; first: string[] };
    };
    expect(verdict.contract.violations).toBe(run.contract.violationCount);
    expect(verdict.contract.first[0]).toContain('$.data.voucher.serialNumber');
    const file = await readFile(join(run.out, 'contract.json'), 'utf8');
    const written = JSON.parse(file) as { violations: ContractViolation[] };
    expect(written.violations[0]).toMatchObject({ path: '$.data.voucher.serialNumber' });
    const { exchange } = written.violations[0]!;
    expect(exchange.url).toContain(`/topup-transactions/${run.vouchers[0]!.code}`);
    expect(exchange.responseBody).toMatch(/"serialNumber":\d{13}/);
    expect(exchange.requestHeaders['x-api-token']).toBe('[REDACTED:access-token]');
    // The exchange is there, its secrets redacted (the login sent the API key; details the token).
    for (const secret of secrets) expect(file).not.toContain(secret);
  });

  it('through a proxy that makes the detail amount a number: the run stops, and its error names the field', async () => {
    const { path } = await targets({ mutation: MUTATIONS.amountAsNumber });
    const failed = await burst(path).then(
      () => undefined,
      (err: unknown) => err as HarnessError,
    );
    expect(failed?.code).toBe('TARGET_MALFORMED_RESPONSE');
    expect(failed?.message).toMatch(
      /the answers break the API description: voucher-detail HTTP 200: \$\.data\.voucher\.amount/,
    );
  });

  it('through the same proxy changing nothing: every answer conforms and the run passes', async () => {
    const { path } = await targets({ mutation: {} });
    const { run, out } = await burst(path);
    // A login and the final detail at least.
    expect(run.contract.answers).toBeGreaterThanOrEqual(2);
    expect(run.contract.violationCount).toBe(0);
    expect(out).toMatch(/answers to the harness's own requests \(\d+ judged against .*\): conform/);
    expect(out).toMatch(/contract holds/);
    expect(run.pass, out).toBe(true);
    const written = JSON.parse(await readFile(join(run.out, 'contract.json'), 'utf8')) as { violationCount: number };
    expect(written.violationCount).toBe(0);
  });
});
