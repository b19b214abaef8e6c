/**
 * The merchant API guide's "End-to-End Example (Single Snippet)" code, taken from the guide's text so
 * `doc-examples` runs the guide's own code. The text form of the guide has lost line breaks at block
 * boundaries (`…});python`, `main()Security Best Practices`) and ALL leading whitespace: JavaScript
 * runs as it is, Python needs its indentation back, which restorePythonIndentation adds (and only that).
 */
import { HarnessError } from '../lib/errors';

export interface EndToEndExamples {
  readonly js: string;
  readonly python: string;
}

function indexAfter(text: string, pattern: RegExp | string, from: number, what: string): number {
  const i = typeof pattern === 'string' ? text.indexOf(pattern, from) : text.slice(from).search(pattern) + from;
  if (i < from) throw new HarnessError('INVALID_ARGUMENT', `the guide has no ${what} after offset ${from}`);
  return i;
}

/** Finds the two blocks under the E2E heading: `js` … `python` … (the next section's heading). */
export function extractEndToEndExamples(guide: string): EndToEndExamples {
  const heading = indexAfter(guide, 'End-to-End Example (Single Snippet)', 0, 'end-to-end heading');
  const jsStart = indexAfter(guide, /\njs\n/, heading, '"js" block') + '\njs\n'.length;
  // The python label is glued to the JS block's last line: "});python".
  const pythonLabel = indexAfter(guide, /python\nimport /, jsStart, '"python" block');
  const pythonStart = pythonLabel + 'python\n'.length;
  const pythonEnd = indexAfter(guide, 'Security Best Practices', pythonStart, 'section after the examples');
  return { js: `${guide.slice(jsStart, pythonLabel)}\n`, python: `${guide.slice(pythonStart, pythonEnd)}\n` };
}

/** Net bracket depth a line adds, ignoring strings and comments. */
function bracketDelta(line: string): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = undefined;
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '#') break;
    else if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch)) depth--;
  }
  return depth;
}

const TOP_LEVEL = /^(?:def |class |if __name__|import |from |[A-Z_][A-Z0-9_]* = )/;

/**
 * Indents flattened Python by the rules its code follows: `def`, imports, CONSTANTS and the
 * `__main__` guard are top level; a line ending in ':' opens a block; a `with` block, or a block
 * that starts with `raise`/`return`, holds one statement; other blocks run to the next top-level
 * line; lines inside brackets are continuations.
 */
export function restorePythonIndentation(flat: string): string {
  const blocks: { oneStatement: boolean }[] = [];
  let depth = 0;
  let statementIndent = 0;
  let firstInBlock = false;
  const out: string[] = [];
  for (const line of flat.split('\n')) {
    const text = line.trim();
    if (depth > 0) {
      out.push(`${' '.repeat(statementIndent + (/^[)\]}]/.test(text) ? 0 : 4))}${text}`);
      depth += bracketDelta(text);
    } else {
      if (TOP_LEVEL.test(text)) blocks.length = 0;
      if (firstInBlock && /^(?:raise|return)\b/.test(text)) blocks[blocks.length - 1]!.oneStatement = true;
      statementIndent = 4 * blocks.length;
      out.push(text === '' ? '' : `${' '.repeat(statementIndent)}${text}`);
      depth = bracketDelta(text);
      firstInBlock = false;
    }
    if (depth > 0 || text === '') continue;
    // the logical line is complete
    if (text.endsWith(':')) {
      blocks.push({ oneStatement: /^with\b/.test(text) });
      firstInBlock = true;
    } else if (blocks[blocks.length - 1]?.oneStatement) {
      blocks.pop();
    }
  }
  return out.join('\n');
}

/** `NAME = 'value'` at the start of a line, with `const`/`let`/`var` (JavaScript) or without (Python). */
function constantLines(code: string, name: string): RegExpExecArray[] {
  const pattern = new RegExp(`^([ \\t]*(?:(?:const|let|var)[ \\t]+)?${name}[ \\t]*=[ \\t]*)(['"])([^'"\\n]*)\\2`, 'gm');
  return [...code.matchAll(pattern)];
}

/** The value of an example's string constant (`BASE_URL`, `VOUCHER_CODE`), or undefined when it has not exactly one. */
export function exampleConstant(code: string, name: string): string | undefined {
  const found = constantLines(code, name);
  return found.length === 1 ? found[0]![3] : undefined;
}

/** The example with one string constant set to `value`; undefined when the example has not exactly one such line. */
export function withExampleConstant(code: string, name: string, value: string): string | undefined {
  const found = constantLines(code, name);
  if (found.length !== 1) return undefined;
  const [line, prefix, quote] = found[0]!;
  const at = found[0]!.index;
  return `${code.slice(0, at)}${prefix}${quote}${value}${quote}${code.slice(at + line.length)}`;
}

/** The key file names an example reads (its `….pem` string literals): the private one and the public one. */
export function exampleKeyFiles(code: string): { priv: string; pub: string } | undefined {
  const names = [...new Set([...code.matchAll(/['"]([\w.-]+\.pem)['"]/g)].map((m) => m[1]!))];
  const priv = names.filter((n) => /priv/i.test(n));
  const pub = names.filter((n) => /pub/i.test(n));
  return priv.length === 1 && pub.length === 1 ? { priv: priv[0]!, pub: pub[0]! } : undefined;
}
