/**
 * A strict little XML 1.0 parser for the tests: just enough of the spec (declaration, elements,
 * attributes, character and predefined entity references, line-end and attribute-value
 * normalisation) to prove junit.xml is well-formed and to read back what it says. No DTDs,
 * comments, CDATA or processing instructions: the writer emits none, so meeting one is an error.
 */

export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: readonly (XmlElement | string)[];
}

const NAME = /[A-Za-z_:][A-Za-z0-9._:-]*/y;
const SPACE = /[ \t\n]*/y;
const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** XML 1.0 §2.2 Char. */
function isXmlChar(cp: number): boolean {
  return (
    cp === 0x9 ||
    cp === 0xa ||
    cp === 0xd ||
    (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

export function parseXml(source: string): XmlElement {
  for (let i = 0; i < source.length; i++) {
    const cp = source.codePointAt(i)!;
    // codePointAt gives a lone surrogate's own value, which isXmlChar refuses.
    if (!isXmlChar(cp)) throw new Error(`character U+${cp.toString(16)} at ${i} is not allowed in XML 1.0`);
    if (cp > 0xffff) i++;
  }
  const text = source.replace(/\r\n?/g, '\n'); // §2.11
  let pos = 0;
  const fail = (why: string): never => {
    throw new Error(`${why} at ${pos}: ${JSON.stringify(text.slice(pos, pos + 30))}`);
  };
  const match = (re: RegExp): string | undefined => {
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m) return undefined;
    pos += m[0].length;
    return m[0];
  };
  const expect = (literal: string) =>
    text.startsWith(literal, pos) ? (pos += literal.length) : fail(`expected ${JSON.stringify(literal)}`);
  const name = () => match(NAME) ?? fail('expected a name');

  /**
   * Decodes references in a run of character data up to (not including) one of `stops`. In an
   * attribute value a literal tab or newline becomes a space (§3.3.3); a reference keeps its character.
   */
  const chars = (stops: string, inAttribute = false): string => {
    let out = '';
    while (pos < text.length && !stops.includes(text[pos]!)) {
      if (text[pos] === '&') {
        const m = /&(?:#([0-9]+)|#x([0-9a-fA-F]+)|([A-Za-z]+));/y;
        m.lastIndex = pos;
        const ref = m.exec(text) ?? fail('a bare "&"');
        const cp =
          ref[1] !== undefined ? parseInt(ref[1], 10) : ref[2] !== undefined ? parseInt(ref[2], 16) : undefined;
        if (cp !== undefined && !isXmlChar(cp)) fail(`a reference to a forbidden character U+${cp.toString(16)}`);
        const decoded = cp !== undefined ? String.fromCodePoint(cp) : PREDEFINED[ref[3] ?? ''];
        out += decoded ?? fail(`an undeclared entity &${ref[3]};`);
        pos += ref[0].length;
      } else {
        const ch = text[pos++]!;
        out += inAttribute && (ch === '\t' || ch === '\n') ? ' ' : ch;
      }
    }
    return out;
  };

  const element = (): XmlElement => {
    expect('<');
    const tag = name();
    const attributes: Record<string, string> = {};
    for (;;) {
      const gap = match(SPACE) ?? '';
      if (text.startsWith('/>', pos) || text.startsWith('>', pos)) break;
      if (gap === '') fail('expected whitespace before an attribute');
      const attr = name();
      if (attr in attributes) fail(`attribute ${attr} repeated`);
      match(SPACE);
      expect('=');
      match(SPACE);
      const quote = text[pos] === '"' || text[pos] === "'" ? text[pos]! : fail('expected a quoted value');
      pos++;
      attributes[attr] = chars(`${quote}<`, true);
      if (text[pos] !== quote) fail('"<" inside an attribute value');
      pos++;
    }
    if (text.startsWith('/>', pos)) {
      pos += 2;
      return { name: tag, attributes, children: [] };
    }
    expect('>');
    const children: (XmlElement | string)[] = [];
    for (;;) {
      const start = pos;
      const data = chars('<');
      if (text.slice(start, pos).includes(']]>')) fail('"]]>" in character data');
      if (data !== '') children.push(data);
      if (pos >= text.length) fail(`unclosed <${tag}>`);
      if (text.startsWith('</', pos)) break;
      if (/^<[!?]/.test(text.slice(pos, pos + 2))) fail('a comment, CDATA section or processing instruction');
      children.push(element());
    }
    expect('</');
    const closing = name();
    if (closing !== tag) fail(`</${closing}> closes <${tag}>`);
    match(SPACE);
    expect('>');
    return { name: tag, attributes, children };
  };

  if (text.startsWith('<?xml', pos)) {
    pos = text.indexOf('?>') + 2;
    if (pos < 2) fail('unterminated XML declaration');
  }
  match(SPACE);
  const root = element();
  match(SPACE);
  if (pos !== text.length) fail('content after the root element');
  return root;
}

/** Child elements named `name`. */
export function childrenNamed(el: XmlElement, name: string): XmlElement[] {
  return el.children.filter((c): c is XmlElement => typeof c !== 'string' && c.name === name);
}

/** The element's text content (its direct text children). */
export function textOf(el: XmlElement): string {
  return el.children.filter((c): c is string => typeof c === 'string').join('');
}
