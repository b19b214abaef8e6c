import { describe, expect, it } from 'vitest';
import { DEFAULT_SIGNING_TEMPLATE, renderSigningTemplate, validateSigningTemplate } from './signing-template';
import { thrownHarnessError } from './testing/thrown-harness-error';

const values = {
  timestamp: '1766100000',
  method: 'post',
  path: '/partner/v1/vouchers',
  body: '{"a":1}',
  apiKey: 'k',
  idempotencyKey: 'i',
};

describe('signing template', () => {
  it('renders the default template', () => {
    expect(renderSigningTemplate(DEFAULT_SIGNING_TEMPLATE, values)).toBe(
      '1766100000.POST./partner/v1/vouchers.{"a":1}',
    );
  });

  it('does not re-expand placeholders that appear inside the body', () => {
    expect(renderSigningTemplate('{timestamp}|{body}', { ...values, body: '{"x":"{method}"}' })).toBe(
      '1766100000|{"x":"{method}"}',
    );
  });

  it('refuses unknown placeholders and templates that bind neither time nor body', () => {
    expect(() => validateSigningTemplate('{timestamp}.{verb}.{body}')).toThrow(/unknown placeholder \{verb\}/);
    expect(() => validateSigningTemplate('{method}.{path}')).toThrow(/\{timestamp\} and \{body\}/);
    expect(() => validateSigningTemplate('')).toThrow(/non-empty/);
  });
});

// Found weak by mutation testing (npm run mutants:lib): the refusals' codes and wording, and each
// placeholder's substitution, were not all pinned.
describe('signing template, exactly', () => {
  const refusal = (f: () => unknown): string => {
    const err = thrownHarnessError(f);
    return `${err.code}: ${err.message}`;
  };

  it('substitutes every placeholder, upper-casing only the method', () => {
    expect(
      renderSigningTemplate('{timestamp}|{method}|{path}|{body}|{apiKey}|{idempotencyKey}', {
        ...values,
        path: '/p?q=a',
        apiKey: 'key-a',
        idempotencyKey: 'idem-b',
      }),
    ).toBe('1766100000|POST|/p?q=a|{"a":1}|key-a|idem-b');
  });

  it('refuses a non-string or empty template with TEMPLATE_INVALID, not a TypeError', () => {
    expect(refusal(() => validateSigningTemplate(42 as unknown as string))).toBe(
      'TEMPLATE_INVALID: "signingTemplate" expected a non-empty string such as "{timestamp}.{method}.{path}.{body}"',
    );
    expect(refusal(() => validateSigningTemplate('', 'partner.signingTemplate'))).toMatch(
      /^TEMPLATE_INVALID: "partner.signingTemplate" expected a non-empty string/,
    );
  });

  it('lists the placeholders it knows when refusing an unknown one', () => {
    expect(refusal(() => validateSigningTemplate('{timestamp}{body}{Verb}'))).toBe(
      'TEMPLATE_INVALID: "signingTemplate" names unknown placeholder {Verb}; use only {timestamp}, {method}, {path}, {body}, {apiKey}, {idempotencyKey}',
    );
  });

  it('needs both {timestamp} and {body}: either alone is refused', () => {
    expect(refusal(() => validateSigningTemplate('{timestamp}.{path}'))).toMatch(
      /^TEMPLATE_INVALID: "signingTemplate" must include \{timestamp\} and \{body\}/,
    );
    expect(refusal(() => validateSigningTemplate('{method}.{body}'))).toMatch(
      /^TEMPLATE_INVALID: .* must include \{timestamp\} and \{body\}/,
    );
    expect(validateSigningTemplate('{body}{timestamp}')).toBe('{body}{timestamp}');
  });

  it('renders only a valid template', () => {
    expect(refusal(() => renderSigningTemplate('{path}', values))).toMatch(/^TEMPLATE_INVALID: /);
  });
});
