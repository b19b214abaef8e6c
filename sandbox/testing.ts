/**
 * A small client for the sandbox, used by its tests and its benchmark: admin calls, merchants with
 * locally generated keys (only the public key is registered, as the API reference's Step 3 says),
 * and signed merchant calls exactly as the document's examples make them.
 */
import { createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { DEFAULT_SIGNING_TEMPLATE, renderSigningTemplate } from '../lib/signing-template';
import type { KeyType } from './public-keys';
import type { RunningSandbox } from './start';

export interface HttpAnswer {
  readonly status: number;
  readonly text: string;
  /** The parsed body, or undefined when it is not JSON. */
  readonly json: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests read answers field by field
  readonly headers: Headers;
}

export async function httpCall(url: string, init: RequestInit = {}): Promise<HttpAnswer> {
  const res = await fetch(url, init);
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json, headers: res.headers };
}

export interface TestMerchant {
  readonly id: string;
  readonly apiKey: string;
  readonly keyType: KeyType;
  readonly privateKey: KeyObject;
  readonly publicKeyPem: string;
}

export function generateMerchantKey(keyType: KeyType = 'secp256k1'): { privateKey: KeyObject; publicKeyPem: string } {
  const { privateKey } =
    keyType === 'secp256k1' ? generateKeyPairSync('ec', { namedCurve: 'secp256k1' }) : generateKeyPairSync('ed25519');
  return { privateKey, publicKeyPem: createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString() };
}

/** base64 signature over exactly `message`, IEEE-P1363 for secp256k1. */
export function signText(
  privateKey: KeyObject,
  message: string,
  dsaEncoding: 'ieee-p1363' | 'der' = 'ieee-p1363',
): string {
  const data = Buffer.from(message);
  return (
    privateKey.asymmetricKeyType === 'ed25519'
      ? sign(null, data, privateKey)
      : sign('sha256', data, { key: privateKey, dsaEncoding })
  ).toString('base64');
}

/** The x-signature a correct client sends: over JSON.stringify(JSON.parse(sentBody)). */
export function signBody(privateKey: KeyObject, sentBody: string): string {
  return signText(privateKey, JSON.stringify(JSON.parse(sentBody)));
}

export interface TestPartner {
  readonly id: string;
  readonly apiKey: string;
  readonly privateKey: KeyObject;
}

export interface PartnerCallOptions {
  /** X-Timestamp; default the sandbox clock's seconds as the client reads them. */
  readonly timestamp?: string;
  readonly idempotencyKey?: string;
  readonly template?: string;
  readonly headers?: Record<string, string>;
}

export class SandboxClient {
  constructor(readonly sandbox: RunningSandbox) {}

