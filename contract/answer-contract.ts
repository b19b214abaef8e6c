/**
 * Every answer against the description: the response schema for its operation and HTTP status,
 * compiled once with a JSON Schema 2020-12 validator (ajv), plus the rules a schema cannot state
 * (echo-rules.ts). The merchant description first; on a sandbox, the sandbox's partner description
 * for its partner endpoints. An exchange the descriptions do not describe (a path no operation has, a
 * request with no answer) is left alone: other checks judge those.
 */
import Ajv2020 from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import type { Exchange } from '../lib/node/http-client';
import type { AmountFormat } from '../lib/target-config';
import { echoBreaches, echoFieldsOf, envelopeBreaches } from './echo-rules';
import type { EchoField, RuleBreach } from './echo-rules';
import { descriptionDocument } from './openapi-files';
import type { DescriptionName, OpenApiDocument } from './openapi-files';
import { matchOperation, operationsOf, responseFor } from './operations';
import type { Operation } from './operations';
import { jsonPath, shownValue } from './violation';
import type { ContractViolation, ViolationRule } from './violation';

type Json = Readonly<Record<string, unknown>>;

export interface AnswerContract {
  /** Every way the exchange's answer breaks the description; empty when it conforms or is not described. */
  validate(exchange: Exchange): ContractViolation[];
  /** The operationId the exchange was ('redeem-gift'), or undefined when no description has it. */
  endpointOf(exchange: Pick<Exchange, 'method' | 'url'>): string | undefined;
}

export interface AnswerContractOptions {
  /** The target file's expectations.amountFormat: how amounts are spelled (default '6-place decimal strings'). */
  readonly amountFormat?: AmountFormat;
  /**
   * Also validate the sandbox's own partner endpoints (openapi/sandbox-partner-api.yaml). Only for a
   * sandbox: another partner API may have paths of the same names meaning something else. Default false.
   */
  readonly sandboxPartner?: boolean;
}

/** What `amountFormat` makes of the merchant description's Amount schema. */
const AMOUNT_SCHEMAS: Readonly<Record<AmountFormat, Json | undefined>> = {
  'decimal-6': undefined, // the description's own
  decimal: { type: 'string', pattern: '^-?[0-9]+(\\.[0-9]+)?$' },
  number: { type: 'number' },
};

interface CompiledResponse {
  /** Compiled on first use: a run meets only some of the statuses each operation describes. */
  readonly validate: (() => ValidateFunction) | undefined;
  readonly echo: readonly EchoField[];
}

interface CompiledOperation extends Operation {
  readonly document: DescriptionName;
  readonly compiled: ReadonlyMap<string, CompiledResponse>;
}

/** Every key starting with x- anywhere under `node`, for ajv's strict mode to accept as annotations. */
function extensionKeys(node: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const item of node) extensionKeys(item, into);
  else if (typeof node === 'object' && node !== null)
    for (const [key, value] of Object.entries(node)) {
      if (key.startsWith('x-')) into.add(key);
      extensionKeys(value, into);
    }
  return into;
}

/** The schema with '#/components/schemas/X' references pointing into the registered `$defs` of `base`. */
function rebased(node: unknown, base: string): unknown {
  if (Array.isArray(node)) return node.map((item) => rebased(item, base));
  if (typeof node !== 'object' || node === null) return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) => [
      key,
      key === '$ref' && typeof value === 'string' && value.startsWith('#/components/schemas/')
        ? `${base}#/$defs/${value.slice('#/components/schemas/'.length)}`
        : rebased(value, base),
    ]),
  );
}

const jsonSchemaOf = (response: Json): Json | undefined =>
  ((response.content as Json | undefined)?.['application/json'] as Json | undefined)?.schema as Json | undefined;

function compileDocument(ajv: Ajv2020, name: DescriptionName, document: OpenApiDocument, amount: Json | undefined) {
  const base = `https://omnivas-harness.invalid/openapi/${name}`;
  const schemas = { ...((document.components as Json | undefined)?.schemas as Json | undefined) };
  if (amount !== undefined && name === 'merchant') schemas.Amount = amount;
  ajv.addSchema({ $id: base, $defs: rebased(schemas, base) });
  return operationsOf(document).map((op): CompiledOperation => {
    const compiled = new Map<string, CompiledResponse>();
    for (const [key, response] of Object.entries(op.responses)) {
      const schema = jsonSchemaOf(response);
      if (schema === undefined) {
        compiled.set(key, { validate: undefined, echo: [] });
        continue;
      }
      let validate: ValidateFunction | undefined;
      compiled.set(key, {
        validate: () => (validate ??= ajv.compile(rebased(schema, base) as Json)),
        echo: echoFieldsOf(document, schema),
      });
    }
    return { ...op, document: name, compiled };
  });
}

