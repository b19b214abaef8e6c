/**
 * The admin API under /admin: loopback callers with the admin bearer token only. It arranges what
 * the documents leave to an operator (merchants, partner companies, vouchers), reads what a real
 * system would keep to itself (SMS outbox, ledger, state), moves the clock, injects faults and
 * switches seeded defects. Its own errors use the envelope too, and are never subject to defects.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { describeValue } from '../lib/errors';
import { isApiErrorCode } from '../lib/error-catalog';
import { formatMoney } from '../lib/money';
import type { Call, Handler, SandboxHost } from './context';
import { listDefects, parseDefectNames } from './defects';
import { FAULT_ENDPOINTS, type Fault, type FaultEffect, type FaultEndpoint } from './faults';
import { FieldReader } from './field-reader';
import { jsonReply, parseJsonObject } from './http';
import { balancesFromLedger, ledgerEntryJson } from './ledger';
import { generateKeyPair, type KeyType, type RegisteredKey } from './public-keys';
import { refreshVoucher } from './redemption';
import { refuse } from './refusal';
import type { Route } from './router';
import { OTP, readMerchantSpec, readPartnerSpec, readVoucherSpec } from './specs';
import type { Merchant, Partner } from './state';
import { adminVoucherJson } from './voucher-view';

export const ADMIN_BASE_PATH = '/admin';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
const MAX_DELAY_MS = 120_000;

function tokenMatches(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Every /admin path, known or not: loopback only (the socket's address; X-Forwarded-For does not
 * count here), then the bearer token.
 */
export function guardAdmin(req: IncomingMessage, host: SandboxHost): void {
  if (!LOOPBACK.has(req.socket.remoteAddress ?? '')) throw refuse(403, 'The admin API answers loopback callers only');
  const auth = req.headers.authorization;
  if (typeof auth !== 'string' || !tokenMatches(auth, `Bearer ${host.adminToken}`))
    throw refuse(
      401,
      'Missing or wrong admin token: send "Authorization: Bearer <adminToken>" from the sandbox\'s startup line',
    );
}

function bodyOf(call: Call): Record<string, unknown> {
  return parseJsonObject(call.req, call.body).value;
}

function fields(call: Call, known: readonly string[]): FieldReader {
  return new FieldReader(bodyOf(call), '', 'INVALID_ARGUMENT', known);
}

/** The given key, or a fresh pair whose private key is shown in this answer only. */
function keyOrGenerated(key: RegisteredKey | undefined, type: KeyType): { key: RegisteredKey; privateKeyPem?: string } {
  return key ? { key } : generateKeyPair(type);
}

function merchantJson(m: Merchant): Record<string, unknown> {
  return {
    id: m.id,
    name: m.name,
    keyType: m.key.type,
    publicKeyPem: m.key.pem,
    allowedOrigins: [...m.allowedOrigins],
    serviceFee: formatMoney(m.serviceFee),
    received: formatMoney(m.received),
    removed: m.removed,
  };
}

function partnerJson(p: Partner): Record<string, unknown> {
  return {
    id: p.id,
    name: p.name,
    publicKeyPem: p.key.pem,
    allowedOrigins: [...p.allowedOrigins],
    signingTemplate: p.signingTemplate,
    reservedBalance: formatMoney(p.reservedBalance),
    enabled: p.enabled,
  };
}

const clockJson = (ms: number) => ({
  now: new Date(ms).toISOString(),
  epochSeconds: Math.floor(ms / 1000),
  epochMs: ms,
});

const createMerchant: Handler = async (call) => {
  const input = readMerchantSpec(bodyOf(call), '', 'INVALID_ARGUMENT');
  const { key, privateKeyPem } = keyOrGenerated(input.key, input.keyType);
  const merchant = call.ctx.state.addMerchant({ ...input, key });
  call.ctx.log(`admin: merchant ${merchant.id} created (${key.type})`);
  return jsonReply({ ...merchantJson(merchant), apiKey: merchant.apiKey, privateKeyPem }, 201);
};

const removeMerchant: Handler = async (call) => {
  const merchant = call.ctx.state.removeMerchant(call.params.id!);
  call.ctx.log(`admin: merchant ${merchant.id} removed`);
  return jsonReply(merchantJson(merchant));
};

const createPartner: Handler = async (call) => {
  const input = readPartnerSpec(bodyOf(call), '', 'INVALID_ARGUMENT');
  const { key, privateKeyPem } = keyOrGenerated(input.key, input.keyType);
  const partner = call.ctx.state.addPartner({ ...input, key });
  call.ctx.log(`admin: partner company ${partner.id} created`);
  return jsonReply({ ...partnerJson(partner), apiKey: partner.apiKey, privateKeyPem }, 201);
};