  admin(method: string, path: string, body?: unknown): Promise<HttpAnswer> {
    return httpCall(`${this.sandbox.adminUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.sandbox.adminToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  /** An admin call that must succeed; its JSON answer. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async adminOk(method: string, path: string, body?: unknown): Promise<any> {
    const answer = await this.admin(method, path, body);
    if (answer.status >= 300) throw new Error(`admin ${method} ${path} answered ${answer.status}: ${answer.text}`);
    return answer.json;
  }

  async createMerchant(
    options: { keyType?: KeyType; serviceFee?: number | string; allowedOrigins?: string[]; id?: string } = {},
  ): Promise<TestMerchant> {
    const keyType = options.keyType ?? 'secp256k1';
    const { privateKey, publicKeyPem } = generateMerchantKey(keyType);
    const { keyType: _ignored, ...rest } = options;
    const created = await this.adminOk('POST', '/merchants', { ...rest, publicKeyPem });
    return { id: created.id, apiKey: created.apiKey, keyType, privateKey, publicKeyPem };
  }

  /** A voucher via the admin API; amounts as numbers or decimal strings. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  createVoucher(spec: Record<string, unknown>): Promise<any> {
    return this.adminOk('POST', '/vouchers', spec);
  }

  async login(merchant: TestMerchant): Promise<string> {
    const answer = await this.loginAnswer(merchant.apiKey);
    if (answer.status !== 200) throw new Error(`login answered ${answer.status}: ${answer.text}`);
    return answer.json.accessToken as string;
  }

  loginAnswer(apiKey: unknown, headers: Record<string, string> = {}): Promise<HttpAnswer> {
    return httpCall(`${this.sandbox.url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ key: apiKey }),
    });
  }

  /**
   * A signed merchant POST. `body` as an object is sent as JSON.stringify(body); as a string it is
   * sent as is. The signature is the correct one unless `headers` overrides x-signature.
   */
  signedPost(
    merchant: TestMerchant,
    token: string,
    path: string,
    body: object | string,
    headers: Record<string, string> = {},
  ): Promise<HttpAnswer> {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    return httpCall(`${this.sandbox.url}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-api-token': token,
        'x-signature': signBody(merchant.privateKey, text),
        ...headers,
      },
      body: text,
    });
  }

  detail(token: string, voucherCode: string, headers: Record<string, string> = {}): Promise<HttpAnswer> {
    return httpCall(`${this.sandbox.url}/topup-transactions/${encodeURIComponent(voucherCode)}`, {
      headers: { 'x-api-token': token, ...headers },
    });
  }

  /** The OTPs texted for a voucher, oldest first. */
  async otps(voucherCode: string): Promise<string[]> {
    const { messages } = await this.adminOk('GET', `/sms?voucherCode=${encodeURIComponent(voucherCode)}`);
    return (messages as { otp?: string }[]).flatMap((m) => (m.otp === undefined ? [] : [m.otp]));
  }

  async lastOtp(voucherCode: string): Promise<string> {
    const otps = await this.otps(voucherCode);
    if (otps.length === 0) throw new Error(`no OTP was sent for voucher ${voucherCode}`);
    return otps[otps.length - 1]!;
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  voucher(code: string): Promise<any> {
    return this.adminOk('GET', `/vouchers/${encodeURIComponent(code)}`);
  }

  async ledger(): Promise<
    {
      seq: number;
      kind: string;
      from: string;
      to: string | null;
      amount: string;
      voucherCode?: string;
      claimId?: string;
    }[]
  > {
    return (await this.adminOk('GET', '/ledger')).entries;
  }

  advanceClock(seconds: number): Promise<unknown> {
    return this.adminOk('POST', '/clock', { advanceSeconds: seconds });
  }

  async clockSeconds(): Promise<number> {
    return (await this.adminOk('GET', '/clock')).epochSeconds;
  }

  async createPartner(spec: Record<string, unknown> = {}): Promise<TestPartner> {
    const { privateKey, publicKeyPem } = generateMerchantKey('ed25519');
    const created = await this.adminOk('POST', '/partners', { reservedBalance: 1000, ...spec, publicKeyPem });
    return { id: created.id, apiKey: created.apiKey, privateKey };
  }

  /** A partner API call signed over the template (default {timestamp}.{method}.{path}.{body}). */
  async partnerCall(
    partner: TestPartner,
    method: string,
    path: string,
    body?: unknown,
    options: PartnerCallOptions = {},
  ): Promise<HttpAnswer> {
    const text = body === undefined ? '' : JSON.stringify(body);
    const fullPath =
      new URL(`${this.sandbox.partnerUrl}${path}`).pathname + (path.includes('?') ? path.slice(path.indexOf('?')) : '');
    const timestamp = options.timestamp ?? String(await this.clockSeconds());
    const idempotencyKey = options.idempotencyKey ?? '';
    const signed = renderSigningTemplate(options.template ?? DEFAULT_SIGNING_TEMPLATE, {
      timestamp,
      method,
      path: fullPath,
      body: text,
      apiKey: partner.apiKey,
      idempotencyKey,
    });
    const headers: Record<string, string> = {
      'x-api-key': partner.apiKey,
      'x-timestamp': timestamp,
      'x-signature': signText(partner.privateKey, signed),
    };
    if (text !== '') headers['content-type'] = 'application/json';
    if (idempotencyKey !== '') headers['idempotency-key'] = idempotencyKey;
    return httpCall(`${this.sandbox.partnerUrl}${path}`, {
      method,
      headers: { ...headers, ...options.headers },
      body: text === '' ? undefined : text,
    });
  }
}

/** A merchant ready to call: created, logged in, with helpers bound to it. */
export async function readyMerchant(
  client: SandboxClient,
  options: Parameters<SandboxClient['createMerchant']>[0] = {},
) {
  const merchant = await client.createMerchant(options);
  const token = await client.login(merchant);
  let keys = 0;
  const nextKey = () => `key-${merchant.id}-${++keys}`;
  return {
    merchant,
    token,
    nextKey,
    initiate: (body: Record<string, unknown>, headers?: Record<string, string>) =>
      client.signedPost(
        merchant,
        token,
        '/topup-transactions/initiate-claim',
        { idempotencyKey: nextKey(), ...body },
        headers,
      ),
    redeem: (body: Record<string, unknown>, headers?: Record<string, string>) =>
      client.signedPost(
        merchant,
        token,
        '/topup-transactions/redeem-gift',
        { idempotencyKey: nextKey(), ...body },
        headers,
      ),
    detail: (code: string, headers?: Record<string, string>) => client.detail(token, code, headers),
  };
}

export type ReadyMerchant = Awaited<ReturnType<typeof readyMerchant>>;
