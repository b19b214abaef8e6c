/**
 * The API descriptions the harness ships (openapi/ at the package root): the merchant API v1.0 as
 * its reference documents it, and the sandbox's own partner endpoints, kept apart so nobody mistakes
 * them for OmniVAS's. Read once per process.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { HarnessError } from '../lib/errors';

/** The package root: contract/ in source, dist/ when built; both one level down. */
const PACKAGE_ROOT = resolve(import.meta.dirname, '..');

export const DESCRIPTIONS = {
  merchant: 'merchant-api-v1.0.yaml',
  'sandbox-partner': 'sandbox-partner-api.yaml',
} as const;
export type DescriptionName = keyof typeof DESCRIPTIONS;

export const descriptionPath = (name: DescriptionName): string => join(PACKAGE_ROOT, 'openapi', DESCRIPTIONS[name]);

/** An OpenAPI document as parsed JSON: the contract reads only the parts it needs. */
export type OpenApiDocument = Readonly<Record<string, unknown>>;

const cache = new Map<DescriptionName, { text: string; document: OpenApiDocument }>();

function load(name: DescriptionName): { text: string; document: OpenApiDocument } {
  const cached = cache.get(name);
  if (cached) return cached;
  const path = descriptionPath(name);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new HarnessError('INTERNAL', `cannot read the API description ${path}: is the openapi/ folder installed?`, {
      cause: err,
    });
  }
  const loaded = { text, document: parse(text) as OpenApiDocument };
  cache.set(name, loaded);
  return loaded;
}

/** The YAML as shipped, byte for byte. */
export const descriptionText = (name: DescriptionName): string => load(name).text;

/** The parsed document; callers must not change it (it is shared). */
export const descriptionDocument = (name: DescriptionName): OpenApiDocument => load(name).document;
