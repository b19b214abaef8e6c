/**
 * Reads the fields of a JSON object from a fixtures file or an admin request, refusing what is
 * wrong with a message that names the field and the expected form (validate at the boundary,
 * name the field). Unknown fields are refused too: they are usually typos.
 */
import { describeValue, HarnessError, isHarnessError, type HarnessErrorCode } from '../lib/errors';
import { moneyFromJson, type Micro } from '../lib/money';

const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;

export class FieldReader {
  readonly #value: Record<string, unknown>;

  /** `where` prefixes field names in messages (`vouchers[2].`); `code` is the error code thrown. */
  constructor(
    value: unknown,
    readonly where: string,
    readonly code: HarnessErrorCode,
    known: readonly string[],
  ) {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw this.error(`${where || 'the body'} expected a JSON object, got ${describeValue(value)}`);
    this.#value = value as Record<string, unknown>;
    const unknown = Object.keys(this.#value).filter((k) => !known.includes(k));
    if (unknown.length > 0)
      throw this.error(`"${this.where}${unknown[0]}" is not a known field; known fields: ${known.join(', ')}`);
  }

  error(message: string): HarnessError {
    return new HarnessError(this.code, message);
  }

  name(field: string): string {
    return `${this.where}${field}`;
  }

  has(field: string): boolean {
    return this.#value[field] !== undefined;
  }

  raw(field: string): unknown {
    return this.#value[field];
  }

  string(field: string, pattern?: { test: RegExp; form: string }): string | undefined {
    const v = this.#value[field];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || v === '')
      throw this.error(`"${this.name(field)}" expected a non-empty string, got ${describeValue(v)}`);
    if (pattern && !pattern.test.test(v))
      throw this.error(`"${this.name(field)}" expected ${pattern.form}, got ${describeValue(v)}`);
    return v;
  }

  requiredString(field: string, why: string): string {
    const v = this.string(field);
    if (v === undefined) throw this.error(`"${this.name(field)}" is required: ${why}`);
    return v;
  }

  boolean(field: string): boolean | undefined {
    const v = this.#value[field];
    if (v === undefined || typeof v === 'boolean') return v;
    throw this.error(`"${this.name(field)}" expected true or false, got ${describeValue(v)}`);
  }

  number(field: string, form: string, valid: (n: number) => boolean): number | undefined {
    const v = this.#value[field];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !valid(v))
      throw this.error(`"${this.name(field)}" expected ${form}, got ${describeValue(v)}`);
    return v;
  }

  stringArray(field: string): string[] | undefined {
    const v = this.#value[field];
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || v.some((s) => typeof s !== 'string' || s === ''))
      throw this.error(
        `"${this.name(field)}" expected an array of non-empty strings (IP addresses or FQDNs), got ${describeValue(v)}`,
      );
    return v as string[];
  }

  /** An amount as a JSON number (500, 12.5) or a 6-place decimal string ("50.000000"). */
  money(field: string): Micro | undefined {
    const v = this.#value[field];
    if (v === undefined) return undefined;
    return this.rethrown(() => moneyFromJson(v, this.name(field)));
  }

  requiredMoney(field: string): Micro {
    const v = this.money(field);
    if (v === undefined) throw this.error(`"${this.name(field)}" is required: an amount such as 100 or "100.000000"`);
    return v;
  }

  /** ms since the epoch, from an ISO 8601 date-time with a zone ("2025-12-21T22:10:17.000Z"). */
  instant(field: string): number | undefined {
    const v = this.string(field, {
      test: ISO_8601,
      form: 'an ISO 8601 date-time with a zone, such as "2025-12-21T22:10:17.000Z"',
    });
    if (v === undefined) return undefined;
    const ms = Date.parse(v);
    if (Number.isNaN(ms)) throw this.error(`"${this.name(field)}" is not a real date: ${JSON.stringify(v)}`);
    return ms;
  }

  /** Runs a lib/ check and reports its HarnessError under this reader's code. */
  rethrown<T>(read: () => T): T {
    try {
      return read();
    } catch (err) {
      if (isHarnessError(err)) throw this.error(err.message);
      throw err;
    }
  }
}

/** The elements of an optional array field, each read by `read` with its index in the path. */
export function readArray<T>(parent: FieldReader, field: string, read: (element: unknown, where: string) => T): T[] {
  const v = parent.raw(field);
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw parent.error(`"${parent.name(field)}" expected an array, got ${describeValue(v)}`);
  return v.map((element, i) => read(element, `${parent.name(field)}[${i}].`));
}
