import { describe, expect, it } from 'vitest';
import { childrenNamed, parseXml, textOf } from './xml-parser';

// The JUnit tests lean on this parser to call output well-formed: it must refuse what XML refuses.
describe('parseXml (test support)', () => {
  it('reads elements, attributes, references and normalises line ends and attribute whitespace', () => {
    const root = parseXml(
      '<?xml version="1.0"?>\n<a x="1&#10;2" y=\'p\tq\'><b>t &amp; &lt;u&gt; &#x1F600;\r\nv</b><c/></a>\n',
    );
    expect(root.attributes).toEqual({ x: '1\n2', y: 'p q' });
    const [b] = childrenNamed(root, 'b');
    expect(textOf(b!)).toBe('t & <u> 😀\nv');
    expect(childrenNamed(root, 'c')).toHaveLength(1);
  });

  it.each([
    ['a bare ampersand', '<a>x & y</a>'],
    ['"<" in an attribute', '<a x="<"/>'],
    ['an unknown entity', '<a>&nbsp;</a>'],
    ['a mismatched end tag', '<a><b></a></b>'],
    ['an unclosed element', '<a><b></b>'],
    ['a control character', '<a>\u0001</a>'],
    ['a reference to a control character', '<a>&#1;</a>'],
    ['a lone surrogate', '<a>\uD800</a>'],
    ['U+FFFE', '<a>\uFFFE</a>'],
    ['"]]>" in text', '<a>]]></a>'],
    ['a repeated attribute', '<a x="1" x="2"/>'],
    ['an unquoted attribute', '<a x=1/>'],
    ['two roots', '<a/><b/>'],
    ['a comment', '<a><!-- c --></a>'],
  ])('refuses %s', (_, xml) => {
    expect(() => parseXml(xml)).toThrow();
  });
});
