/**
 * Validation errors (docs/design.md › Behaviour where the API documents are silent: missing field, wrong type,
 * negative or non-finite amount, more than 6 decimal places → HTTP 400, in the error envelope with
 * the HTTP status as statusCode). The fields and their types come from the endpoint catalog, which
 * follows the document's Request Body tables. Each request names a real voucher, so that the only
 * thing wrong with it is the one field.
 */
import fc from 'fast-check';
import { ENDPOINTS } from '../lib/endpoint-catalog';
import type { BodyField, FieldType } from '../lib/endpoint-catalog';
import type { CodedEndpoint } from '../lib/error-catalog';
import { moneyToDecimalLiteral } from '../lib/money';
import { defineCheck, fail, pass, settle } from './check';
import type { CheckDefinition, CheckOutcome, CheckSource, Evidence, Severity } from './check';
import type { CertifyContext } from './context';
import { validationErrorProblem } from './error-answer';
import { refute } from './evidence';
import { httpProperty } from './http-property';
import { freshKey, newFlow, sendPost } from './merchant-steps';
import type { Flow } from './merchant-steps';

const SOURCE: CheckSource = {
  doc: 'docs/design.md',
  section:
    'Behaviour where the API documents are silent › Authentication failures (validation errors → HTTP 400); Error envelope',
};

const ENDPOINT_IDS: readonly CodedEndpoint[] = ['initiate-claim', 'redeem-gift'];

/** A body the endpoint would accept but for the field under test (amounts in JSON numbers, as documented). */
function validBody(endpoint: CodedEndpoint, voucherCode: string): Record<string, unknown> {
  const common = { voucherCode, idempotencyKey: freshKey(), metadata: '{}' };
  return endpoint === 'initiate-claim'
    ? { ...common, amount: 1 }
    : { ...common, verificationCode: '123456', msisdn: '251911000000' };
}

/** Sends `body`, which must be refused as a validation error; anything else fails the check (or the case). */
async function expectRefusal(flow: Flow, endpoint: CodedEndpoint, body: string, what: string): Promise<void> {
  const res = await sendPost(flow, endpoint, body);
  const problem = validationErrorProblem(res, flow.ctx.expectations.validationErrorStatus);
  if (problem !== undefined) refute(`${endpoint} with ${what}: ${problem}`, [`${endpoint} with ${what}`, res]);
}

/** A validation check: on a real voucher, so that the one field under test is all that is wrong. */
function validationCheck(def: {
  id: string;
  title: string;
  severity: Severity;
  run(ctx: CertifyContext, flow: Flow, voucherCode: string): Promise<CheckOutcome>;
}): CheckDefinition<CertifyContext> {
  return defineCheck<CertifyContext>({
    ...def,
    area: 'errors',
    source: SOURCE,
    basis: 'assumption',
    // Refused by validation, so nothing is reserved: any voucher of the run's budget will do.
    run: async (ctx) => def.run(ctx, newFlow(ctx), await ctx.voucher({ amount: 0n })),
  });
}

/**
 * Required fields whose absence is a validation error. Not verificationCode (its absence is the
 * documented 4033) nor idempotencyKey (the idempotency area checks it, with its own expectation).
 */
const MISSABLE = ENDPOINT_IDS.flatMap((endpoint) =>
  ENDPOINTS[endpoint].body
    .filter((f) => f.required && f.name !== 'verificationCode' && f.name !== 'idempotencyKey')
    .map((field) => ({ endpoint, field: field.name })),
);

