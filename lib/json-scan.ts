/**
 * A JSON scanner that keeps what JSON.parse throws away: each value's source slice and a
 * JSONPath-like path, every member of an object (duplicate keys included) and where insignificant
 * whitespace sits. canonical-json.ts uses it to explain why a body differs from
 * JSON.stringify(JSON.parse(body)), the string the merchant API verifies signatures over
 * (omnivas-merchant-api-v1.0, Authentication › Step 3).
 *
 * It accepts exactly what JSON.parse accepts (RFC 8259, ECMA-404): no BOM, no trailing commas, no
 * whitespace beyond space, tab, CR and LF. It is iterative, not recursive, because JSON.parse takes
 * nesting far deeper than a recursive JavaScript parser's stack would.
 */
import { HarnessError } from './errors';

/** A slice of the scanned text: `text.slice(start, end)`. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

interface NodeBase extends Span {
  /** `$`, `$.items[2].name`, `$["a b"]`. */
  readonly path: string;
}
export interface JsonMember {
  /** The key as JSON.parse decodes it. */
  readonly key: string;
  /** The key's string token, quotes included. */
  readonly keySpan: Span;
  readonly value: JsonNode;
}
export interface JsonObjectNode extends NodeBase {
  readonly type: 'object';
  /** In source order, duplicates included: JSON.parse keeps the last value of a repeated key. */
  readonly members: readonly JsonMember[];
}
export interface JsonArrayNode extends NodeBase {
  readonly type: 'array';
  readonly items: readonly JsonNode[];
}
export interface JsonScalarNode extends NodeBase {
  readonly type: 'string' | 'number' | 'literal';
}
export type JsonNode = JsonObjectNode | JsonArrayNode | JsonScalarNode;

export interface JsonScan {
  readonly root: JsonNode;
  /** Offset of the first whitespace between tokens, or undefined when there is none. */
  readonly whitespaceAt: number | undefined;
}

/** One UTF-16 code unit of a decoded string and the span of the text that spelled it. */
export interface StringUnit extends Span {
  readonly unit: number;
}

const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);
const SHORT_ESCAPES = new Map([
  ['"', 0x22],
  ['\\', 0x5c],
  ['/', 0x2f],
  ['b', 0x08],
  ['f', 0x0c],
  ['n', 0x0a],
  ['r', 0x0d],
  ['t', 0x09],
]);
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERALS = ['true', 'false', 'null'];
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** The path of a member or item: `$.amount`, `$.items[2]`, and `$["a b"]` for keys that are not identifiers. */
export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return IDENTIFIER.test(key) ? `${parent}.${key}` : `${parent}[${JSON.stringify(key)}]`;
}

type OpenContainer =
  | { type: 'object'; path: string; start: number; end: number; members: JsonMember[] }
  | { type: 'array'; path: string; start: number; end: number; items: JsonNode[] };
interface Frame {
  readonly node: OpenContainer;
  /** The key just read, waiting for its value. */
  key?: { key: string; keySpan: Span };
}

class Cursor {
  pos = 0;
  whitespaceAt: number | undefined;
  constructor(
    readonly text: string,
    private readonly field: string,
  ) {}

  peek(): string {
    return this.text.charAt(this.pos);
  }

  skipWhitespace(): void {
    const start = this.pos;
    while (WHITESPACE.has(this.text.charCodeAt(this.pos))) this.pos++;
    if (this.pos > start) this.whitespaceAt ??= start;
  }

  expect(ch: string, what: string): void {
    if (this.peek() !== ch) this.fail(what);
    this.pos++;
  }

  /** Position and a short excerpt locate the fault without echoing a body (which may hold keys) at length. */
  fail(what: string, at = this.pos): never {
    const before = this.text.slice(0, at);
    const place = `line ${before.split('\n').length} column ${at - before.lastIndexOf('\n')} (offset ${at})`;
    const detail =
      at >= this.text.length
        ? `${what}, but the input ends at ${place}`
        : `${what} at ${place}, near ${JSON.stringify(this.text.slice(at, at + 40))}`;
    throw new HarnessError('INVALID_JSON', `"${this.field}" is not valid JSON: ${detail}`);
  }

  /** Reads the string whose opening quote is at `pos`, reporting each decoded code unit with its spelling. */
  readString(onUnit?: (unit: StringUnit) => void): Span {
    const start = this.pos;
    let pos = start + 1;
    for (;;) {
      const c = this.text.charCodeAt(pos);
      if (c === 0x22) break;
      if (Number.isNaN(c)) this.fail("expected '\"' to close the string", pos);
      if (c < 0x20)
        this.fail(
          `a control character (U+${c.toString(16).padStart(4, '0').toUpperCase()}) must be escaped in a string`,
          pos,
        );
      const unit = c === 0x5c ? this.readEscape(pos) : { unit: c, start: pos, end: pos + 1 };
      onUnit?.(unit);
      pos = unit.end;
    }
    this.pos = pos + 1;
    return { start, end: this.pos };
  }

