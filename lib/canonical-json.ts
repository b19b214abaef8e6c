/**
 * The string the merchant API verifies `x-signature` over: JSON.stringify(request.body), i.e.
 * JSON.stringify(JSON.parse(rawBody)) as Node/Express re-serialise what they parsed
 * (omnivas-merchant-api-v1.0, Authentication › Step 3, "IMPORTANT"). A client that signs the text
 * it sends only verifies when that text is already in this form. These helpers compute the form,
 * refuse values that do not survive it, and explain each way a body misses it: whitespace, Python's
 * ensure_ascii escapes (the document's own Python example keeps that default), number spellings,
 * duplicate keys, key order.
 */
import { HarnessError, describeValue, isHarnessError } from './errors';
import {
  childPath,
  scanJson,
  stringUnits,
  type JsonMember,
  type JsonNode,
  type JsonObjectNode,
  type Span,
} from './json-scan';

export type BodyFinding =
  | { kind: 'whitespace' }
  | { kind: 'escaped-unicode'; path: string; sample: string }
  | { kind: 'escaped-other'; path: string; sample: string }
  | { kind: 'number-spelling'; path: string; sent: string; canonical: string }
  | { kind: 'negative-zero'; path: string }
  | { kind: 'precision-loss'; path: string; sent: string; canonical: string }
  | { kind: 'duplicate-key'; path: string; key: string }
  | { kind: 'key-order'; path: string }
  | { kind: 'different-content'; path: string }
  | { kind: 'not-json'; message: string };

export interface BodyDiagnosis {
  readonly canonical: string | undefined;
  readonly isCanonical: boolean;
  readonly findings: readonly BodyFinding[];
}

type NotJson = Extract<BodyFinding, { kind: 'not-json' }>;
interface Reserialised {
  readonly value: unknown;
  readonly canonical: string;
}

function requireString(value: unknown, field: string): asserts value is string {
  if (typeof value !== 'string')
    throw new HarnessError('INVALID_ARGUMENT', `"${field}" expected a string, got ${describeValue(value)}`);
}

/** What the server does to a body: parse, then stringify; HarnessErrors instead of SyntaxError and RangeError. */
function reserialise(text: string, field: string): Reserialised {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    scanJson(text, field); // throws INVALID_JSON with the position JSON.parse's message lacks
    throw new HarnessError('INTERNAL', `JSON.parse refused "${field}" but the scanner accepted it`);
  }
  try {
    return { value, canonical: JSON.stringify(value) };
  } catch (err) {
    // JSON.parse takes nesting far deeper than the recursive JSON.stringify does.
    throw new HarnessError(
      'INVALID_ARGUMENT',
      `"${field}" is nested too deeply for JSON.stringify to re-serialise, so no server can verify a signature over it`,
      { cause: err },
    );
  }
}

function tryReserialise(text: string, field: string): Reserialised | NotJson {
  try {
    return reserialise(text, field);
  } catch (err) {
    if (!isHarnessError(err) || err.code === 'INTERNAL') throw err;
    return { kind: 'not-json', message: err.message };
  }
}

/** The exact string the server signs over: JSON.stringify(JSON.parse(body)). Throws HarnessError INVALID_JSON (with position) on bad JSON. */
export function canonicalBody(body: string): string {
  requireString(body, 'body');
  return reserialise(body, 'body').canonical;
}

/** Why JSON.parse(JSON.stringify(value)) would not give `value` back, for one level of it. */
function roundTripLoss(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined;
    case 'number':
      if (!Number.isFinite(value)) return `is ${value}, which JSON.stringify writes as null; send a finite number`;
      return Object.is(value, -0) ? 'is -0, which JSON.stringify writes as 0; send 0' : undefined;
    case 'bigint':
      return 'is a bigint, which JSON.stringify refuses; convert it to a number (if safe) or a string';
    case 'object': {
      if (value === null) return undefined;
      const proto: unknown = Object.getPrototypeOf(value);
      if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) {
        const name = (proto as { constructor?: { name?: string } }).constructor?.name || 'non-plain object';
        return `is a ${name}, which JSON.parse would not rebuild; convert it to a plain object, array or string`;
      }
      return Object.getOwnPropertySymbols(value).length > 0 ? 'has symbol keys, which JSON.stringify drops' : undefined;
    }
    default:
      return `is ${value === undefined ? 'undefined' : `a ${typeof value}`}, which JSON.stringify drops (or writes as null in an array); omit it or use null`;
  }
}

