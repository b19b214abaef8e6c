/**
 * The k6-safe public API of lib/: what load scenarios bundle. Everything reachable from here runs
 * in a bare JavaScript VM (lib/k6-safe.test.ts proves it). Node-only parts live in lib/node/.
 */
export * from './bytes';
export * from './canonical-json';
export * from './ecdsa-signature';
export * from './endpoint-catalog';
export * from './error-catalog';
export * from './errors';
export * from './keys';
export * from './money';
export * from './payloads';
export * from './random';
export * from './redact';
export * from './signature';
export * from './signing-template';
export * from './target-config';
export * from './history';
export * from './whole-number';
export { signSecp256k1Digest, useSha256Primitives, type Sha256Primitives } from './secp256k1-signer';
