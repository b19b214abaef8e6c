/**
 * `certify-client`: certifies a merchant's OWN integration. The sandbox plays the server with the
 * merchant's key and one voucher per scenario; the integration performs the plan — driven by a
 * person at a till, or unattended by a test script through the control API — and the recorded
 * traffic is graded by the rules in client-cert/rules.ts. `--reference NAME|all` certifies the
 * project's reference clients instead (the proof that the grader grades).
 */
import { join } from 'node:path';
import { HarnessError } from '../lib/errors';
import { readPemFile, writeNewFile } from '../lib/node/key-file';
import { startControlApi, type ControlApi } from '../client-cert/control-api';
import { gradeSession, type Certification } from '../client-cert/grade';
import { PERSON_TIMINGS, SCRIPT_TIMINGS } from '../client-cert/plan';
import { proofTable, runProof } from '../client-cert/proof';
import { REFERENCE_CLIENTS, referenceClient, runReferenceClient } from '../client-cert/reference-clients';
import { writeCertificationReports } from '../client-cert/report';
import { startCertSession, type CertSession, type PlannedScenario } from '../client-cert/session';
import { formatMoney } from '../lib/money';
import { KEY_FILE_NAMES } from './keys-command';
import { wholeNumber } from './options';
import type { CommandIo } from './console-io';
import { EXIT } from './run-command';

export interface CertifyClientOptions {
  key?: string;
  generateKey?: string;
  controlPort?: string;
  out: string;
  scenario?: string[];
  reference?: string;
  quick?: boolean;
}

/** A person's scenario ends by itself this long after its goal is met (late wrong retries still count). */
const QUIET_MS = 3_000;

function planLines(s: PlannedScenario, session: CertSession): string[] {
  const { spec } = s;
  return [
    `${s.number}. ${spec.id} — ${spec.title} (time limit ${s.timeLimitMs / 1000} s)`,
    `   voucher ${s.voucherCode} (balance ${formatMoney(spec.voucherAmount)}${spec.voucherExpired ? ', EXPIRED' : ''}, owner ${s.ownerMsisdn}); amount ${formatMoney(spec.amount)}${spec.basket ? ` = ${spec.basket.map(formatMoney).join(' + ')}` : ''}`,
    ...spec.steps.map((step, i) => `   ${String.fromCharCode(97 + i)}) ${step}`),
    `   the sandbox: ${s.condition}`,
    `   a correct client: ${spec.expect}`,
    ...(spec.condition.kind === 'redeem-held'
      ? [`   (curl: add --max-time ${session.timings.clientTimeoutMs / 1000})`]
      : []),
  ];
}

/** The three calls with curl and the harness's own `sign`, for a person trying the plan by hand. */
function howToCall(session: CertSession, keyDir: string | undefined): string[] {
  const key = keyDir === undefined ? 'YOUR-PRIV.pem' : join(keyDir, KEY_FILE_NAMES.secp256k1.priv);
  return [
    "By hand (curl and this tool's sign), as the API reference describes each call:",
    `  B=${session.baseUrl}`,
    `  TOKEN=$(curl -s -X POST "$B/auth/login" -H 'Content-Type: application/json' -d '{"key":"<API key>"}' | jq -r .accessToken)`,
    `  BODY='{"voucherCode":"<voucher>","amount":<amount>,"idempotencyKey":"<new key>","metadata":"{}"}'`,
    `  SIG=$(omnivas-harness sign --key ${key} --body "$BODY" --json | jq -r .signature)`,
    '  curl -s -X POST "$B/topup-transactions/initiate-claim" -H \'Content-Type: application/json\' -H "x-api-token: $TOKEN" -H "x-signature: $SIG" -d "$BODY"',
    '  then redeem-gift the same way with {"voucherCode","verificationCode","idempotencyKey","metadata"}; the OTP appears below as an SMS.',
  ];
}

function summaryLines(cert: Certification): string[] {
  const lines = [`verdict: ${cert.verdict.toUpperCase()}`, 'scenarios:'];
  for (const s of cert.scenarios)
    lines.push(
      `  ${s.status === 'pass' ? 'PASS' : 'FAIL'} ${s.number}. ${s.id}${s.status === 'pass' ? '' : ` — ${[...s.missing, ...s.rulesBroken.map((r) => `broke ${r}`)].join('; ')}`}`,
    );
  lines.push('rules:');
  for (const r of cert.rules)
    lines.push(
      `  ${r.status === 'fail' ? 'FAIL' : r.status === 'pass' ? 'pass' : ' -- '} ${r.id} [${r.severity}]${r.status === 'fail' ? ` — ${r.violations[0]!.message}` : r.status === 'not-exercised' ? ' (not exercised)' : ''}`,
    );
  return lines;
}

