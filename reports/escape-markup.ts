/**
 * Escaping for XML 1.0 and HTML alike: the JUnit and HTML writers share it, so evidence that holds
 * control bytes, lone surrogates or markup reads the same (and parses) in both.
 */

/**
 * Characters XML 1.0 forbids even as references (§2.2 Char): C0 controls other than tab, LF and
 * CR; lone surrogates; U+FFFE and U+FFFF. With the `u` flag a surrogate class matches only
 * unpaired halves, so astral characters pass through.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDFFF]/gu;

/** Evidence may carry such bytes (a target echoing garbage): show them as `\uXXXX` rather than drop them. */
export function printableText(text: string): string {
  return text.replace(FORBIDDEN, (ch) => `\\u${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);
}

const TEXT_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '\r': '&#13;',
};
// Parsers normalise raw tabs and newlines in attribute values to spaces: references keep them.
const ATTRIBUTE_ENTITIES: Record<string, string> = { ...TEXT_ENTITIES, '\t': '&#9;', '\n': '&#10;' };

/** Element content (`&#13;` because parsers fold a raw CR into LF). */
export function escapeText(text: string): string {
  return printableText(text).replace(/[&<>"'\r]/g, (ch) => TEXT_ENTITIES[ch] ?? ch);
}

/** A double- or single-quoted attribute value. */
export function escapeAttribute(text: string): string {
  return printableText(text).replace(/[&<>"'\r\t\n]/g, (ch) => ATTRIBUTE_ENTITIES[ch] ?? ch);
}

/** ` name="value"` for each attribute, values escaped: the JUnit writers' one way to write attributes. */
export function xmlAttributes(attrs: Record<string, string | number>): string {
  return Object.entries(attrs)
    .map(([name, value]) => ` ${name}="${escapeAttribute(String(value))}"`)
    .join('');
}
