/**
 * The partner profile's string-to-sign. The onboarding document says requests carry X-Timestamp
 * and an Ed25519 X-Signature but not what string is signed, so the template is configuration
 * (docs/design.md › Two authentication profiles); the sandbox uses the same default.
 */
import { HarnessError } from './errors';

export const DEFAULT_SIGNING_TEMPLATE = '{timestamp}.{method}.{path}.{body}';

export const TEMPLATE_PLACEHOLDERS = ['timestamp', 'method', 'path', 'body', 'apiKey', 'idempotencyKey'] as const;
export type TemplatePlaceholder = (typeof TEMPLATE_PLACEHOLDERS)[number];
export type TemplateValues = Readonly<Record<TemplatePlaceholder, string>>;

const PLACEHOLDER = /\{([A-Za-z]+)\}/g;

/** Refuses a template naming an unknown placeholder, or none of the request's content. */
export function validateSigningTemplate(template: string, field = 'signingTemplate'): string {
  if (typeof template !== 'string' || template === '')
    throw new HarnessError(
      'TEMPLATE_INVALID',
      `"${field}" expected a non-empty string such as "${DEFAULT_SIGNING_TEMPLATE}"`,
    );
  const names = [...template.matchAll(PLACEHOLDER)].map((m) => m[1]!);
  const unknown = names.filter((n) => !(TEMPLATE_PLACEHOLDERS as readonly string[]).includes(n));
  if (unknown.length > 0) {
    throw new HarnessError(
      'TEMPLATE_INVALID',
      `"${field}" names unknown placeholder {${unknown[0]}}; use only ${TEMPLATE_PLACEHOLDERS.map((p) => `{${p}}`).join(', ')}`,
    );
  }
  if (!names.includes('timestamp') || !names.includes('body')) {
    throw new HarnessError(
      'TEMPLATE_INVALID',
      `"${field}" must include {timestamp} and {body}, or a signature would not bind the request's time and content`,
    );
  }
  return template;
}

/** The exact string to sign. `method` is upper-cased, `path` is the request path with its query. */
export function renderSigningTemplate(template: string, values: TemplateValues): string {
  validateSigningTemplate(template);
  return template.replace(PLACEHOLDER, (_, name: TemplatePlaceholder) =>
    name === 'method' ? values.method.toUpperCase() : values[name],
  );
}