/** Ajv's errors, one per place, the most telling first: a missing field or a wrong type before what follows from it. */
const KEYWORD_ORDER = ['required', 'type', 'const', 'enum', 'pattern'];
const rank = (e: ErrorObject): number => {
  const i = KEYWORD_ORDER.indexOf(e.keyword);
  if (e.keyword === 'anyOf' || e.keyword === 'oneOf' || e.keyword === 'allOf') return 100;
  return i === -1 ? 50 : i;
};

function pointerSegments(pointer: string): string[] {
  return pointer === ''
    ? []
    : pointer
        .slice(1)
        .split('/')
        .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

const valueAt = (body: unknown, segments: readonly string[]): unknown =>
  segments.reduce<unknown>(
    (node, s) => (typeof node === 'object' && node !== null ? (node as Json)[s] : undefined),
    body,
  );

function expectedOf(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return 'present (required)';
    case 'type':
      return `a value of type ${String(p.type)}`;
    case 'const':
      return JSON.stringify(p.allowedValue);
    case 'enum':
      return `one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'pattern':
      return `a string matching ${String(p.pattern)}`;
    default:
      return `a value that ${e.message ?? e.keyword}`;
  }
}

function schemaBreaches(errors: readonly ErrorObject[], body: unknown): RuleBreach[] {
  const byPlace = new Map<string, ErrorObject>();
  for (const e of errors) {
    const segments = pointerSegments(e.instancePath);
    if (e.keyword === 'required') segments.push(String((e.params as { missingProperty: string }).missingProperty));
    const place = JSON.stringify(segments);
    const kept = byPlace.get(place);
    if (kept === undefined || rank(e) < rank(kept)) byPlace.set(place, e);
  }
  return [...byPlace.entries()].map(([place, e]) => {
    const path = JSON.parse(place) as string[];
    return { path, expected: expectedOf(e), actual: e.keyword === 'required' ? undefined : valueAt(body, path) };
  });
}

function build(options: AnswerContractOptions): AnswerContract {
  const ajv = new Ajv2020({ allErrors: true, strict: true, validateFormats: false });
  const documents: DescriptionName[] = options.sandboxPartner === true ? ['merchant', 'sandbox-partner'] : ['merchant'];
  const loaded = documents.map((name) => ({ name, document: descriptionDocument(name) }));
  ajv.addVocabulary(['example', ...new Set(loaded.flatMap(({ document }) => [...extensionKeys(document)]))]);
  const amount = AMOUNT_SCHEMAS[options.amountFormat ?? 'decimal-6'];
  // One list per document, merchant first: its operations win where a partner path could also match.
  const operations = loaded.map(({ name, document }) => compileDocument(ajv, name, document, amount));

  const find = (method: string, url: string): CompiledOperation | undefined => {
    for (const ops of operations) {
      const op = matchOperation(ops, method, url);
      if (op) return op as CompiledOperation;
    }
    return undefined;
  };

  function validate(exchange: Exchange): ContractViolation[] {
    const { status } = exchange;
    const op = status === undefined ? undefined : find(exchange.method, exchange.url);
    if (op === undefined || status === undefined) return [];
    const violation = (rule: ViolationRule, b: RuleBreach): ContractViolation => ({
      operation: op.id,
      rule,
      path: jsonPath(b.path),
      expected: b.expected,
      actual: shownValue(b.actual),
      exchange,
    });
    const chosen = responseFor(op, status);
    if (chosen === undefined)
      return [
        violation('status', {
          path: [],
          expected: `one of the described statuses (${Object.keys(op.responses).join(', ')})`,
          actual: `HTTP ${status}`,
        }),
      ];
    const { validate: compiledCheck, echo } = op.compiled.get(chosen.key)!;
    if (compiledCheck === undefined) return [];
    const check = compiledCheck();
    const body = exchange.responseJson;
    if (body === undefined)
      return [
        violation('json', {
          path: [],
          expected: 'a JSON body',
          actual: exchange.responseBody === undefined ? undefined : exchange.responseBody.slice(0, 80),
        }),
      ];
    const echoed = echoBreaches(echo, exchange.requestBody, body).map((b) => violation('echo', b));
    // Where the echo rule already names a field, its message (the request's value) says more than the schema's.
    const schema = check(body) ? [] : schemaBreaches(check.errors ?? [], body).map((b) => violation('schema', b));
    const out = [...schema.filter((v) => !echoed.some((e) => e.path === v.path)), ...echoed];
    if (status >= 400) out.push(...envelopeBreaches(status, body).map((b) => violation('envelope', b)));
    return out;
  }

  return {
    validate,
    endpointOf: (exchange) => find(exchange.method, exchange.url)?.id,
  };
}

const contracts = new Map<string, AnswerContract>();

/** The contract for these options, built once and kept: compiling is the expensive part. */
export function answerContract(options: AnswerContractOptions = {}): AnswerContract {
  const settled = {
    amountFormat: options.amountFormat ?? 'decimal-6',
    sandboxPartner: options.sandboxPartner === true,
  };
  const key = JSON.stringify(settled);
  let contract = contracts.get(key);
  if (contract === undefined) {
    contract = build(settled);
    contracts.set(key, contract);
  }
  return contract;
}
