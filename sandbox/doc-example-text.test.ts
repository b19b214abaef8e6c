/** Finding the guide's examples in its text form, and the constants doc-examples sets, on a fixture guide of the same shape. */
import { describe, expect, it } from 'vitest';
import {
  exampleConstant,
  exampleKeyFiles,
  extractEndToEndExamples,
  restorePythonIndentation,
  withExampleConstant,
} from './doc-example-text';
import { FIXTURE_VOUCHER, guideText } from './guide-fixture';

describe('extractEndToEndExamples', () => {
  const examples = extractEndToEndExamples(guideText());

  it('finds both blocks under the heading, cut at the glued labels', () => {
    expect(examples.js.startsWith("import { sign } from 'node:crypto';\n")).toBe(true);
    expect(examples.js.endsWith('if (!redeem.success) process.exit(1);\n')).toBe(true);
    expect(examples.python.startsWith('import base64\n')).toBe(true);
    expect(examples.python.endsWith('main()\n')).toBe(true);
    expect(examples.python).not.toContain('Security Best Practices');
  });

  it('refuses a text without the section, naming what is missing', () => {
    expect(() => extractEndToEndExamples('Merchant API\nno examples here\n')).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/no end-to-end heading/) }),
    );
  });
});

describe('restorePythonIndentation', () => {
  it('gives blocks back their indentation: function bodies, a one-statement with, the __main__ guard', () => {
    const restored = restorePythonIndentation(extractEndToEndExamples(guideText()).python);
    expect(restored.replace(/^ +/gm, '')).toBe(extractEndToEndExamples(guideText()).python);
    expect(restored).toContain('def p1363(der):\n    r_len = der[3]\n    r = int.from_bytes(');
    expect(restored).toContain(
      '    with urllib.request.urlopen(request) as response:\n        return json.loads(response.read())\ndef main():\n    token = ',
    );
    expect(restored).toContain("if __name__ == '__main__':\n    main()");
  });
});

describe('example constants', () => {
  const js = extractEndToEndExamples(guideText()).js;
  const python = extractEndToEndExamples(guideText()).python;

  it('reads a constant in either language, and only when it has exactly one line', () => {
    expect(exampleConstant(js, 'VOUCHER_CODE')).toBe(FIXTURE_VOUCHER);
    expect(exampleConstant(python, 'BASE_URL')).toBe('https://merchant-api.example.invalid/v1');
    expect(exampleConstant(`${js}const API_KEY = 'again';\n`, 'API_KEY')).toBeUndefined();
    expect(exampleConstant(js, 'NOT_THERE')).toBeUndefined();
  });

  it('sets one constant and leaves every other line as it was', () => {
    const set = withExampleConstant(python, 'API_KEY', 'k-123')!;
    expect(set).toBe(python.replace("API_KEY = 'PASTE_YOUR_KEY'", "API_KEY = 'k-123'"));
    expect(withExampleConstant(python, 'MISSING', 'x')).toBeUndefined();
  });

  it('finds the private and the public key file the example names', () => {
    expect(exampleKeyFiles(js)).toEqual({ priv: 'merchant-priv.pem', pub: 'merchant-pub.pem' });
    expect(exampleKeyFiles("const KEY = 'merchant-priv.pem';")).toBeUndefined();
  });
});
