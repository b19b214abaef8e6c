/**
 * Canonical JSON traps (merchant API v1.0 › Authentication › Step 3): bodies careless clients
 * produce, each sent once, showing which the target accepts and which it refuses — evidence for a
 * merchant debugging "invalid signature".
 *
 * The documents pull two ways: IMPORTANT says the server verifies over JSON.stringify(request.body),
 * its re-serialisation; NOTE says "sign exactly the body you send". A body signed over its
 * re-serialisation must be accepted however it is spelled (requirements). A body signed over bytes
 * that differ from the re-serialisation (Python's defaults, 500.0, "\/", keys re-ordered after
 * signing) is refused by a server that does what IMPORTANT says, but a client following NOTE
 * produces it: those are findings, which report what this target does and never fail the run.
 */
import { canonicalBody, describeFinding, diagnoseSignedString } from '../lib/canonical-json';
import { newIdempotencyKey } from '../lib/payloads';
import { signMessage } from '../lib/signature';
import { defineCheck, fail, pass } from './check';
import type { CheckDefinition, CheckKind, Severity } from './check';
import type { CertifyContext } from './context';
import { evidenceOf } from './evidence';
import { unknownVoucherCode } from './auth-helpers';
import { COMPACT, render, sendAttempt, verdictProblem } from './signature-helpers';
import type { Field, Spelling } from './signature-helpers';

const API = 'omnivas-merchant-api-v1.0' as const;
const IMPORTANT = 'Authentication › Step 3: Generate and Register Public Key › IMPORTANT';
const BOTH = `${IMPORTANT}; › NOTE ("Sign exactly the body you send")`;

/** Non-ASCII (an accent, Amharic) and a solidus: what the usual serialisers spell differently. */
const METADATA = JSON.stringify({ merchant: 'Café Ñandú', product: 'ቡና 1kg', url: 'https://shop.example/p/1' });

/** The document's example body (amount 500), about a voucher no target knows: accepted means 4041. */
const exampleFields = (ctx: CertifyContext): Field[] => [
  ['voucherCode', unknownVoucherCode(ctx.random)],
  ['amount', 500],
  ['idempotencyKey', newIdempotencyKey(ctx.random, 'canon')],
  ['metadata', METADATA],
];

const spelled = (fields: readonly Field[], changes: Partial<Spelling>): string =>
  render(fields, { ...COMPACT, ...changes });

interface Trap {
  readonly id: string;
  readonly title: string;
  readonly kind: CheckKind;
  readonly severity: Severity;
  readonly section: string;
  /** Who sends this, in a few words, for the report. */
  readonly who: string;
  /** The bytes sent, and the string the client signed. */
  build(fields: readonly Field[]): { readonly sent: string; readonly signedOver: string };
}

/** Signed as sent: the NOTE's reading. */
const signedAsSent = (sent: string) => ({ sent, signedOver: sent });
/** Signed over the re-serialisation: the IMPORTANT's reading. */
const signedCanonical = (sent: string) => ({ sent, signedOver: canonicalBody(sent) });