const missingField = validationCheck({
  id: 'err.validation.missing-field',
  title: 'A body without a required field is refused with HTTP 400 in the error envelope',
  severity: 'high',
  async run(_ctx, flow, voucherCode) {
    const failures: string[] = [];
    const evidence: Evidence[] = [];
    for (const { endpoint, field } of MISSABLE) {
      const body = validBody(endpoint, voucherCode);
      delete body[field];
      // Every field is tried, so the failure lists them all.
      const outcome = await settle(async () => {
        await expectRefusal(flow, endpoint, JSON.stringify(body), `no "${field}"`);
        return pass();
      });
      if (outcome.status === 'fail') {
        failures.push(outcome.message);
        evidence.push(...outcome.evidence);
      }
    }
    return failures.length === 0
      ? pass(`${MISSABLE.length} missing fields refused`)
      : fail(failures.join('; '), evidence);
  },
});

/** Values of any JSON type but `type` (null left out: some servers read it as "absent", which the documents do not rule on). */
function wrongValue(type: FieldType): fc.Arbitrary<unknown> {
  const others: fc.Arbitrary<unknown>[] = [
    fc.boolean(),
    fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 2 }),
    fc.dictionary(fc.stringMatching(/^[a-z]{1,4}$/), fc.integer({ min: 0, max: 9 }), { maxKeys: 2 }),
  ];
  return type === 'string'
    ? fc.oneof(fc.integer({ min: 0, max: 999_999 }), ...others)
    : fc.oneof(fc.integer({ min: 1, max: 500 }).map(String), ...others);
}

const TYPED_FIELDS: readonly { endpoint: CodedEndpoint; field: BodyField }[] = ENDPOINT_IDS.flatMap((endpoint) =>
  ENDPOINTS[endpoint].body.map((field) => ({ endpoint, field })),
);

const wrongType = validationCheck({
  id: 'err.validation.wrong-type',
  title:
    'A body field of the wrong JSON type (number for string, string for number, boolean, array, object) is refused with HTTP 400 in the error envelope',
  severity: 'high',
  async run(ctx, flow, voucherCode) {
    const cases = fc
      .constantFrom(...TYPED_FIELDS)
      .chain(({ endpoint, field }) => wrongValue(field.type).map((value) => ({ endpoint, field: field.name, value })));
    return httpProperty(ctx, cases, { numRuns: 30 }, ({ endpoint, field, value }) =>
      expectRefusal(
        flow,
        endpoint,
        JSON.stringify({ ...validBody(endpoint, voucherCode), [field]: value }),
        `"${field}": ${JSON.stringify(value)}`,
      ),
    );
  },
});

/** Amount literals as a careless client writes them: negative, beyond a double (Infinity once parsed), finer than a micro-unit. */
const badAmount: fc.Arbitrary<string> = fc.oneof(
  fc.bigInt({ min: 1n, max: 10n ** 12n }).map((micro) => `-${moneyToDecimalLiteral(micro)}`),
  fc.constantFrom('1e999', '-1e999', '1E400'),
  fc
    .tuple(fc.integer({ min: 0, max: 1000 }), fc.stringMatching(/^\d{6}\d{0,2}[1-9]$/))
    .map(([units, places]) => `${units}.${places}`),
);

const AMOUNT_SLOT = '"__amount__"';

const badAmountCheck = validationCheck({
  id: 'err.validation.bad-amount',
  title: 'A negative, non-finite or finer-than-6-places amount is refused with HTTP 400 in the error envelope',
  severity: 'critical',
  async run(ctx, flow, voucherCode) {
    return httpProperty(
      ctx,
      badAmount,
      { numRuns: 25, examples: ['-1', '-0.000001', '1e999', '0.0000001'] },
      (literal) => {
        // Spliced in as text: JSON.stringify cannot write 1e999, and the server must see the digits as sent.
        const body = JSON.stringify({ ...validBody('initiate-claim', voucherCode), amount: '__amount__' }).replace(
          AMOUNT_SLOT,
          literal,
        );
        return expectRefusal(flow, 'initiate-claim', body, `"amount": ${literal}`);
      },
    );
  },
});

export const validationChecks: readonly CheckDefinition<CertifyContext>[] = [missingField, wrongType, badAmountCheck];
