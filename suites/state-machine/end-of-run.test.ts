/**
 * The end of a model-based run resends the last redeemed OTP, so a target that leaves a redeemed
 * claim usable fails even when the run itself never sent a spent code and a later pending claim
 * hides the voucher's status. Run through the same runner as the model-based check, on a sandbox.
 */
import { describe, expect, it } from 'vitest';
import { scenarioCheck } from '../state-machine.checks';
import { runChecksAgainstSandbox } from '../run-checks';
import { InitiateClaimCommand } from './initiate-claim.command';
import { RedeemCommand } from './redeem.command';

const UNITS = 1_000_000n;

// Redeem 2 of 10, then claim 1: the claim left pending makes the status REDEEM_INITIATED either way.
const redeemThenClaim = scenarioCheck(
  'test.end-of-run',
  'A redemption followed by a claim left pending',
  'Balance reservation',
  'critical',
  {
    voucher: 10n * UNITS,
    commands: [
      new InitiateClaimCommand({ kind: 'fixed', amount: 2n * UNITS }),
      new RedeemCommand({ kind: 'pending', ref: 0 }),
      new InitiateClaimCommand({ kind: 'fixed', amount: UNITS }),
    ],
  },
);

const run = (defects: readonly string[]) => runChecksAgainstSandbox([redeemThenClaim], { defects, seed: 1 });

describe('the end of a model-based run', () => {
  it('sends the last redeemed OTP again and fails a target that accepts it', async () => {
    const [result] = await run(['otp-reusable']);
    expect(result?.status).toBe('fail');
    expect(result?.message).toMatch(/^at the end of the run, redeem\(spent OTP 0\) = \d{6} \(claim #0\)/);
  });

  it('passes a target that refuses it', async () => {
    const [result] = await run([]);
    expect(result?.status, result?.message).toBe('pass');
  });
});