async function referenceRun(options: CertifyClientOptions, io: CommandIo): Promise<number> {
  if (options.reference === 'all') {
    const rows = await runProof(REFERENCE_CLIENTS, (row) =>
      io.err(
        `${row.client.name}: ${row.certification.verdict} (${Math.round(row.ms)} ms)${row.asExpected ? '' : ' — NOT AS EXPECTED'}`,
      ),
    );
    io.out(proofTable(rows));
    const ok = rows.every((r) => r.asExpected);
    io.out(
      ok
        ? `the grader holds: the correct client passes and all ${rows.length - 1} faulty clients fail on their rule`
        : 'the grader does NOT hold: see the rows marked NO',
    );
    return ok ? EXIT.ok : EXIT.verdictFailed;
  }
  const spec = referenceClient(options.reference!);
  const cert = await runReferenceClient(spec, { scenarios: options.scenario });
  for (const line of summaryLines(cert)) io.out(line);
  for (const path of await writeCertificationReports(options.out, cert)) io.out(`wrote ${path}`);
  return cert.verdict === 'pass' ? EXIT.ok : EXIT.verdictFailed;
}

export async function certifyClientCommand(options: CertifyClientOptions, io: CommandIo): Promise<number> {
  if (options.reference !== undefined) return referenceRun(options, io);
  if ((options.key === undefined) === (options.generateKey === undefined))
    throw new HarnessError(
      'INVALID_ARGUMENT',
      'give exactly one of --key PUB.pem (your registered public key) or --generate-key DIR (a new pair written there)',
    );
  const controlPort =
    options.controlPort === undefined ? undefined : wholeNumber(options.controlPort, '--control-port', 0, 65_535);
  const publicKeyPem = options.key === undefined ? undefined : await readPemFile(options.key, '--key');
  const timings = options.quick === true ? SCRIPT_TIMINGS : PERSON_TIMINGS;
  const session = await startCertSession({
    timings,
    scenarios: options.scenario,
    ...(publicKeyPem === undefined ? {} : { publicKeyPem }),
    ...(controlPort === undefined ? { autoFinishQuietMs: QUIET_MS } : {}),
  });
  let control: ControlApi | undefined;
  const startedAt = new Date();
  try {
    if (options.generateKey !== undefined) {
      const names = KEY_FILE_NAMES.secp256k1;
      await writeNewFile(join(options.generateKey, names.priv), session.privateKeyPem!, 0o600, false);
      await writeNewFile(join(options.generateKey, names.pub), session.publicKeyPem, 0o644, false);
      io.out(`key pair: ${join(options.generateKey, names.priv)} (sign with it) and ${names.pub} (registered)`);
    }
    io.out(`base URL:    ${session.baseUrl}`);
    io.out(`merchant:    ${session.merchantId} (registered origin 127.0.0.1, service fee 0)`);
    // The client's own credential: shown once, here, to the person; never written to a report. The
    // how-to is printed as written too: its login body's "key" field would otherwise read as a secret.
    io.document(`API key:     ${session.apiKey}`);
    io.out('');
    for (const line of howToCall(session, options.generateKey)) io.document(line);
    io.out('');
    io.out(`The plan (${session.plan.length} scenarios):`);
    for (const s of session.plan) for (const line of planLines(s, session)) io.out(line);
    io.out('');
    session.on((e) => {
      if (e.kind === 'exchange') io.out(`   saw ${e.line}`);
      if (e.kind === 'otp')
        io.out(
          `   SMS to ${e.scenario.ownerMsisdn}: verification code ${e.otp}${e.wrongOtp === undefined ? '' : ` (send the WRONG code ${e.wrongOtp} first)`}`,
        );
      if (e.kind === 'condition') io.out(`   sandbox: ${e.what}`);
      if (e.kind === 'scenario-finished')
        io.out(
          `   ${e.outcome.goalMet ? 'goal met' : `goal NOT met: ${e.outcome.missing.join('; ')}`} (ended by ${e.outcome.endedBy})`,
        );
    });
    if (controlPort !== undefined) {
      control = await startControlApi(session, controlPort);
      io.out(`control API: ${control.url}  (POST /next, GET /otp, POST /done, GET /status)`);
      io.out('Waiting for your test script to drive the plan…');
      session.on((e) => {
        if (e.kind === 'scenario-started') io.out(`▶ ${e.scenario.number}. ${e.scenario.spec.id}`);
      });
      let timer: NodeJS.Timeout | undefined;
      const bound = (session.plan.length + 1) * timings.scenarioLimitMs;
      await Promise.race([control.planDone, new Promise((r) => (timer = setTimeout(r, bound)))]);
      clearTimeout(timer);
    } else {
      for (let s = await session.next(); s !== undefined; s = await session.next()) {
        io.out(
          `▶ Scenario ${s.number}/${session.plan.length}: ${s.spec.id} — do it now (limit ${s.timeLimitMs / 1000} s)`,
        );
        await session.ended();
      }
    }
    await session.finish('done');
    const cert = gradeSession(session, 'your client', startedAt);
    io.out('');
    for (const line of summaryLines(cert)) io.out(line);
    for (const path of await writeCertificationReports(options.out, cert)) io.out(`wrote ${path}`);
    return cert.verdict === 'pass' ? EXIT.ok : EXIT.verdictFailed;
  } finally {
    await control?.close();
    await session.close();
  }
}
