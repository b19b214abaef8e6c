/** The harness version, written into reports; esbuild inlines package.json at build time. */
import pkg from './package.json' with { type: 'json' };

export const HARNESS_VERSION: string = pkg.version;
