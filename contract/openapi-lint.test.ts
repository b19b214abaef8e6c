/** The shipped descriptions pass a maintained OpenAPI linter (Redocly's recommended rules) with no problem at all. */
import { createConfig, lint } from '@redocly/openapi-core';
import { describe, expect, it } from 'vitest';
import { DESCRIPTIONS, descriptionDocument, descriptionPath } from './openapi-files';
import type { DescriptionName } from './openapi-files';

describe('the OpenAPI descriptions', () => {
  it.each(Object.keys(DESCRIPTIONS) as DescriptionName[])(
    '%s is OpenAPI 3.1 and Redocly lints it clean',
    async (name) => {
      expect(descriptionDocument(name).openapi).toBe('3.1.0');
      const config = await createConfig({ extends: ['recommended'] });
      const problems = await lint({ ref: descriptionPath(name), config });
      expect(problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`)).toEqual([]);
    },
    60_000,
  );

  it('catches a broken description (the linter is really linting)', async () => {
    const { lintFromString } = await import('@redocly/openapi-core');
    const config = await createConfig({ extends: ['recommended'] });
    const problems = await lintFromString({
      source: 'openapi: 3.1.0\ninfo: {title: x, version: "1"}\npaths: {/a: {get: {responses: {}}}}\n',
      absoluteRef: '/broken.yaml',
      config,
    });
    expect(problems.filter((p) => p.severity === 'error').length).toBeGreaterThan(0);
  });

  it("marks the sandbox's partner endpoints as the sandbox's own, not OmniVAS's", () => {
    const partner = descriptionDocument('sandbox-partner');
    const info = partner.info as Record<string, unknown>;
    expect(info['x-sandbox-only']).toBe(true);
    expect(String(info.title)).toContain("the sandbox's own, not OmniVAS's");
    const merchantPaths = Object.keys(descriptionDocument('merchant').paths as object);
    for (const path of Object.keys(partner.paths as object)) expect(merchantPaths).not.toContain(path);
  });
});
