/**
 * A tagged template that escapes every interpolated value unless it is already `Markup` built by
 * this same tag: report.html cannot carry an unescaped string because nobody has to remember to
 * escape one.
 */
import { escapeAttribute } from './escape-markup';

export class Markup {
  constructor(readonly html: string) {}
  toString(): string {
    return this.html;
  }
}

/** What may be interpolated; `undefined`, `null` and `false` render as nothing, for `cond && html\`…\``. */
export type Fragment = string | number | Markup | readonly Fragment[] | undefined | null | false;

function render(value: Fragment): string {
  if (value === undefined || value === null || value === false) return '';
  if (value instanceof Markup) return value.html;
  if (Array.isArray(value)) return value.map(render).join('');
  // Attribute escaping is a superset of text escaping, so one rule is safe in either position.
  return escapeAttribute(String(value));
}

export function html(strings: TemplateStringsArray, ...values: readonly Fragment[]): Markup {
  return new Markup(strings.reduce((out, s, i) => out + s + (i < values.length ? render(values[i]) : ''), ''));
}
