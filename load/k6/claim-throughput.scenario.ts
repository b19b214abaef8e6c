/**
 * Claim throughput, for npm run bench (bench/k6-throughput-bench.ts): VUS VUs send initiate-claims
 * back to back, as fast as the target answers, until the plan's claims are sent (every voucher
 * claimed down to nothing available: load/corpus-plans.ts throughputPlan) or 20 s pass. Requests
 * come from load/k6/signed-requests.ts, so both signing modes are measured on the scenarios' own code
 * path. Nothing is judged (no history lines, no thresholds): the k6 summary gives the rate.
 */
import exec from 'k6/execution';
import { Rate } from 'k6/metrics';
import type { Options } from 'k6/options';
import { throughputClaims, throughputSlot } from '../corpus-plans';
import { currentToken, login, readSettings, send, summaryFiles } from './k6-merchant';
import { LOAD_ENV } from '../load-env';
import { boundedVus } from './settings';
import { openRequestSigner } from './signed-requests';

const settings = readSettings();
const VUS = boundedVus(__ENV[LOAD_ENV.vus], 8);
const SIGNER = openRequestSigner(settings);
/** Short, so a bench run stays bounded whatever the signing mode reaches. */
const MAX_SECONDS = 20;

/** Claims the sandbox accepted (200): a refusal is cheaper to answer, so the rate means most with this near 1. */
const accepted = new Rate('claims_accepted');

export const options: Options = {
  scenarios: {
    claims: {
      executor: 'shared-iterations',
      vus: VUS,
      iterations: throughputClaims(settings.vouchers),
      maxDuration: `${MAX_SECONDS}s`,
    },
  },
  setupTimeout: '30s',
};

interface SetupData {
  readonly login: { token: string; atMs: number };
}

export function setup(): SetupData {
  return { login: login(settings) };
}

export default function claim(data: SetupData): void {
  const slot = throughputSlot(settings.vouchers, exec.scenario.iterationInTest);
  const sent = send(
    settings.baseUrl,
    settings.initiateEndpoint,
    SIGNER.claim(slot, currentToken(settings, data.login)).request,
  );
  accepted.add(sent.status === 200);
}

export function handleSummary(data: unknown): Record<string, string> {
  return summaryFiles(data);
}