function assertRoundTrips(value: unknown, path: string, ancestors: Set<object>): void {
  const loss = roundTripLoss(value);
  if (loss !== undefined) throw new HarnessError('INVALID_ARGUMENT', `"${path}" ${loss}`);
  if (typeof value !== 'object' || value === null) return;
  if (ancestors.has(value))
    throw new HarnessError('INVALID_ARGUMENT', `"${path}" refers back to an enclosing value; JSON cannot hold a cycle`);
  ancestors.add(value);
  if (Array.isArray(value))
    for (let i = 0; i < value.length; i++) assertRoundTrips(value[i], childPath(path, i), ancestors);
  else for (const [key, child] of Object.entries(value)) assertRoundTrips(child, childPath(path, key), ancestors);
  ancestors.delete(value);
}

/** For building requests: JSON.stringify(value), refusing (INVALID_ARGUMENT naming the path, e.g. "$.amount") values that do not survive a round-trip. */
export function canonicalize(value: unknown): string {
  assertRoundTrips(value, '$', new Set());
  return JSON.stringify(value);
}

/** Which spelling problem a string has (one sample each): JSON.stringify writes every code unit literally except `"`, `\`, controls and lone surrogates. */
function escapeFindings(text: string, token: Span, path: string): BodyFinding[] {
  if (!/[\\\ud800-\udfff]/.test(text.slice(token.start, token.end))) return []; // nothing escaped, no surrogates: already canonical
  const units = stringUnits(text, token);
  const found = new Map<'escaped-unicode' | 'escaped-other', string>();
  units.forEach(({ unit, start, end }, i) => {
    const pairsBefore = isLow(unit) && isHigh(units[i - 1]?.unit);
    const pairsAfter = isHigh(unit) && isLow(units[i + 1]?.unit);
    const literal = String.fromCharCode(unit);
    const canonical = pairsBefore || pairsAfter ? literal : JSON.stringify(literal).slice(1, -1);
    if (text.slice(start, end) === canonical) return;
    const kind = unit >= 0x7f && canonical === literal ? 'escaped-unicode' : 'escaped-other';
    if (!found.has(kind))
      found.set(kind, text.slice(pairsBefore ? units[i - 1]!.start : start, pairsAfter ? units[i + 1]!.end : end));
  });
  return [...found].map(([kind, sample]) => ({ kind, path, sample }));
}

const isHigh = (unit: number | undefined): boolean => unit !== undefined && unit >= 0xd800 && unit <= 0xdbff;
const isLow = (unit: number | undefined): boolean => unit !== undefined && unit >= 0xdc00 && unit <= 0xdfff;

/** A JSON number's exact decimal value as digits and exponent, so 500.0, 5e2 and 500 compare equal. */
function exactDecimal(spelling: string): string {
  const [, sign = '', int = '', frac = '', exp = '0'] =
    /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(spelling) ?? [];
  const digits = (int + frac).replace(/^0+/, '');
  if (digits === '') return '0'; // every zero, -0 included: the sign of zero is its own finding
  const trimmed = digits.replace(/0+$/, '');
  return `${sign}${trimmed}e${BigInt(exp) - BigInt(frac.length) + BigInt(digits.length - trimmed.length)}`;
}

function numberFindings(sent: string, path: string): BodyFinding[] {
  const value = Number(sent); // the same correctly rounded double JSON.parse makes
  const canonical = JSON.stringify(value); // "null" for 1e400, which overflows to Infinity
  if (canonical === sent) return [];
  if (canonical === 'null' || exactDecimal(sent) !== exactDecimal(canonical))
    return [{ kind: 'precision-loss', path, sent, canonical }];
  return [Object.is(value, -0) ? { kind: 'negative-zero', path } : { kind: 'number-spelling', path, sent, canonical }];
}

