import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeAttribute, escapeText, printableText } from './escape-markup';
import { parseXml, textOf } from './test-support/xml-parser';
import { wildTextArb } from './test-support/results';

describe('printableText', () => {
  it('shows characters XML 1.0 forbids as \\uXXXX and keeps everything else', () => {
    expect(printableText('a\u0000b\u001bc\uFFFEd\uD800e')).toBe('a\\u0000b\\u001Bc\\uFFFEd\\uD800e');
    expect(printableText('tab\tnl\ncr\r é 😀 \u007f')).toBe('tab\tnl\ncr\r é 😀 \u007f');
  });
});

describe('escapeText and escapeAttribute', () => {
  it('escape markup characters', () => {
    expect(escapeText(`<script>alert("x" & 'y')</script>`)).toBe(
      '&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;',
    );
    expect(escapeAttribute('a\nb\tc')).toBe('a&#10;b&#9;c');
  });

  it('round-trip any string through a strict XML parser, as printableText shows it', () => {
    fc.assert(
      fc.property(wildTextArb, wildTextArb, (attr, text) => {
        const el = parseXml(`<e a="${escapeAttribute(attr)}" b='${escapeAttribute(attr)}'>${escapeText(text)}</e>`);
        expect(el.attributes.a).toBe(printableText(attr));
        expect(el.attributes.b).toBe(printableText(attr));
        expect(textOf(el)).toBe(printableText(text));
      }),
      { numRuns: 500 },
    );
  });
});
