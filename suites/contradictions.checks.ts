/**
 * The documents' own contradictions (docs/design.md › Contradictions between the API documents): reported as
 * findings — what this target does — never as failures.
 */
import { isApiErrorCode } from '../lib/error-catalog';
import { defineCheck, fail, pass } from './check';
import type { CheckDefinition } from './check';
import type { CertifyContext } from './context';
import { evidenceOf } from './evidence';

const API = 'omnivas-merchant-api-v1.0' as const;

/** Whether a path exists: a documented answer (success or a documented code), not a 404/405 routing miss. */
function routeExists(status: number, body: unknown): boolean {
  const code = (body as { statusCode?: unknown } | undefined)?.statusCode;
  return status !== 404 || isApiErrorCode(code);
}

export const contradictionChecks: readonly CheckDefinition<CertifyContext>[] = [
  defineCheck<CertifyContext>({
    id: 'doc.initiate-path',
    title:
      'Which initiate path the target serves: initiate-claim (endpoint reference) or initiate-redeem (end-to-end example)',
    area: 'contradictions',
    source: { doc: API, section: 'Gift Voucher Redemption › 1. Initiate Claim; End-to-End Example (Single Snippet)' },
    basis: 'document',
    severity: 'medium',
    kind: 'finding',
    async run(ctx) {
      const client = ctx.merchant.client();
      // An unknown voucher code: a served path answers 4041 after checking token and signature; a missing one 404s as a route.
      const body = {
        voucherCode: 'no-such-voucher-0000',
        amount: 1_000_000n,
        idempotencyKey: `doc-${ctx.seed}-path`,
        metadata: '{}',
      };
      const claim = await client.initiateClaim(body, { path: 'initiate-claim' });
      const redeem = await client.initiateClaim(
        { ...body, idempotencyKey: `${body.idempotencyKey}-r` },
        { path: 'initiate-redeem' },
      );
      const served = { claim: routeExists(claim.status, claim.json), redeem: routeExists(redeem.status, redeem.json) };
      const evidence = [evidenceOf('initiate-claim', claim), evidenceOf('initiate-redeem', redeem)];
      if (served.claim && served.redeem) return pass('serves both /initiate-claim and /initiate-redeem');
      if (!served.claim && !served.redeem) return fail('serves neither initiate path', evidence);
      return fail(
        `serves only /${served.claim ? 'initiate-claim' : 'initiate-redeem'}: clients following the ${served.claim ? 'end-to-end example' : 'endpoint reference'} will get 404`,
        evidence,
      );
    },
  }),
];