  private readEscape(at: number): StringUnit {
    const letter = this.text.charAt(at + 1);
    const short = SHORT_ESCAPES.get(letter);
    if (short !== undefined) return { unit: short, start: at, end: at + 2 };
    const hex = this.text.slice(at + 2, at + 6);
    if (letter !== 'u' || !/^[0-9a-fA-F]{4}$/.test(hex))
      this.fail('expected an escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\u and 4 hex digits)', at);
    return { unit: parseInt(hex, 16), start: at, end: at + 6 };
  }

  /** A finished value, or undefined after opening a non-empty container (pushed on `stack`). */
  readValue(path: string, stack: Frame[]): JsonNode | undefined {
    const start = this.pos;
    const open = this.peek();
    if (open === '{' || open === '[') {
      const node: Frame['node'] =
        open === '{'
          ? { type: 'object', path, start, end: -1, members: [] }
          : { type: 'array', path, start, end: -1, items: [] };
      this.pos++;
      this.skipWhitespace();
      if (this.peek() !== (open === '{' ? '}' : ']')) {
        stack.push({ node });
        return undefined;
      }
      node.end = ++this.pos;
      return node;
    }
    if (open === '"') return this.scalar('string', path, start, this.readString().end);
    NUMBER.lastIndex = start;
    if (NUMBER.test(this.text)) return this.scalar('number', path, start, NUMBER.lastIndex);
    const literal = LITERALS.find((l) => this.text.startsWith(l, start));
    if (literal === undefined) return this.fail('expected a value');
    return this.scalar('literal', path, start, start + literal.length);
  }

  private scalar(type: JsonScalarNode['type'], path: string, start: number, end: number): JsonScalarNode {
    this.pos = end;
    return { type, path, start, end };
  }

  /** Reads up to the next member's or item's value and returns its path. */
  beginChild(frame: Frame): string {
    const { node } = frame;
    if (node.type === 'array') return childPath(node.path, node.items.length);
    if (this.peek() !== '"')
      this.fail(node.members.length === 0 ? "expected a string key or '}'" : 'expected a string key');
    let key = '';
    const keySpan = this.readString(({ unit }) => (key += String.fromCharCode(unit)));
    this.skipWhitespace();
    this.expect(':', "expected ':' after the key");
    this.skipWhitespace();
    frame.key = { key, keySpan };
    return childPath(node.path, key);
  }
}

function attach(frame: Frame, value: JsonNode): void {
  if (frame.node.type === 'array') frame.node.items.push(value);
  else frame.node.members.push({ ...frame.key!, value });
}

/** Scans `text` or throws HarnessError INVALID_JSON naming `field`, the line, column and offset. */
export function scanJson(text: string, field = 'body'): JsonScan {
  const cur = new Cursor(text, field);
  const stack: Frame[] = [];
  cur.skipWhitespace();
  let path = '$';
  for (;;) {
    let done = cur.readValue(path, stack);
    if (done === undefined) {
      path = cur.beginChild(stack[stack.length - 1]!);
      continue;
    }
    // Attach the finished value, then close containers until one continues with a comma.
    for (;;) {
      const frame = stack[stack.length - 1];
      cur.skipWhitespace();
      if (frame === undefined) {
        if (cur.pos < text.length) cur.fail('expected the end of the input after the JSON value');
        return { root: done, whitespaceAt: cur.whitespaceAt };
      }
      attach(frame, done);
      const close = frame.node.type === 'object' ? '}' : ']';
      if (cur.peek() === ',') {
        cur.pos++;
        cur.skipWhitespace();
        path = cur.beginChild(frame);
        break;
      }
      cur.expect(close, `expected ',' or '${close}'`);
      frame.node.end = cur.pos;
      stack.pop();
      done = frame.node;
    }
  }
}

/** The decoded code units of a string token that scanJson accepted, each with the text that spelled it. */
export function stringUnits(text: string, token: Span): StringUnit[] {
  const cur = new Cursor(text, 'string');
  cur.pos = token.start;
  const units: StringUnit[] = [];
  cur.readString((u) => units.push(u));
  return units;
}

/** A key that an object repeats: JSON.parse keeps its last value and drops the others silently. */
export interface DuplicateKey {
  /** The repeated member's path, such as `$.auth.apiKeyEnv`. */
  readonly path: string;
  readonly key: string;
  /** The second occurrence's key token. */
  readonly keySpan: Span;
}

/** The first repeated key in source order, anywhere in the tree; iterative, as scanJson is. */
export function findDuplicateKey(root: JsonNode): DuplicateKey | undefined {
  const pending: JsonNode[] = [root];
  let first: DuplicateKey | undefined;
  while (pending.length > 0) {
    const node = pending.pop()!;
    if (node.type === 'array') pending.push(...node.items);
    if (node.type !== 'object') continue;
    const seen = new Set<string>();
    for (const member of node.members) {
      if (seen.has(member.key) && (first === undefined || member.keySpan.start < first.keySpan.start))
        first = { path: childPath(node.path, member.key), key: member.key, keySpan: member.keySpan };
      seen.add(member.key);
      pending.push(member.value);
    }
  }
  return first;
}
