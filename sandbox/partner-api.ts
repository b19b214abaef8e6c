/**
 * A partner API under /api/v1/partner. The onboarding document describes how partner requests
 * are authenticated (Request Authentication) but names no endpoint, so these are the SANDBOX'S
 * OWN: issue a voucher funded from the company's reserved balance, list and read the vouchers it
 * issued, read its account.
 *
 * Authentication: X-API-Key (401 when missing or unknown), API access enabled and an allowed
 * origin (403), X-Timestamp in Unix seconds within ±300 s of the sandbox clock (401), X-Signature:
 * base64 Ed25519 over the company's signing template, default {timestamp}.{method}.{path}.{body}
 * (403), and on writes an Idempotency-Key header (400 without).
 */
import { formatMoney } from '../lib/money';
import { renderSigningTemplate } from '../lib/signing-template';
import type { Call, Handler } from './context';
import type { ActiveDefects } from './defects';
import { FieldReader } from './field-reader';
import { checkOrigin, jsonReply, parseJsonObject } from './http';
import { runOnce } from './idempotent-call';
import { refreshVoucher } from './redemption';
import { refuse, refuseWithCode } from './refusal';
import type { Route } from './router';
import { partnerSignatureProblem } from './signatures';
import type { Partner } from './state';
import { partnerVoucherJson } from './voucher-view';

export const PARTNER_BASE_PATH = '/api/v1/partner';

/** "<= 5 minutes clock skew" (onboarding › Request Authentication), either way. */
export const REPLAY_WINDOW_SECONDS = 300;
const UNIX_SECONDS = /^\d{1,12}$/;

function header(call: Call, name: string): string | undefined {
  const value = call.req.headers[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function checkTimestamp(timestamp: string | undefined, nowSeconds: number, defects: ActiveDefects): void {
  if (timestamp === undefined || !UNIX_SECONDS.test(timestamp))
    throw refuse(401, 'X-Timestamp must be the Unix time in seconds');
  const window = defects.has('partner-replay-window-10-minutes') ? 2 * REPLAY_WINDOW_SECONDS : REPLAY_WINDOW_SECONDS;
  const age = nowSeconds - Number(timestamp);
  if (age > window)
    throw refuse(
      401,
      `X-Timestamp is ${age} s old; requests are accepted within ${REPLAY_WINDOW_SECONDS} s of the server clock`,
    );
  if (-age > window && !defects.has('partner-future-timestamps-unbounded'))
    throw refuse(
      401,
      `X-Timestamp is ${-age} s ahead of the server clock; requests are accepted within ${REPLAY_WINDOW_SECONDS} s`,
    );
}

function authenticatePartner(call: Call): Partner {
  const { ctx, req } = call;
  const apiKey = header(call, 'x-api-key');
  if (apiKey === undefined) throw refuse(401, 'Missing X-API-Key header');
  const partner = ctx.state.partnerByApiKey(apiKey);
  if (!partner) throw refuse(401, 'Unknown X-API-Key');
  if (!partner.enabled) throw refuse(403, 'API access is disabled for this partner company');
  checkOrigin(req, partner.allowedOrigins, ctx.defects);
  const timestamp = header(call, 'x-timestamp');
  checkTimestamp(timestamp, ctx.clock.nowSeconds(), ctx.defects);
  const signed = renderSigningTemplate(partner.signingTemplate, {
    timestamp: timestamp!,
    method: req.method ?? '',
    path: req.url ?? '',
    body: call.body.toString('utf8'),
    apiKey,
    idempotencyKey: header(call, 'idempotency-key') ?? '',
  });
  const problem = partnerSignatureProblem(partner.key, signed, req.headers['x-signature']);
  if (problem) throw refuse(403, problem);
  return partner;
}

function success(message: string, data: unknown) {
  return jsonReply({ statusCode: 200, success: true, message, data });
}

const issueVoucher: Handler = (call) => {
  const partner = authenticatePartner(call);
  const key = header(call, 'idempotency-key');
  if (key === undefined) throw refuse(400, 'Missing Idempotency-Key header: partner write endpoints need one');
  const { value } = parseJsonObject(call.req, call.body);
  const r = new FieldReader(value, '', 'INVALID_ARGUMENT', [
    'amount',
    'ownerMsisdn',
    'expirationDate',
    'restrictedMerchantId',
  ]);
  const spec = {
    amount: r.requiredMoney('amount'),
    ownerMsisdn: r.requiredString('ownerMsisdn', 'the phone number the voucher belongs to'),
    expiresAt: r.instant('expirationDate'),
    restrictedMerchantId: r.string('restrictedMerchantId'),
    partnerId: partner.id,
  };
  return runOnce(
    call,
    { endpoint: 'partner-issue-voucher', owner: partner.id, key, fingerprint: call.body.toString('utf8') },
    'partner-issue-voucher',
    () => {
      const voucher = call.ctx.state.issueVoucher(spec, call.ctx.defects);
      return success('Voucher issued', {
        voucher: partnerVoucherJson(voucher, call.ctx.defects),
        reservedBalance: formatMoney(partner.reservedBalance),
      });
    },
  );
};

const listVouchers: Handler = async (call) => {
  const partner = authenticatePartner(call);
  await call.ctx.faults.apply('partner-list-vouchers', call.req.socket);
  const vouchers = [...call.ctx.state.vouchers.values()].filter((v) => v.partnerId === partner.id);
  return success('Successful', {
    vouchers: vouchers.map((v) => partnerVoucherJson(refreshVoucher(call.ctx, v), call.ctx.defects)),
  });
};

const readVoucher: Handler = async (call) => {
  const partner = authenticatePartner(call);
  await call.ctx.faults.apply('partner-voucher', call.req.socket);
  const voucher = call.ctx.state.vouchers.get(call.params.code!);
  if (!voucher || voucher.partnerId !== partner.id) throw refuseWithCode(4041);
  return success('Successful', { voucher: partnerVoucherJson(refreshVoucher(call.ctx, voucher), call.ctx.defects) });
};

const readAccount: Handler = async (call) => {
  const partner = authenticatePartner(call);
  await call.ctx.faults.apply('partner-account', call.req.socket);
  return success('Successful', {
    id: partner.id,
    name: partner.name,
    reservedBalance: formatMoney(partner.reservedBalance),
    enabled: partner.enabled,
  });
};

export const PARTNER_ROUTES: readonly Route<Handler>[] = [
  { method: 'POST', path: '/vouchers', handler: issueVoucher },
  { method: 'GET', path: '/vouchers', handler: listVouchers },
  { method: 'GET', path: '/vouchers/:code', handler: readVoucher },
  { method: 'GET', path: '/account', handler: readAccount },
];
