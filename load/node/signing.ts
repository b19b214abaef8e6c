/**
 * The load command's part of the signing mode (--signing, load/request-corpus.ts): refuse a mode
 * the scenario cannot run, pre-sign the corpus into the out dir before k6 starts, and hand k6 the
 * variables it reads; for what is signed at run time, start the signing helper k6 asks
 * (load/signing-helper.ts). The private key goes to k6 only when some request is signed at run
 * time (k6 signs itself when no helper runs, and the idempotency storm signs its probes itself),
 * so a presigned run with a fixed OTP (or none) has no key inside k6 at all.
 */
import { join } from 'node:path';
import { writeRequestCorpus } from '../../generators/request-corpus';
import { HarnessError } from '../../lib/errors';
import { exportPrivateKeyPem, type PrivateKey } from '../../lib/keys';
import type { Redactor } from '../../lib/redact';
import { CORPUS_PLANS } from '../corpus-plans';
import { LOAD_ENV, type OtpMode } from '../load-env';
import { newBridgeToken } from './otp-bridge';
import { startSigningHelper, type SigningHelper } from './signing-helper';
import {
  signingModeOf,
  signingReport,
  signsInK6,
  type CorpusSlot,
  type SigningMode,
  type SigningReport,
} from '../request-corpus';

/** The corpus file's name in the out dir. */
export const CORPUS_FILE = 'corpus.json';

/** The mode --signing asks for, refused before anything starts when the scenario has no corpus plan. */
export function signingModeFor(scenario: string, text: string | undefined): SigningMode {
  const mode = signingModeOf(text);
  if (mode === 'presigned' && CORPUS_PLANS[scenario] === undefined) {
    throw new HarnessError(
      'INVALID_ARGUMENT',
      `--signing presigned: ${scenario} has no corpus plan (load/corpus-plans.ts); run it with --signing k6, or choose from ${Object.keys(CORPUS_PLANS).join(', ')}`,
    );
  }
  return mode;
}

export interface PreparedSigning {
  readonly report: SigningReport;
  /** For k6's process environment (the key, when present, is a secret: never argv). */
  readonly env: Readonly<Record<string, string>>;
  /** One line for the start of the run. */
  readonly description: string;
  /** Stops the signing helper, if one runs; call once k6 has ended. */
  close(): Promise<void>;
}

export interface SigningInput {
  readonly scenario: string;
  readonly mode: SigningMode;
  readonly otp: OtpMode;
  readonly fixedOtp: string | undefined;
  /** The run's slots (CORPUS_PLANS or the bench's plan); only read in presigned mode. */
  readonly slots: () => readonly CorpusSlot[];
  readonly key: PrivateKey;
  readonly dir: string;
  /**
   * Who signs what is signed at run time: the signing helper (load/signing-helper.ts, the
   * default: libsecp256k1 beside k6, several times the flows k6's own signing allows on this
   * machine, npm run bench) or k6 itself (lib/ in its VM).
   */
  readonly signer?: 'helper' | 'k6';
  /** The run's redactor: the helper's token is added to it. */
  readonly redactor?: Redactor;
}

/** The helper for a run that signs at run time, its token redacted from then on. */
async function helperFor(input: SigningInput, report: SigningReport): Promise<SigningHelper | undefined> {
  if (!signsInK6(report) || (input.signer ?? 'helper') !== 'helper') return undefined;
  const helper = await startSigningHelper({ key: input.key, token: newBridgeToken() });
  input.redactor?.add(helper.token, 'signing-helper-token');
  return helper;
}

export async function prepareSigning(input: SigningInput): Promise<PreparedSigning> {
  const report = signingReport(input.mode, input.otp);
  const keyEnv: Record<string, string> = signsInK6(report)
    ? { [LOAD_ENV.privateKey]: exportPrivateKeyPem(input.key) }
    : {};
  const helper = await helperFor(input, report);
  const atRunTime = helper === undefined ? 'in k6' : 'by the signing helper';
  const where = `claims ${report.claims === 'corpus' ? 'pre-signed' : atRunTime}, redemptions ${report.redemptions === 'corpus' ? 'pre-signed' : report.redemptions === 'k6' ? atRunTime : 'none'}`;
  const helperEnv: Record<string, string> =
    helper === undefined ? {} : { [LOAD_ENV.signerUrl]: helper.url, [LOAD_ENV.signerToken]: helper.token };
  const close = async () => helper?.close();
  if (input.mode === 'k6')
    return {
      report,
      env: { [LOAD_ENV.signing]: 'k6', ...keyEnv, ...helperEnv },
      description: `signing at run time (${where})`,
      close,
    };
  const path = join(input.dir, CORPUS_FILE);
  const written = await writeRequestCorpus(path, {
    scenario: input.scenario,
    slots: input.slots(),
    key: input.key,
    ...(report.redemptions === 'corpus' && input.fixedOtp !== undefined ? { fixedOtp: input.fixedOtp } : {}),
  }).catch(async (err: unknown) => {
    await close();
    throw err;
  });
  return {
    report,
    close,
    env: { [LOAD_ENV.signing]: 'presigned', [LOAD_ENV.corpusPath]: path, ...keyEnv, ...helperEnv },
    description: `signing presigned (${where}; ${written.signatures} signed in Node in ${Math.round(written.ms)} ms into ${CORPUS_FILE})`,
  };
}
