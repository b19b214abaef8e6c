/** `npm run bench`: prints figures and ratios; asserts nothing. */
import { benchSigning } from './signing-bench';

const rows = await benchSigning();
console.log('signing: operations per second, lib/ (noble) beside Node crypto (OpenSSL) on this machine');
console.table(rows);
