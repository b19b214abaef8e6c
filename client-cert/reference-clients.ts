/**
 * The proof that the grader grades: the correct reference client must pass, and each faulty one
 * (one realistic mistake each) must fail naming the rule its mistake breaks. `runReferenceClient`
 * certifies one of them unattended through the control API, as a merchant's CI script would.
 */
import { HarnessError } from '../lib/errors';
import { startControlApi } from './control-api';
import { gradeSession, type Certification } from './grade';
import { SCRIPT_TIMINGS, type PlanTimings } from './plan';
import { MISTAKES, ReferenceClient, type Mistake } from './reference-client';
import { startCertSession } from './session';

export interface ReferenceClientSpec {
  readonly name: string;
  readonly mistake: Mistake | undefined;
  /** The rule the mistake breaks (undefined for the correct client). */
  readonly breaks: string | undefined;
  readonly description: string;
}

const FAULTY: Readonly<Record<Mistake, { breaks: string; description: string }>> = {
  'signs-pretty-sends-compact': {
    breaks: 'client.sig.over-sent-bytes',
    description: 'signs JSON.stringify(body, null, 2) but sends the compact body',
  },
  'sends-pretty-json': {
    breaks: 'client.body.compact-json',
    description: 'sends (and signs) pretty-printed JSON',
  },
  'new-key-on-retry': {
    breaks: 'client.idem.same-key-on-retry',
    description: 'a new idempotency key when retrying after a 5xx',
  },
  'same-key-for-new-body': {
    breaks: 'client.idem.fresh-key-per-operation',
    description: 'one key per till transaction, kept when the amount or the OTP changes',
  },
  'login-every-request': {
    breaks: 'client.token.reused-while-valid',
    description: 'logs in before every request',
  },
  'retries-401-with-old-token': {
    breaks: 'client.token.401-not-repeated',
    description: 'ignores a 401 once and resends with the old token',
  },
  'never-renews-token': {
    breaks: 'client.token.renewed-upon-expiry',
    description: 'logs in once and never renews the token',
  },
  'retries-documented-refusal': {
    breaks: 'client.refusal.not-retried',
    description: 'retries 4091 (and any 4xxx) as if transient',
  },
  'der-signature': {
    breaks: 'client.sig.p1363-base64',
    description: "sends a DER signature (Node's default encoding)",
  },
  'float-amount': {
    breaks: 'client.amount.six-decimals',
    description: 'adds the basket in floats: 10.1 + 20.2 = 30.299999999999997',
  },
  'no-signature-on-redeem': {
    breaks: 'client.sig.on-every-post',
    description: 'omits x-signature on redeem-gift',
  },
  'api-key-in-metadata': {
    breaks: 'client.metadata.no-secrets',
    description: 'puts the API key in metadata',
  },
  'gives-up-on-409': {
    breaks: 'client.retry.until-outcome',
    description: 'gives up on the first 409',
  },
  'voucher-code-as-number': {
    breaks: 'client.voucher.code-is-string',
    description: 'sends the voucher code as a JSON number',
  },
  'behind-unregistered-proxy': {
    breaks: 'client.origin.registered',
    description: 'calls through a proxy whose address is not whitelisted (X-Forwarded-For 10.20.30.40)',
  },
};

export const REFERENCE_CLIENTS: readonly ReferenceClientSpec[] = [
  { name: 'correct', mistake: undefined, breaks: undefined, description: 'the integration the guide asks for' },
  ...MISTAKES.map((m) => ({ name: m, mistake: m, ...FAULTY[m] })),
];

export function referenceClient(name: string): ReferenceClientSpec {
  const spec = REFERENCE_CLIENTS.find((c) => c.name === name);
  if (!spec)
    throw new HarnessError(
      'INVALID_ARGUMENT',
      `--reference ${JSON.stringify(name)} is not a reference client; choose from ${REFERENCE_CLIENTS.map((c) => c.name).join(', ')}`,
    );
  return spec;
}

/** Certifies one reference client unattended; bounded by the plan's time limits. */
export async function runReferenceClient(
  spec: ReferenceClientSpec,
  options: { timings?: PlanTimings; scenarios?: readonly string[] } = {},
): Promise<Certification> {
  const timings = options.timings ?? SCRIPT_TIMINGS;
  const session = await startCertSession({ timings, scenarios: options.scenarios });
  const control = await startControlApi(session);
  const startedAt = new Date();
  try {
    const client = new ReferenceClient({
      baseUrl: session.baseUrl,
      controlUrl: control.url,
      apiKey: session.apiKey,
      privateKeyPem: session.privateKeyPem!,
      ...(spec.mistake === undefined ? {} : { mistake: spec.mistake }),
    });
    const bound = session.plan.length * timings.scenarioLimitMs;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      client.run().catch(() => undefined), // a client that throws is graded on what it sent
      new Promise((resolve) => (timer = setTimeout(resolve, bound))),
    ]);
    clearTimeout(timer);
    await session.finish('done');
    return gradeSession(session, spec.name, startedAt);
  } finally {
    await control.close();
    await session.close();
  }
}
