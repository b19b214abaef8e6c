/**
 * The one place the noble libraries are configured. @noble/ed25519's synchronous API needs a
 * SHA-512 supplied by the caller (it bundles none, and k6 has no sync WebCrypto digest), so every
 * module that signs or derives keys imports `ed` from here rather than from the package.
 */
import * as ed from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';

ed.hashes.sha512 = sha512;

export { ed, secp256k1 };
