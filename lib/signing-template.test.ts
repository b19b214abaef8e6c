import { describe, expect, it } from 'vitest';
import { DEFAULT_SIGNING_TEMPLATE, renderSigningTemplate, validateSigningTemplate } from './signing-template';

const values = { timestamp: '1766100000', method: 'post', path: '/partner/v1/vouchers', body: '{"a":1}', apiKey: 'k', idempotencyKey: 'i' };

describe('signing template', () => {
  it('renders the default template', () => {
    expect(renderSigningTemplate(DEFAULT_SIGNING_TEMPLATE, values)).toBe('1766100000.POST./partner/v1/vouchers.{"a":1}');
  });

  it('does not re-expand placeholders that appear inside the body', () => {
    expect(renderSigningTemplate('{timestamp}|{body}', { ...values, body: '{"x":"{method}"}' })).toBe('1766100000|{"x":"{method}"}');
  });

  it('refuses unknown placeholders and templates that bind neither time nor body', () => {
    expect(() => validateSigningTemplate('{timestamp}.{verb}.{body}')).toThrow(/unknown placeholder \{verb\}/);
    expect(() => validateSigningTemplate('{method}.{path}')).toThrow(/\{timestamp\} and \{body\}/);
    expect(() => validateSigningTemplate('')).toThrow(/non-empty/);
  });
});