function partnerSwitch(enabled: boolean): Handler {
  return async (call) => {
    const partner = call.ctx.state.partner(call.params.id!);
    partner.enabled = enabled;
    call.ctx.log(`admin: partner company ${partner.id} ${enabled ? 'enabled' : 'disabled'}`);
    return jsonReply(partnerJson(partner));
  };
}

const createVoucher: Handler = async (call) => {
  const voucher = call.ctx.state.issueVoucher(readVoucherSpec(bodyOf(call), '', 'INVALID_ARGUMENT'), call.ctx.defects);
  return jsonReply(adminVoucherJson(voucher, call.ctx.defects), 201);
};

function voucherNamed(call: Call) {
  const voucher = call.ctx.state.vouchers.get(call.params.code!);
  if (!voucher) throw refuse(404, `No voucher "${call.params.code!.slice(0, 64)}"`);
  return refreshVoucher(call.ctx, voucher);
}

const readVoucher: Handler = async (call) => jsonReply(adminVoucherJson(voucherNamed(call), call.ctx.defects));

const setVoucherBalance: Handler = async (call) => {
  const remaining = fields(call, ['remainingBalance']).requiredMoney('remainingBalance');
  const voucher = call.ctx.state.adjustVoucherBalance(voucherNamed(call).code, remaining);
  call.ctx.log(`admin: voucher ${voucher.code} balance set to ${formatMoney(remaining)}`);
  return jsonReply(adminVoucherJson(voucher, call.ctx.defects));
};

const readState: Handler = async (call) => {
  const { ctx } = call;
  const balances = balancesFromLedger(ctx.ledger.entries());
  return jsonReply({
    clock: new Date(ctx.clock.now()).toISOString(),
    seed: call.host.seed,
    fixedOtp: ctx.state.fixedOtp,
    defects: ctx.defects.list(),
    merchants: [...ctx.state.merchants.values()].map(merchantJson),
    partners: [...ctx.state.partners.values()].map(partnerJson),
    vouchers: [...ctx.state.vouchers.values()].map((v) => adminVoucherJson(refreshVoucher(ctx, v), ctx.defects)),
    ledgerBalances: Object.fromEntries([...balances].map(([account, micro]) => [account, formatMoney(micro)])),
  });
};

const readLedger: Handler = async (call) => jsonReply({ entries: call.ctx.ledger.entries().map(ledgerEntryJson) });

const readSms: Handler = async (call) => {
  const query = new URL(call.req.url ?? '/', 'http://sandbox').searchParams;
  const messages = call.ctx.outbox.list({
    to: query.get('to') ?? undefined,
    voucherCode: query.get('voucherCode') ?? undefined,
  });
  return jsonReply({ messages: messages.map((m) => ({ ...m, at: new Date(m.at).toISOString() })) });
};

const readClock: Handler = async (call) => jsonReply(clockJson(call.ctx.clock.now()));

const moveClock: Handler = async (call) => {
  const r = fields(call, ['advanceSeconds', 'set']);
  const { clock } = call.ctx;
  if (r.has('advanceSeconds') === r.has('set'))
    throw r.error(
      'give exactly one of "advanceSeconds" (a number of seconds) or "set" (an ISO 8601 date-time or Unix seconds)',
    );
  if (r.has('advanceSeconds'))
    clock.advance(r.number('advanceSeconds', 'a non-negative number of seconds', (n) => Number.isFinite(n) && n >= 0)!);
  else
    clock.setTo(
      typeof r.raw('set') === 'number' ? r.number('set', 'Unix seconds', Number.isFinite)! * 1000 : r.instant('set')!,
    );
  call.ctx.log(`admin: clock moved to ${new Date(clock.now()).toISOString()}`);
  return jsonReply(clockJson(clock.now()));
};