/** JSON.parse keeps a repeated key's last value, at the place of its first occurrence. */
function keptMembers(node: JsonObjectNode): JsonMember[] {
  const last = new Map(node.members.map((m, i) => [m.key, i]));
  return node.members.filter((m, i) => last.get(m.key) === i);
}

function objectFindings(node: JsonObjectNode): BodyFinding[] {
  const counts = new Map<string, number>();
  for (const { key } of node.members) counts.set(key, (counts.get(key) ?? 0) + 1);
  const findings: BodyFinding[] = [...counts]
    .filter(([, n]) => n > 1)
    .map(([key]) => ({ kind: 'duplicate-key', path: node.path, key }));
  // Objects list integer-like keys ("1", "42") first, ascending: let the engine say the order.
  const keys = [...counts.keys()];
  const engineOrder = Object.keys(Object.fromEntries(keys.map((k) => [k, true])));
  if (keys.some((k, i) => engineOrder[i] !== k)) findings.push({ kind: 'key-order', path: node.path });
  return findings;
}

/** Every way `text` (valid JSON) is spelled differently from JSON.stringify(JSON.parse(text)), in document order. */
function spellingFindings(text: string, field: string): BodyFinding[] {
  const scan = scanJson(text, field);
  const findings: BodyFinding[] = scan.whitespaceAt === undefined ? [] : [{ kind: 'whitespace' }];
  // An explicit stack, so that no nesting JSON.stringify copes with can overflow this walk.
  const pending: { node: JsonNode; key?: Span }[] = [{ node: scan.root }];
  for (let visit = pending.pop(); visit; visit = pending.pop()) {
    const { node, key } = visit;
    if (key) findings.push(...escapeFindings(text, key, node.path));
    if (node.type === 'object') {
      findings.push(...objectFindings(node));
      const kept = keptMembers(node); // a dropped duplicate's spelling never reaches the server
      for (let i = kept.length - 1; i >= 0; i--) pending.push({ node: kept[i]!.value, key: kept[i]!.keySpan });
    } else if (node.type === 'array') {
      for (let i = node.items.length - 1; i >= 0; i--) pending.push({ node: node.items[i]! });
    } else if (node.type === 'string') findings.push(...escapeFindings(text, node, node.path));
    else if (node.type === 'number') findings.push(...numberFindings(text.slice(node.start, node.end), node.path));
  }
  return dedupe(findings);
}

/** One finding per kind, path and key: a key and its value escaped alike make one finding. */
function dedupe(findings: BodyFinding[]): BodyFinding[] {
  const byIdentity = new Map<string, BodyFinding>();
  for (const f of findings) {
    const identity = JSON.stringify([f.kind, 'path' in f ? f.path : '', 'key' in f ? f.key : '']);
    if (!byIdentity.has(identity)) byIdentity.set(identity, f);
  }
  return [...byIdentity.values()];
}

/** Why a body as sent differs from what the server will sign over. Never throws on bad JSON: that is a not-json finding. */
export function diagnoseBody(sent: string): BodyDiagnosis {
  requireString(sent, 'sent');
  const parsed = tryReserialise(sent, 'sent');
  if ('kind' in parsed) return { canonical: undefined, isCanonical: false, findings: [parsed] };
  return {
    canonical: parsed.canonical,
    isCanonical: parsed.canonical === sent,
    findings: spellingFindings(sent, 'sent'),
  };
}

const shapeOf = (v: unknown): 'array' | 'object' | 'scalar' =>
  Array.isArray(v) ? 'array' : typeof v === 'object' && v !== null ? 'object' : 'scalar';

