/** `npm run bench`: prints figures and ratios on this machine; asserts nothing. */
// First: in the bundle, the sandbox bench's server processes are this same file forked, and
// sandbox/bench.ts must take over before anything below runs in them.
import { benchSandbox } from '../sandbox/bench';
import { benchCertify } from './certify-bench';
import { benchChecker } from './checker-bench';
import { benchK6Flows } from './k6-flow-bench';
import { benchK6Signing } from './k6-signing-bench';
import { benchK6Throughput } from './k6-throughput-bench';
import { benchSigning } from './signing-bench';

const signing = await benchSigning();
console.log(
  '\nSigning in Node: operations per second, lib/ (secp256k1 signing: its table signer; the rest: noble) beside Node crypto (OpenSSL), and the ratio',
);
console.table(signing);

const k6 = await benchK6Signing();
console.log(
  "\nSigning inside k6 (lib/ bundled: secp256k1 signing with the table signer and k6's native SHA-256, the rest noble, in k6's VM): operations per second, and the ratio to lib/ in Node",
);
console.table(
  k6.map((row) => {
    const node = signing.find((s) => s.algorithm === row.algorithm && s.operation === row.operation)!;
    return {
      ...row,
      libInNodeOpsPerSec: node.libOpsPerSec,
      ratio: Number((row.k6OpsPerSec / node.libOpsPerSec).toFixed(3)),
    };
  }),
);

const throughput = await benchK6Throughput();
console.log(
  '\nk6 against the embedded sandbox: initiate-claims per second, signed in k6 or taken from a corpus pre-signed in Node (claim-throughput scenario, at most 20 s each), and the ratio presigned/k6 at the same VUs',
);
console.table(
  throughput.map((row) => {
    const inK6 = throughput.find((r) => r.vus === row.vus && r.signing === 'k6')!;
    return { ...row, ratioToK6: Number((row.requestsPerSec / inK6.requestsPerSec).toFixed(2)) };
  }),
);

const flows = await benchK6Flows();
console.log(
  "\nsteady-flow saturated (1000 flows/s asked, 16 VUs, 8 s, fixed OTP): full flows per second with every request pre-signed in Node, signed at run time by the signing helper (load --signing k6, the default), and signed at run time in k6's VM (a distributed run), and the ratio to pre-signed",
);
console.table(
  flows.map((row) => ({ ...row, ratioToPresigned: Number((row.flowsPerSec / flows[0]!.flowsPerSec).toFixed(2)) })),
);

const sandbox = await benchSandbox();
console.log(
  `\nSandbox: signed initiate-claim POSTs per second on loopback (server in its own process, verifying with ${sandbox.verifier}) beside the node:crypto secp256k1 verify ceiling`,
);
console.table({
  verifyCeilingPerSec: Math.round(sandbox.verifyCeilingPerSec),
  [`${sandbox.verifier}CeilingPerSec`]: Math.round(sandbox.verifierCeilingPerSec),
  signedPostsPerSec: Math.round(sandbox.signedPostsPerSec),
  ratioToCeiling: Number(sandbox.ratio.toFixed(3)),
  referenceServerPerSec: Math.round(sandbox.referenceServerPerSec),
  ratioToReference: Number(sandbox.ratioToReference.toFixed(3)),
});

const checker = await benchChecker();
console.log('\nLoad history checker: a generated history of correct concurrent claims and redemptions');
console.table({
  ops: checker.ops,
  wallMs: Math.round(checker.ms),
  cpuMs: Math.round(checker.cpuMs),
  opsPerSec: Math.round(checker.opsPerSec),
  wallMsWithoutLedger: Math.round(checker.msWithoutLedger),
});

const certify = await benchCertify();
console.log(
  '\nA full certify (every area): against the embedded sandbox (the built CLI, as a user runs it), and against the sandbox through a proxy answering every request 300 ms and 700 ms late (goals: ≤ 10 s, ≤ 180 s and ≤ 600 s with every check passing, on 2 cores)',
);
console.table(certify);