const TRAPS: readonly Trap[] = [
  {
    id: 'canon.pretty-printed-signed-compact',
    title: 'A pretty-printed body signed over its compact form is accepted',
    kind: 'requirement',
    severity: 'high',
    section: IMPORTANT,
    who: 'a pretty-printed body (JSON.stringify(body, null, 2), a file sent with curl -d @file) signed over its compact form',
    build: (fields) => ({
      sent: spelled(fields, { layout: 'indent-2', trailing: '\n' }),
      signedOver: spelled(fields, {}),
    }),
  },
  {
    id: 'canon.ensure-ascii-signed-canonical',
    title: 'A body with ensure_ascii \\uXXXX escapes, signed over its re-serialisation, is accepted',
    kind: 'requirement',
    severity: 'high',
    section: IMPORTANT,
    who: 'a Python body with ensure_ascii escapes, signed over JSON.stringify(JSON.parse(body))',
    build: (fields) => signedCanonical(spelled(fields, { asciiOnly: true })),
  },
  {
    id: 'canon.float-amount-signed-canonical',
    title: 'A body with "amount": 500.0, signed over its re-serialisation (500), is accepted',
    kind: 'requirement',
    severity: 'high',
    section: IMPORTANT,
    who: 'a body with a float amount (500.0), signed over JSON.stringify(JSON.parse(body))',
    build: (fields) => signedCanonical(spelled(fields, { integerAsFloat: true })),
  },
  {
    id: 'canon.ensure-ascii-signed-as-sent',
    title:
      "Python's default ensure_ascii (the document's own Python snippet), signed over the \\uXXXX bytes as sent: which the target accepts",
    kind: 'finding',
    severity: 'medium',
    section: BOTH,
    who: 'the document\'s Python snippet, json.dumps(body, separators=(",", ":")), which keeps ensure_ascii=True, signed as sent',
    build: (fields) => signedAsSent(spelled(fields, { asciiOnly: true })),
  },
  {
    id: 'canon.python-defaults-signed-as-sent',
    title:
      'Python\'s json.dumps defaults (", " and ": " separators, ensure_ascii), signed as sent: which the target accepts',
    kind: 'finding',
    severity: 'medium',
    section: BOTH,
    who: "json.dumps(body) with Python's defaults, signed as sent",
    build: (fields) => signedAsSent(spelled(fields, { layout: 'python-default', asciiOnly: true })),
  },
  {
    id: 'canon.float-amount-signed-as-sent',
    title: 'A float amount, "amount": 500.0, signed over the bytes as sent: which the target accepts',
    kind: 'finding',
    severity: 'medium',
    section: BOTH,
    who: 'a client whose amount is a float (Python 500.0), signed as sent',
    build: (fields) => signedAsSent(spelled(fields, { integerAsFloat: true })),
  },
  {
    id: 'canon.escaped-solidus-signed-as-sent',
    title: 'PHP\'s json_encode default "\\/" escapes, signed over the bytes as sent: which the target accepts',
    kind: 'finding',
    severity: 'medium',
    section: BOTH,
    who: 'PHP\'s json_encode, which writes "/" as "\\/", signed as sent',
    build: (fields) => signedAsSent(spelled(fields, { escapeSolidus: true })),
  },
  {
    id: 'canon.keys-reordered-after-signing',
    title: 'A body whose keys were re-ordered after signing: which the target accepts',
    kind: 'finding',
    severity: 'medium',
    section: BOTH,
    who: 'a body signed in one key order and sent in another (a dict rebuilt or a framework re-serialising after signing)',
    build: (fields) => ({ sent: spelled([...fields].reverse(), {}), signedOver: spelled(fields, {}) }),
  },
];

function trapCheck(trap: Trap): CheckDefinition<CertifyContext> {
  return defineCheck<CertifyContext>({
    id: trap.id,
    title: trap.title,
    area: 'canonical',
    source: { doc: API, section: trap.section },
    basis: 'document',
    severity: trap.severity,
    kind: trap.kind,
    async run(ctx) {
      const { sent, signedOver } = trap.build(exampleFields(ctx));
      // What a server verifying over JSON.stringify(request.body) does: accept exactly when that is the string signed.
      const differences = diagnoseSignedString(sent, signedOver).map(describeFinding);
      const expected = differences.length === 0 ? 'accepted' : 'refused';
      const attempt = {
        kind: 'initiate' as const,
        sent,
        signature: signMessage(ctx.merchant.key, signedOver),
        what: trap.who,
      };
      const res = await sendAttempt(ctx, ctx.merchant.client(), attempt);
      const problem = verdictProblem(ctx, attempt, res, expected);
      const why = differences.join('; ');
      if (problem === undefined)
        return pass(
          expected === 'accepted'
            ? 'accepted'
            : `refused, as a server verifying over JSON.stringify(request.body) does: ${why}`,
        );
      const diagnosis =
        expected === 'refused'
          ? `. The signed string differs from the server's re-serialisation: ${why}; this target verifies over the bytes as sent, or normalises them, so a client relying on it breaks against a server that does what Step 3 › IMPORTANT says`
          : '';
      return fail(`${problem}${diagnosis}`, [evidenceOf('initiate', res, `x-signature is over: ${signedOver}`)]);
    },
  });
}

export const canonicalChecks: readonly CheckDefinition<CertifyContext>[] = TRAPS.map(trapCheck);
