/**
 * The operations of an OpenAPI document, and which one an exchange was: its method and the end of
 * its URL's path against the path templates (a target's base URL is its own business), literal
 * segments before `{params}`, as a router matches them.
 */
import type { OpenApiDocument } from './openapi-files';

type Json = Readonly<Record<string, unknown>>;

export interface Operation {
  /** The document's operationId: 'redeem-gift', 'partner-account'… */
  readonly id: string;
  readonly method: string;
  /** As the document writes it: '/topup-transactions/{voucherCode}'. */
  readonly template: string;
  /** Response objects by status key ('200', '4XX', 'default'), $refs to components resolved. */
  readonly responses: Readonly<Record<string, Json>>;
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** Follows a local '#/a/b' reference inside `document`. */
export function resolveLocalRef(document: OpenApiDocument, ref: string): Json {
  if (!ref.startsWith('#/')) throw new Error(`only local $refs are supported, got ${ref}`);
  let node: unknown = document;
  for (const part of ref.slice(2).split('/'))
    node = (node as Json | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  if (typeof node !== 'object' || node === null) throw new Error(`$ref ${ref} points at nothing`);
  return node as Json;
}

const deref = (document: OpenApiDocument, node: Json): Json =>
  typeof node.$ref === 'string' ? deref(document, resolveLocalRef(document, node.$ref)) : node;

export function operationsOf(document: OpenApiDocument): Operation[] {
  const paths = (document.paths ?? {}) as Readonly<Record<string, Json>>;
  const out: Operation[] = [];
  for (const [template, item] of Object.entries(paths))
    for (const method of HTTP_METHODS) {
      const op = item[method] as Json | undefined;
      if (op === undefined) continue;
      const responses = Object.fromEntries(
        Object.entries((op.responses ?? {}) as Readonly<Record<string, Json>>).map(([status, r]) => [
          status,
          deref(document, r),
        ]),
      );
      out.push({ id: String(op.operationId), method: method.toUpperCase(), template, responses });
    }
  return out;
}

const segmentsOf = (path: string): string[] => path.split('/').filter((s) => s !== '');
const isParam = (segment: string): boolean => /^\{[^}]+\}$/.test(segment);

/** How many of the template's segments are literal: the most literal match wins. */
function matchScore(template: string, pathSegments: readonly string[]): number | undefined {
  const wanted = segmentsOf(template);
  if (wanted.length > pathSegments.length) return undefined;
  const tail = pathSegments.slice(pathSegments.length - wanted.length);
  let literal = 0;
  for (const [i, segment] of wanted.entries()) {
    if (isParam(segment)) continue;
    if (segment !== tail[i]) return undefined;
    literal++;
  }
  return literal;
}

/** The pathname of a URL as recorded (possibly with redaction markers), without query. */
export function pathnameOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url.split('?')[0] ?? url;
  }
}

/** The operation `method url` was, or undefined when the document describes no such request. */
export function matchOperation(operations: readonly Operation[], method: string, url: string): Operation | undefined {
  const segments = segmentsOf(pathnameOf(url));
  let best: { op: Operation; score: number } | undefined;
  for (const op of operations) {
    if (op.method !== method.toUpperCase()) continue;
    const score = matchScore(op.template, segments);
    if (score !== undefined && (best === undefined || score > best.score)) best = { op, score };
  }
  return best?.op;
}

/** The response object for `status`: the exact code, then its range ('4XX'), then 'default'. */
export function responseFor(op: Operation, status: number): { key: string; response: Json } | undefined {
  for (const key of [String(status), `${String(status)[0]}XX`, 'default']) {
    const response = op.responses[key];
    if (response !== undefined) return { key, response };
  }
  return undefined;
}
