/**
 * The full merchant flow, the unit of the open-model scenarios (issue 5 › 3 steady flow, 4 soak,
 * 5 faults): log in when the VU's token needs it → initiate a claim → read the voucher's detail →
 * redeem with the claim's OTP (no OTP source: stop after the detail). k6's constant-arrival-rate
 * executor starts RATE flows a second for DURATION_S seconds, whatever the latency. Flow i of the
 * run is slot i of load/corpus-plans.ts flowSlot: flowAmount(i) on voucher i mod N, and every
 * voucher holds enough for all its flows (load/load-env.ts flowPlan), so a correct server refuses
 * none of them for want of balance. Every request is one history line; the checker judges detail
 * reads too. Requests come from load/k6/signed-requests.ts: signed in k6, or (--signing presigned)
 * from the corpus the load command pre-signed from the same slots (flowCorpusPlan).
 */
import { check } from 'k6';
import exec from 'k6/execution';
import { Counter } from 'k6/metrics';
import type { Options } from 'k6/options';
import { durationSeconds, MAX_RUN_SECONDS, profileNamed, thresholdsFor } from '../../k6.config';
import { merchantRequest } from '../../lib';
import { flowSlot } from '../corpus-plans';
import {
  checkClaim,
  checkRedeem,
  currentToken,
  otpFor,
  readSettings,
  record,
  send,
  summaryFiles,
  type Sent,
} from './k6-merchant';
import { LOAD_ENV } from '../load-env';
import { boundedVus, wholeSetting } from './settings';
import { openRequestSigner } from './signed-requests';

const settings = readSettings();
const profile = profileNamed(__ENV[LOAD_ENV.profile]);
const VUS = boundedVus(__ENV[LOAD_ENV.vus], profile.vus);
const SIGNER = openRequestSigner(settings);

const RATE = wholeSetting(__ENV[LOAD_ENV.rate], LOAD_ENV.rate, 1000, profile.rate);
const DURATION_S = wholeSetting(
  __ENV[LOAD_ENV.durationSeconds],
  LOAD_ENV.durationSeconds,
  MAX_RUN_SECONDS,
  durationSeconds(profile.duration),
);

/** Flows broken off by an exception (a failed login, a bad setting): no history line tells of them, so they are counted, and fail the run. */
const harnessErrors = new Counter('harness_errors');

/** A 5xx or no answer: what an injected fault produces; the verdict, not a check, says whose it was. */
function faultAnswer(sent: Sent): boolean {
  return sent.status === 0 || sent.status >= 500;
}

/** The k6 options and the iteration of a flow scenario; `injectedFaults`: the sandbox injects faults during the run. */
export function flowScenario(injectedFaults: boolean): {
  options: Options;
  flow: () => void;
  handleSummary: (data: unknown) => Record<string, string>;
} {
  const judged = (sent: Sent, judge: (s: Sent) => void) => {
    if (!(injectedFaults && faultAnswer(sent))) judge(sent);
  };
  const options: Options = {
    scenarios: {
      // gracefulStop bounds the flows still running when the duration ends.
      flow: {
        executor: 'constant-arrival-rate',
        rate: RATE,
        timeUnit: '1s',
        duration: `${DURATION_S}s`,
        preAllocatedVUs: VUS,
        maxVUs: VUS,
        gracefulStop: '30s',
      },
    },
    thresholds: {
      ...thresholdsFor(profile, { abort: false, injectedFaults, p95Budgets: settings.p95Budgets }),
      harness_errors: ['count==0'],
    } as Options['thresholds'],
    summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)'],
  };

  function flow(): void {
    try {
      steps(exec.scenario.iterationInTest);
    } catch (err) {
      harnessErrors.add(1);
      throw err;
    }
  }

  function steps(i: number): void {
    const slot = flowSlot(settings.vouchers, i);
    const { voucherCode: voucher, amount } = slot;
    const claim = SIGNER.claim(slot, currentToken(settings, undefined));
    const claimed = send(settings.baseUrl, settings.initiateEndpoint, claim.request);
    record(settings, { op: 'claim', voucher, amount, idempotencyKey: claim.idempotencyKey }, claimed);
    judged(claimed, checkClaim);
    if (claimed.status !== 200) return;

    const detail = send(
      settings.baseUrl,
      'voucher-detail',
      merchantRequest('voucher-detail', { accessToken: currentToken(settings, undefined), voucherCode: voucher }),
    );
    record(settings, { op: 'detail', voucher, amount: null, idempotencyKey: `detail-${i}` }, detail);
    judged(detail, (d) => check(d, { 'detail: 200': (s) => s.status === 200 }));

    const otp = otpFor(settings, voucher, amount);
    if (settings.otp !== 'none') check(otp, { 'an OTP for the acknowledged claim': (o) => o !== undefined });
    if (otp === undefined) return;
    const redeem = SIGNER.redeem(slot, otp, currentToken(settings, undefined));
    const redeemed = send(settings.baseUrl, 'redeem-gift', redeem.request);
    record(
      settings,
      { op: 'redeem', voucher, amount, idempotencyKey: redeem.idempotencyKey, claimKey: claim.idempotencyKey, otp },
      redeemed,
    );
    judged(redeemed, checkRedeem);
  }

  return { options, flow, handleSummary: summaryFiles };
}
