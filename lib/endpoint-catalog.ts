/**
 * The merchant API's endpoints as the OmniVAS merchant API v1.0 documents them, relative to the
 * base URL (…/api/v1/merchant/client). Signing rule (Authentication › Step 3, NOTE): every POST
 * under /topup-transactions carries x-signature; GETs there do not; login and /test are unsigned.
 */
import { HarnessError } from './errors';

export type EndpointId = 'login' | 'test' | 'initiate-claim' | 'initiate-redeem' | 'voucher-detail' | 'redeem-gift';

export type FieldType = 'string' | 'number';

export interface BodyField {
  readonly name: string;
  readonly type: FieldType;
  readonly required: boolean;
  readonly description: string;
}

export interface Endpoint {
  readonly id: EndpointId;
  readonly method: 'GET' | 'POST';
  /** Path relative to the base URL; `:voucherCode` is a path parameter. */
  readonly path: string;
  readonly needsToken: boolean;
  readonly signed: boolean;
  readonly headers: readonly string[];
  readonly body: readonly BodyField[];
  /** Where in the document it is described. */
  readonly section: string;
  /** Set for a path the document uses but does not list in its reference. */
  readonly note?: string;
}

const initiateBody: readonly BodyField[] = [
  { name: 'voucherCode', type: 'string', required: true, description: 'Voucher code to claim' },
  {
    name: 'amount',
    type: 'number',
    required: false,
    description: 'Amount to redeem (defaults to full voucher balance if not specified)',
  },
  { name: 'idempotencyKey', type: 'string', required: true, description: 'Unique key ensuring request idempotency' },
  {
    name: 'metadata',
    type: 'string',
    required: false,
    description: 'Optional JSON string containing additional contextual data',
  },
];

const signedHeaders = ['content-type', 'x-api-token', 'x-signature'] as const;

export const ENDPOINTS: Readonly<Record<EndpointId, Endpoint>> = {
  login: {
    id: 'login',
    method: 'POST',
    path: '/auth/login',
    needsToken: false,
    signed: false,
    headers: ['content-type'],
    body: [{ name: 'key', type: 'string', required: true, description: 'The API key from the Manage API page' }],
    section: 'Authentication › Step 4: Obtain Access Token',
  },
  test: {
    id: 'test',
    method: 'POST',
    path: '/test',
    needsToken: true,
    signed: false,
    headers: ['x-api-token'],
    body: [],
    section: 'Authentication › Step 5: Verify Configuration',
  },
  'initiate-claim': {
    id: 'initiate-claim',
    method: 'POST',
    path: '/topup-transactions/initiate-claim',
    needsToken: true,
    signed: true,
    headers: signedHeaders,
    body: initiateBody,
    section: 'Gift Voucher Redemption › 1. Initiate Claim',
  },
  'initiate-redeem': {
    id: 'initiate-redeem',
    method: 'POST',
    path: '/topup-transactions/initiate-redeem',
    needsToken: true,
    signed: true,
    headers: signedHeaders,
    body: initiateBody,
    section: 'End-to-End Example (Single Snippet)',
    note: 'The end-to-end example calls initiate-redeem; the endpoint reference says initiate-claim.',
  },
  'voucher-detail': {
    id: 'voucher-detail',
    method: 'GET',
    path: '/topup-transactions/:voucherCode',
    needsToken: true,
    signed: false,
    headers: ['x-api-token'],
    body: [],
    section: 'Gift Voucher Redemption › 2. Get Voucher Detail Information',
  },
  'redeem-gift': {
    id: 'redeem-gift',
    method: 'POST',
    path: '/topup-transactions/redeem-gift',
    needsToken: true,
    signed: true,
    headers: signedHeaders,
    body: [
      { name: 'voucherCode', type: 'string', required: true, description: 'Voucher code to redeem' },
      {
        name: 'verificationCode',
        type: 'string',
        required: true,
        description: 'SMS verification code received by voucher owner',
      },
      {
        name: 'msisdn',
        type: 'string',
        required: false,
        description: 'Phone number of client (defaults to voucher owner)',
      },
      {
        name: 'idempotencyKey',
        type: 'string',
        required: true,
        description: 'Unique key ensuring request idempotency',
      },
      {
        name: 'metadata',
        type: 'string',
        required: false,
        description: 'Optional JSON string containing additional contextual data',
      },
    ],
    section: 'Gift Voucher Redemption › 3. Redeem Gift',
  },
};

/** The base path every merchant endpoint hangs under. */
export const MERCHANT_BASE_PATH = '/api/v1/merchant/client';

/** Fills `:voucherCode`, percent-encoding it so a hostile code cannot change the path. */
export function endpointPath(id: EndpointId, params: { voucherCode?: string } = {}): string {
  const { path } = ENDPOINTS[id];
  if (!path.includes(':voucherCode')) return path;
  if (params.voucherCode === undefined)
    throw new HarnessError('INVALID_ARGUMENT', `"voucherCode" is required to build the path of "${id}"`);
  return path.replace(':voucherCode', encodeURIComponent(params.voucherCode));
}

/** The problems of a request body against an endpoint's documented fields (empty when it conforms). */
export function bodyFieldProblems(id: EndpointId, body: unknown): string[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return ['the body is not a JSON object'];
  const record = body as Record<string, unknown>;
  const problems: string[] = [];
  for (const field of ENDPOINTS[id].body) {
    const value = record[field.name];
    if (value === undefined) {
      if (field.required) problems.push(`"${field.name}" is required`);
    } else if (typeof value !== field.type) {
      problems.push(`"${field.name}" expected a ${field.type}, got ${value === null ? 'null' : typeof value}`);
    }
  }
  return problems;
}