function readFault(r: FieldReader): Fault {
  const given = r.requiredString('endpoint', `one of ${FAULT_ENDPOINTS.join(', ')}`);
  const endpoint = (given === 'initiate-redeem' ? 'initiate-claim' : given) as FaultEndpoint;
  if (!FAULT_ENDPOINTS.includes(endpoint))
    throw r.error(`"endpoint" expected one of ${FAULT_ENDPOINTS.join(', ')}, got ${describeValue(given)}`);
  const count = r.number('count', 'a whole number of calls from 1', (n) => Number.isInteger(n) && n >= 1) ?? 1;
  const kind = r.requiredString('kind', '"error", "delay", "reset" or "lost-answer"');
  let effect: FaultEffect;
  if (kind === 'error') {
    const code = r.raw('code');
    if (!isApiErrorCode(code))
      throw r.error(`"code" expected a documented error code such as 5004, got ${describeValue(code)}`);
    effect = { kind, code, providerMessage: r.string('providerMessage') };
  } else if (kind === 'delay' || kind === 'lost-answer') {
    effect = {
      kind,
      delayMs:
        r.number(
          'delayMs',
          `milliseconds from 0 to ${MAX_DELAY_MS}`,
          (n) => Number.isInteger(n) && n >= 0 && n <= MAX_DELAY_MS,
        ) ?? 1000,
    };
  } else if (kind === 'reset') {
    effect = { kind };
  } else {
    throw r.error(`"kind" expected "error", "delay", "reset" or "lost-answer", got ${describeValue(kind)}`);
  }
  return { ...effect, endpoint, remaining: count };
}

const addFault: Handler = async (call) => {
  const fault = readFault(fields(call, ['endpoint', 'kind', 'code', 'providerMessage', 'delayMs', 'count']));
  call.ctx.faults.add(fault);
  call.ctx.log(`admin: fault ${fault.kind} on ${fault.endpoint} for ${fault.remaining} call(s)`);
  return jsonReply({ faults: call.ctx.faults.list() }, 201);
};

const readFaults: Handler = async (call) => jsonReply({ faults: call.ctx.faults.list() });

const clearFaults: Handler = async (call) => {
  call.ctx.faults.clear();
  return jsonReply({ faults: [] });
};

const defectsJson = (call: Call) => jsonReply({ active: call.ctx.defects.list(), available: listDefects() });

const readDefects: Handler = async (call) => defectsJson(call);

const replaceDefects: Handler = async (call) => {
  const r = fields(call, ['active']);
  const names = r.stringArray('active');
  if (names === undefined) throw r.error('"active" is required: the names of the defects to switch on ([] for none)');
  call.ctx.defects.replace(parseDefectNames(names));
  call.ctx.log(`admin: defects now [${names.join(', ')}]`);
  return defectsJson(call);
};

function defectSwitch(on: boolean): Handler {
  return async (call) => {
    const [name] = parseDefectNames([call.params.name]);
    if (on) call.ctx.defects.enable(name!);
    else call.ctx.defects.disable(name!);
    call.ctx.log(`admin: defect ${name} ${on ? 'on' : 'off'}`);
    return defectsJson(call);
  };
}

const setFixedOtp: Handler = async (call) => {
  const r = fields(call, ['otp']);
  if (!r.has('otp')) throw r.error('"otp" is required: six digits such as "735191", or null for random OTPs');
  call.ctx.state.fixedOtp = r.raw('otp') === null ? undefined : r.string('otp', OTP);
  return jsonReply({ fixedOtp: call.ctx.state.fixedOtp ?? null });
};

const reset: Handler = async (call) => {
  call.host.reset();
  call.host.ctx.log('admin: sandbox reset');
  return jsonReply({ reset: true });
};

export const ADMIN_ROUTES: readonly Route<Handler>[] = [
  { method: 'GET', path: '/state', handler: readState },
  { method: 'GET', path: '/ledger', handler: readLedger },
  { method: 'GET', path: '/sms', handler: readSms },
  { method: 'GET', path: '/clock', handler: readClock },
  { method: 'POST', path: '/clock', handler: moveClock },
  { method: 'POST', path: '/merchants', handler: createMerchant },
  { method: 'DELETE', path: '/merchants/:id', handler: removeMerchant },
  { method: 'POST', path: '/partners', handler: createPartner },
  { method: 'POST', path: '/partners/:id/disable', handler: partnerSwitch(false) },
  { method: 'POST', path: '/partners/:id/enable', handler: partnerSwitch(true) },
  { method: 'POST', path: '/vouchers', handler: createVoucher },
  { method: 'GET', path: '/vouchers/:code', handler: readVoucher },
  { method: 'POST', path: '/vouchers/:code/balance', handler: setVoucherBalance },
  { method: 'PUT', path: '/fixed-otp', handler: setFixedOtp },
  { method: 'GET', path: '/faults', handler: readFaults },
  { method: 'POST', path: '/faults', handler: addFault },
  { method: 'DELETE', path: '/faults', handler: clearFaults },
  { method: 'GET', path: '/defects', handler: readDefects },
  { method: 'PUT', path: '/defects', handler: replaceDefects },
  { method: 'POST', path: '/defects/:name', handler: defectSwitch(true) },
  { method: 'DELETE', path: '/defects/:name', handler: defectSwitch(false) },
  { method: 'POST', path: '/reset', handler: reset },
];
