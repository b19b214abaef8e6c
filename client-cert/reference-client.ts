/**
 * A merchant integration as the project writes one, driven by the control API like a merchant's
 * CI script: log in once, sign the exact compact body it sends, a fresh idempotency key per
 * operation and the same one on every retry of it, retry 5xx / 409 / timeouts until a final answer,
 * renew the token on 401, never retry a documented refusal. Each `Mistake` switches on one
 * realistic error, so the grader can be shown to catch it (reference-clients.ts lists them).
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { base64Encode } from '../lib/bytes';
import { p1363ToDer } from '../lib/ecdsa-signature';
import { importPrivateKeyPem, type PrivateKey } from '../lib/keys';
import { moneyFromDecimal, moneyToJsonNumber } from '../lib/money';
import { signMessage, signMessageBytes } from '../lib/signature';

export const MISTAKES = [
  'signs-pretty-sends-compact',
  'sends-pretty-json',
  'new-key-on-retry',
  'same-key-for-new-body',
  'login-every-request',
  'retries-401-with-old-token',
  'never-renews-token',
  'retries-documented-refusal',
  'der-signature',
  'float-amount',
  'no-signature-on-redeem',
  'api-key-in-metadata',
  'gives-up-on-409',
  'voucher-code-as-number',
  'behind-unregistered-proxy',
] as const;
export type Mistake = (typeof MISTAKES)[number];

export interface ReferenceClientOptions {
  readonly baseUrl: string;
  readonly controlUrl: string;
  readonly apiKey: string;
  readonly privateKeyPem: string;
  readonly mistake?: Mistake;
}

interface Scenario {
  readonly id: string;
  readonly voucherCode: string;
  readonly amount: string;
  readonly basket?: readonly string[];
  readonly fallbackAmount?: string;
  readonly wrongOtpFirst: boolean;
  readonly clientTimeoutSeconds: number;
}

interface Answer {
  readonly status: number;
  readonly json: Record<string, unknown> | undefined;
}

const MAX_ATTEMPTS = 10;
const FIRST_PAUSE_MS = 150;

async function controlCall(url: string, method: string): Promise<Record<string, unknown>> {
  const res = await fetch(url, { method });
  return (await res.json()) as Record<string, unknown>;
}

export class ReferenceClient {
  readonly #key: PrivateKey;
  #token: string | undefined;
  #timeoutMs = 10_000;

  constructor(private readonly options: ReferenceClientOptions) {
    this.#key = importPrivateKeyPem(options.privateKeyPem);
  }

  #has(m: Mistake): boolean {
    return this.options.mistake === m;
  }

  /** Runs the whole plan through the control API. */
  async run(): Promise<void> {
    for (;;) {
      const next = await controlCall(`${this.options.controlUrl}/next`, 'POST');
      if (next.done === true) return;
      const scenario = next.scenario as Scenario;
      this.#timeoutMs = scenario.clientTimeoutSeconds * 1000;
      try {
        await this.#redeemFlow(scenario);
      } finally {
        await controlCall(`${this.options.controlUrl}/done`, 'POST');
      }
    }
  }

  async #redeemFlow(s: Scenario): Promise<void> {
    let claimed = await this.#write('initiate', s, this.#claimBody(s, s.amount));
    if (claimed?.json?.statusCode === 4091 && s.fallbackAmount !== undefined)
      claimed = await this.#write('initiate', s, this.#claimBody(s, s.fallbackAmount));
    if (claimed?.status !== 200) return;
    const { otp, wrongOtp } = await controlCall(`${this.options.controlUrl}/otp`, 'GET');
    if (s.wrongOtpFirst && typeof wrongOtp === 'string') await this.#write('redeem', s, this.#redeemBody(s, wrongOtp));
    await this.#write('redeem', s, this.#redeemBody(s, String(otp)));
  }

  #claimBody(s: Scenario, amount: string): Record<string, unknown> {
    const value =
      this.#has('float-amount') && s.basket !== undefined
        ? s.basket.reduce((sum, line) => sum + Number(line), 0) // the mistake: binary floats for money
        : moneyToJsonNumber(moneyFromDecimal(amount));
    return { voucherCode: this.#code(s), amount: value, metadata: this.#metadata(s) };
  }

  #redeemBody(s: Scenario, otp: string): Record<string, unknown> {
    return { voucherCode: this.#code(s), verificationCode: otp, metadata: this.#metadata(s) };
  }

  #code(s: Scenario): string | number {
    return this.#has('voucher-code-as-number') ? Number(s.voucherCode) : s.voucherCode;
  }

  #metadata(s: Scenario): string {
    const context: Record<string, unknown> = { till: 'till-7', scenario: s.id };
    if (this.#has('api-key-in-metadata')) context.apiKey = this.options.apiKey;
    return JSON.stringify(context);
  }

  #newKey(endpoint: string, s: Scenario): string {
    // The mistake: one key per till transaction, kept when the cashier changes the amount or the code.
    return this.#has('same-key-for-new-body') ? `till-7-${s.voucherCode}-${endpoint}` : randomUUID();
  }

  async #login(): Promise<string> {
    const answer = await this.#post('/auth/login', JSON.stringify({ key: this.options.apiKey }), {});
    const token = answer?.json?.accessToken;
    if (typeof token !== 'string') throw new Error(`login failed: HTTP ${answer?.status ?? 'no answer'}`);
    this.#token = token;
    return token;
  }

  async #currentToken(): Promise<string> {
    if (this.#has('login-every-request') || this.#token === undefined) return this.#login();
    return this.#token;
  }

  /** One operation: a fresh key, then the same key and body on every retry until a final answer. */
  async #write(
    endpoint: 'initiate' | 'redeem',
    s: Scenario,
    fields: Record<string, unknown>,
  ): Promise<Answer | undefined> {
    const path = endpoint === 'initiate' ? '/topup-transactions/initiate-claim' : '/topup-transactions/redeem-gift';
    let key = this.#newKey(endpoint, s);
    let refusedToken: string | undefined;
    let pause = FIRST_PAUSE_MS;
    let refusalRetries = 0;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const object = { ...fields, idempotencyKey: key };
      const body = this.#has('sends-pretty-json') ? JSON.stringify(object, null, 2) : JSON.stringify(object);
      const token = refusedToken ?? (await this.#currentToken());
      const headers: Record<string, string> = { 'x-api-token': token };
      if (!(this.#has('no-signature-on-redeem') && endpoint === 'redeem'))
        headers['x-signature'] = this.#sign(
          this.#has('signs-pretty-sends-compact') ? JSON.stringify(object, null, 2) : body,
        );
      const answer = await this.#post(path, body, headers);
      refusedToken = undefined;
      if (answer?.status === 401) {
        if (this.#has('never-renews-token')) return answer;
        if (this.#has('retries-401-with-old-token') && attempt === 1) refusedToken = token;
        else this.#token = undefined;
        continue;
      }
      // 4091 also travels as HTTP 409: only a 409 whose statusCode is 409 means "still in flight".
      const inFlight = answer?.status === 409 && answer.json?.statusCode === 409;
      if (answer === undefined || answer.status >= 500 || inFlight) {
        if (inFlight && this.#has('gives-up-on-409')) return answer;
        if (answer !== undefined && answer.status >= 500 && this.#has('new-key-on-retry'))
          key = this.#newKey(endpoint, s);
        await sleep(pause);
        pause = Math.min(pause * 2, 1_000);
        continue;
      }
      const code = answer.json?.statusCode;
      if (this.#has('retries-documented-refusal') && typeof code === 'number' && code >= 4000 && refusalRetries < 2) {
        refusalRetries++;
        await sleep(pause);
        continue;
      }
      return answer;
    }
    return undefined;
  }

  #sign(text: string): string {
    if (this.#has('der-signature')) return base64Encode(p1363ToDer(signMessageBytes(this.#key, text)));
    return signMessage(this.#key, text);
  }

  async #post(path: string, body: string, headers: Record<string, string>): Promise<Answer | undefined> {
    if (this.#has('behind-unregistered-proxy')) headers = { ...headers, 'x-forwarded-for': '10.20.30.40' };
    try {
      const res = await fetch(`${this.options.baseUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      const text = await res.text();
      let json: Record<string, unknown> | undefined;
      try {
        json = JSON.parse(text) as Record<string, unknown>;
      } catch {
        json = undefined;
      }
      return { status: res.status, json };
    } catch {
      return undefined; // a timeout or a cut connection: the outcome is unknown
    }
  }
}