/** Where two parsed values differ: key-order for the same members in another order, different-content otherwise. */
function valueDifferences(signed: unknown, sent: unknown): BodyFinding[] {
  const findings: BodyFinding[] = [];
  const pending: [unknown, unknown, string][] = [[signed, sent, '$']];
  for (let pair = pending.pop(); pair; pair = pending.pop()) {
    const [a, b, path] = pair;
    const shape = shapeOf(a);
    if (shape !== shapeOf(b)) findings.push({ kind: 'different-content', path });
    else if (shape === 'scalar') {
      // Compared as the server writes them: -0 and 0, 1e400 and null are spelling findings, not content.
      if (JSON.stringify(a) !== JSON.stringify(b)) findings.push({ kind: 'different-content', path });
    } else {
      const [ka, kb] = [Object.keys(a as object), Object.keys(b as object)];
      const inB = new Set(kb);
      if (ka.length !== kb.length || !ka.every((k) => inB.has(k))) findings.push({ kind: 'different-content', path });
      else {
        if (ka.some((k, i) => kb[i] !== k)) findings.push({ kind: 'key-order', path });
        for (let i = kb.length - 1; i >= 0; i--) {
          const k = kb[i]!;
          pending.push([
            (a as Record<string, unknown>)[k],
            (b as Record<string, unknown>)[k],
            childPath(path, shape === 'array' ? i : k),
          ]);
        }
      }
    }
  }
  return findings;
}

/**
 * Why the string a client signed differs from what the server verifies against, canonicalBody(sent):
 * how `signedOver` is spelled differently from its own canonical form (what diagnoseBody reports
 * for it), then key-order and different-content where the two are not the same JSON value in the
 * same order. Empty exactly when signedOver === canonicalBody(sent).
 */
export function diagnoseSignedString(sent: string, signedOver: string): BodyFinding[] {
  requireString(sent, 'sent');
  requireString(signedOver, 'signedOver');
  const body = tryReserialise(sent, 'sent');
  if ('kind' in body) return [body];
  if (signedOver === body.canonical) return [];
  const signed = tryReserialise(signedOver, 'signedOver');
  if ('kind' in signed) return [signed];
  return dedupe([...spellingFindings(signedOver, 'signedOver'), ...valueDifferences(signed.value, body.value)]);
}

const codePoint = (text: string): string =>
  `U+${(text.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
/** A sample as it can be printed: a raw lone surrogate does not print, so it shows as <U+D800>. */
const shown = (sample: string): string => `"${sample.replace(/[\ud800-\udfff]/g, (c) => `<${codePoint(c)}>`)}"`;
const decoded = (sample: string): string => JSON.parse(`"${sample}"`) as string;

/** One human sentence per finding, for CLI output and reports. */
export function describeFinding(f: BodyFinding): string {
  switch (f.kind) {
    case 'whitespace':
      return 'there is whitespace between tokens, which the server\'s re-serialisation drops; sign and send compact JSON (Python: separators=(",", ":"))';
    case 'escaped-unicode':
      return `${f.path}: ${shown(f.sample)} is escaped where JSON.stringify writes ${codePoint(decoded(f.sample))} "${decoded(f.sample)}" as is; Python json.dumps defaults to ensure_ascii=True — pass ensure_ascii=False`;
    case 'escaped-other':
      return `${f.path}: ${shown(f.sample)} is written ${JSON.stringify(decoded(f.sample))} by JSON.stringify; sign what the server re-serialises, not the text as sent`;
    case 'number-spelling':
      return `${f.path}: the number ${f.sent} is re-serialised as ${f.canonical}; send ${f.canonical} (a Python float prints 500.0 where JavaScript prints 500)`;
    case 'negative-zero':
      return `${f.path}: -0 is re-serialised as 0; send 0`;
    case 'precision-loss':
      return `${f.path}: ${f.sent} does not survive a double and is re-serialised as ${f.canonical}, a different value; keep integers within ±2^53 and decimals within 15 significant digits`;
    case 'duplicate-key':
      return `${f.path}: the key ${JSON.stringify(f.key)} appears more than once and JSON.parse keeps only the last value; send each key once`;
    case 'key-order':
      return `${f.path}: the members are in another order than the server re-serialises them (the order sent, except integer-like keys such as "1" first, ascending); sign JSON.stringify(JSON.parse(body))`;
    case 'different-content':
      return `${f.path}: the signed string holds a different value from the body sent; sign exactly the body you send`;
    case 'not-json':
      return f.message;
  }
}
