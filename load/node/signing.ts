/**
 * The load command's part of the signing mode (--signing, load/request-corpus.ts): refuse a mode
 * the scenario cannot run, pre-sign the corpus into the out dir before k6 starts, and hand k6 the
 * variables it reads. The private key goes to k6 only when some request is signed there, so a
 * presigned run with a fixed OTP (or none) has no key inside k6 at all.
 */
import { join } from 'node:path';
import { writeRequestCorpus } from '../../generators/request-corpus';
import { HarnessError } from '../../lib/errors';
import { exportPrivateKeyPem, type PrivateKey } from '../../lib/keys';
import { CORPUS_PLANS } from '../corpus-plans';
import { LOAD_ENV, type OtpMode } from '../load-env';
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
}

export async function prepareSigning(input: SigningInput): Promise<PreparedSigning> {
  const report = signingReport(input.mode, input.otp);
  const keyEnv: Record<string, string> = signsInK6(report)
    ? { [LOAD_ENV.privateKey]: exportPrivateKeyPem(input.key) }
    : {};
  const where = `claims ${report.claims === 'corpus' ? 'pre-signed' : 'in k6'}, redemptions ${report.redemptions === 'corpus' ? 'pre-signed' : report.redemptions === 'k6' ? 'in k6' : 'none'}`;
  if (input.mode === 'k6')
    return { report, env: { [LOAD_ENV.signing]: 'k6', ...keyEnv }, description: `signing in k6 (${where})` };
  const path = join(input.dir, CORPUS_FILE);
  const written = await writeRequestCorpus(path, {
    scenario: input.scenario,
    slots: input.slots(),
    key: input.key,
    ...(report.redemptions === 'corpus' && input.fixedOtp !== undefined ? { fixedOtp: input.fixedOtp } : {}),
  });
  return {
    report,
    env: { [LOAD_ENV.signing]: 'presigned', [LOAD_ENV.corpusPath]: path, ...keyEnv },
    description: `signing presigned (${where}; ${written.signatures} signed in Node in ${Math.round(written.ms)} ms into ${CORPUS_FILE})`,
  };
}
