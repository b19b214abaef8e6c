/** The command-line program: `omnivas-harness <command>`. Each command lives in its own module. */
import { Command, CommanderError, Option } from 'commander';
import { DEFAULT_LAST, DEFAULT_THRESHOLDS } from '../history/thresholds';
import { AREAS } from '../suites/check-result';
import { certifyClientCommand } from './certify-client-command';
import { certifyCommand } from './certify-command';
import { checkHistoryCommand } from './check-history-command';
import { docExamplesCommand } from './doc-examples-command';
import { historyRecordCommand, trendCommand } from './history-command';
import { generateKeysCommand } from './keys-command';
import { loadCommand } from './load-command';
import { mutantsCommand } from './mutants-command';
import { k6InstallCommand } from './k6-command';
import { K6_DIR_ENV, K6_VERSION, userK6Dir } from '../load/node/k6-bin';
import { openapiCommand } from './openapi-command';
import { wholeNumber } from './options';
import { EXIT, runCommand } from './run-command';
import { createConsoleIo } from './console-io';
import type { CommandIo, ConsoleSink } from './console-io';
import { serveSandbox } from '../sandbox';
import { defectListLines } from '../sandbox/serve';
import { listDefects } from '../sandbox/defects';
import { signCommand } from './sign-command';
import { smokeCommand } from './smoke-command';
import { verifyCommand } from './verify-command';
import { HARNESS_VERSION } from '../version';

/** certify, smoke and load: the opt-in a target file's OTP command needs (lib/node/otp-source.ts). */
const allowOtpCommandOption = () =>
  new Option(
    '--allow-otp-command',
    'let the target file\'s "otp" command source run its program (with PATH, HOME and the locale only: no secrets); without it such a file is refused',
  ).default(false);

function buildProgram(io: CommandIo, exit: (code: number) => void): Command {
  const program = new Command('omnivas-harness')
    // Before any subcommand is added: subcommands inherit output routing and exit handling.
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .exitOverride()
    .version(HARNESS_VERSION)
    .description(
      'Conformance and load test harness for the OmniVAS voucher redemption API, with a reference sandbox on loopback.',
    )
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      `
Exit codes: 0 success; 1 the verdict failed (invalid signature, a check failed); 2 bad input or
configuration (the message says what to fix); 3 an internal error of the harness; 4 certify was
INCOMPLETE (nothing failed, but required checks were skipped).

Examples:
  omnivas-harness keys generate --type secp256k1 --out ./keys
  omnivas-harness sign --key ./keys/ec-secp256k1-priv-key.pem --body '{"voucherCode":"3225118500682251","amount":500,"idempotencyKey":"k-1","metadata":"{}"}'
  omnivas-harness verify --pub ./keys/ec-secp256k1-pub-key.pem --body-file body.json --signature "$SIG"`,
    );
  const act = (body: () => Promise<number>) => runCommand(io, body).then(exit);

  const keys = program.command('keys').description('Make key pairs for request signing.');
  keys
    .command('generate')
    .description('Generate a private key (file mode 0600) and the public key to register in the portal.')
    .addOption(
      new Option(
        '--type <type>',
        'key type: secp256k1 (merchant API v1.0) or ed25519 (portal-generated merchant keys, partner API)',
      )
        .choices(['secp256k1', 'ed25519'])
        .makeOptionMandatory(),
    )
    .requiredOption('--out <dir>', 'folder to write the two PEM files into; created (mode 0700) when missing')
    .addOption(
      new Option(
        '--format <format>',
        'private key PEM format (default: sec1 for secp256k1, as openssl ecparam writes; pkcs8 for ed25519)',
      ).choices(['sec1', 'pkcs8']),
    )
    .option('--force', 'overwrite existing key files', false)
    .addHelpText(
      'after',
      "\nFiles: ec-secp256k1-priv-key.pem / ec-secp256k1-pub-key.pem (the API document's names), or ed25519-priv-key.pem / ed25519-pub-key.pem.",
    )
    .action((options) => act(() => generateKeysCommand(options, io)));

  program
    .command('sign')
    .description('Print the payload the server verifies (JSON.stringify of the parsed body) and its x-signature value.')
    .requiredOption('--key <file>', 'private key PEM (secp256k1 SEC1 or PKCS8, or Ed25519 PKCS8)')
    .option('--body <json>', 'the request body as JSON text')
    .option('--body-file <file>', 'a file holding the request body')
    .option('--json', 'print one JSON object instead of text', false)
    .addHelpText(
      'after',
      '\nThe signature is base64 of the raw IEEE-P1363 r||s (secp256k1) or Ed25519 signature. Send the printed payload byte for byte: notes on stderr say how your body differed from it.',
    )
    .action((options) => act(() => signCommand(options, io)));

  program
    .command('verify')
    .description(
      'Check an x-signature the way the server does, and say why it fails: DER instead of P1363, base64url, a body signed in another serialisation, another key.',
    )
    .requiredOption('--pub <file>', 'public key PEM (SPKI) — a private key file works too: its public half is used')
    .option('--body <json>', 'the request body as sent')
    .option('--body-file <file>', 'a file holding the request body as sent')
    .requiredOption('--signature <base64>', 'the x-signature value')
    .option(
      '--signed-over <text>',
      'the exact string the client signed, when it differs from the body sent (finds keys re-ordered after signing)',
    )
    .option('--json', 'print one JSON object instead of text', false)
    .addHelpText('after', '\nExit code 0 only when the signature is valid; 1 when it is not.')
    .action((options) => act(() => verifyCommand(options, io)));

  program
    .command('openapi')
    .description(
      'Write the OpenAPI 3.1 description of the merchant API v1.0 that every answer is validated against (stdout unless --out).',
    )
    .option('--out <file>', 'write it to this file instead of standard output')
    .addOption(new Option('--format <format>', 'yaml (as shipped) or json').choices(['yaml', 'json']).default('yaml'))
    .option('--sandbox', "the sandbox's own partner endpoints instead (not OmniVAS's)", false)
    .addHelpText(
      'after',
      "\nWhere the API reference is silent the description takes the harness's assumptions and marks them x-harness-assumption. README.md shows a Schemathesis run and a Prism mock against it.",
    )
    .action((options) => act(() => openapiCommand(options, io)));

  program
    .command('certify')
    .description(
      'Run the conformance suites against a target (the embedded sandbox by default) and write summary.json, junit.xml and report.html.',
    )
    .option('--target <file>', 'a target file (docs/target-config.md); default: start the embedded sandbox')
    .option('--out <dir>', 'where to write the reports', 'out/certify')
    .option('--only <area...>', `run only these areas: ${AREAS.join(', ')}`)
    .option('--baseline <file>', 'a JSON array of check ids whose failures are reported but do not fail the run')
    .option(
      '--seed <n>',
      'seed for generated inputs and the embedded sandbox; the report names it so a run can be replayed',
    )
    .option('--defect <name...>', 'switch on seeded defects in the embedded sandbox, to see the harness catch them')
    .addOption(allowOtpCommandOption())
    .option(
      '--allow-incomplete',
      'accept a run that skipped required checks (the target lacks a fixture or a power): exit 0 instead of 4 when nothing failed',
      false,
    )
    .option(
      '--min-coverage <percent>',
      'accept a run that skipped required checks when at least this percentage of them ran (exit 0 instead of 4)',
    )
    .option(
      '--slow',
      'on a target without the sandbox clock, wait token expiry out in real time (adds about 5 minutes)',
      false,
    )
    .option(
      '--record <store>',
      'add the run to this history store (a folder, created when missing; see history record and trend), failed runs included; not an interrupted one',
    )
    .addHelpText(
      'after',
      "\nExit code 0 (PASS) only when every required check outside the baseline ran and passed; 1 (FAIL) when one failed or broke; 4 (INCOMPLETE) when none failed but required checks were skipped (a fixture, a test hook or a sandbox power was missing: the report says which unlocks them). A baseline entry waives a check's skip as it waives its failure.",
    )
    .action((options) => act(() => certifyCommand(options, io)));

  program
    .command('certify-client')
    .description(
      'Certify your OWN integration (POS, shop backend): the sandbox plays the server, your client performs a plan of scenarios against it, and its recorded traffic is graded; writes certification.json, junit.xml and report.html.',
    )
    .option(
      '--key <pub.pem>',
      'your public key (the one you register in the portal); your client signs with its private half',
    )
    .option(
      '--generate-key <dir>',
      'generate a secp256k1 pair into DIR (ec-secp256k1-priv-key.pem, mode 0600) and register it',
    )
    .option(
      '--control-port <n>',
      'drive the plan from a test script instead of a person: a control API on 127.0.0.1:N (0 picks a port)',
    )
    .option('--out <dir>', 'where to write the reports', 'out/certify-client')
    .option('--scenario <id...>', 'only these scenarios (ids as the plan prints them)')
    .option(
      '--quick',
      'short holds and time limits (seconds, for scripts with short timeouts) instead of a person’s',
      false,
    )
    .option(
      '--reference <name>',
      'certify one of the project\'s reference clients instead ("correct", a mistake such as "der-signature", or "all" for the table of clients × rules)',
    )
    .addHelpText(
      'after',
      `
The flow:
  1. The command starts a sandbox on 127.0.0.1, registers your public key (--key) or a new pair
     (--generate-key), issues one voucher per scenario and prints the base URL, your API key (once,
     here only: reports never hold it) and the plan: numbered scenarios, each with its voucher,
     amount, steps, what the sandbox will do (a 5031, a lost answer, a held answer, an expired
     token), what a correct client does, and a time limit.
  2a. A person at the till: do each scenario with your POS as it is announced. The command shows
     every request it receives, prints the SMS with the OTP when a claim is made, and moves on when
     the scenario's goal is met (or its time limit runs out).
  2b. A test script (--control-port N): POST /next gives the scenario (voucher, amount, steps),
     GET /otp the code the customer would read out, POST /done ends it; {"done": true} at the end.
  3. Every exchange is graded by rules from the API documents (signature over the bytes sent, compact
     JSON, x-signature on POSTs, token reuse and renewal, idempotency keys on retries, no retry of a
     4xxx refusal, amounts, origin, no secrets in metadata); a verdict per rule and per scenario.
Exit code 0 when every scenario and rule passes; 1 otherwise.`,
    )
    .action((options) => act(() => certifyClientCommand(options, io)));

  program
    .command('smoke')
    .description(
      "Run the API document's end-to-end flow once (login, test, initiate, detail, redeem, detail) and check each answer and the money; against the embedded sandbox unless --target is given.",
    )
    .option('--target <file>', 'a target file (docs/target-config.md); default: start the embedded sandbox')
    .option('--voucher <code>', 'the voucher to claim on a target (default: the first of fixtures.vouchers)')
    .option('--amount <decimal>', 'the amount to claim and redeem', '10')
    .option('--out <dir>', 'where to write transcript.json (secrets redacted)', 'out/smoke')
    .option('--defect <name...>', 'switch on seeded defects in the embedded sandbox (see sandbox/README.md)')
    .option('--seed <n>', 'seed for the embedded sandbox (OTPs, codes)')
    .addOption(allowOtpCommandOption())
    .addHelpText(
      'after',
      '\nOTPs come from the target file\'s "otp" source (the sandbox outbox for the embedded sandbox). Exit code 0 when every step conforms.',
    )
    .action((options) => act(() => smokeCommand(options, io)));

  program
    .command('load')
    .description(
      'Run a bundled k6 scenario (same-voucher-burst, idempotency-storm, steady-flow, soak, faults) against the embedded sandbox or a loopback target, then check the history it recorded against the invariants.',
    )
    .requiredOption(
      '--scenario <name>',
      "same-voucher-burst, idempotency-storm, steady-flow (full flows at the profile's arrival rate), soak (the steady flow under the soak profile) or faults (the steady flow while the sandbox injects faults)",
    )
    .option(
      '--profile <name>',
      "smoke, load, stress, soak or spike (k6.config.ts): bounds, thresholds, the flows' rate and duration; default smoke (soak for --scenario soak)",
    )
    .option(
      '--target <file>',
      'a target file: loopback, or off this machine when its "load" section allows it (docs/target-config.md › load); default: start the embedded sandbox',
    )
    .option('--dry-run', 'print the plan (rate, duration, VUs, vouchers, the most it spends) and send nothing')
    .option(
      '--record <store>',
      'add the run to this history store once judged (a folder, created when missing; trend reads it): a failed run too, not one refused before sending anything nor an interrupted one',
    )
    .option(
      '--k6-out <type[=setting]>',
      "one k6 metrics output, passed as k6 run --out (load/README.md › Metrics to Grafana): experimental-prometheus-rw or opentelemetry (settings from k6's K6_* variables), json or csv (a file inside --out; default k6-metrics.json/.csv), influxdb, statsd, cloud. The samples carry request URLs (voucher codes) and tags, not headers or bodies",
    )
    .option(
      '--out <dir>',
      'where to write summary.json, dashboard.html, history.jsonl, finals.json, verdict.json, junit.xml',
      'out/load',
    )
    .option('--vus <n>', "virtual users (at most 1000); default 50 for the burst, the profile's otherwise")
    .option(
      '--vouchers <n>',
      'how many vouchers to provision (at most 100): one burst or storm each; the flows share them (default 10)',
    )
    .option(
      '--duration <time>',
      "flow scenarios: how long flows arrive, such as 90s or 10m (at most 30m), instead of the profile's",
    )
    .option(
      '--renew-token-after <s>',
      'flow scenarios: seconds after which each VU logs in again (1–240, default 240: tokens live 300 s); lower shows renewal in a short run',
    )
    .option('--fill <x>', 'burst: the claims ask on average for this many times the balance (default 1)')
    .option('--seed <n>', 'seed for claim amounts and the embedded sandbox')
    .option('--defect <name...>', 'switch on seeded defects in the embedded sandbox (sandbox/README.md)')
    .addOption(allowOtpCommandOption())
    .addOption(
      new Option(
        '--signing <mode>',
        "where requests are signed. k6 (default): each VU signs as a merchant's client would, nothing made beforehand; the bursts sign before they sleep, so it does not slow them. presigned (the burst and the flow scenarios): claims (and redemptions, with a fixed OTP) are signed in Node into OUT/corpus.json before k6 starts, lifting k6's ~90 signs/s per process for rate-bound runs",
      )
        .choices(['k6', 'presigned'])
        .default('k6'),
    )
    .option(
      '--emit-k8s <dir>',
      'run nothing: write a TestRun and the bundle as a ConfigMap for the k6 operator into DIR (load/README.md › Distributed runs); needs --target, whose base URL the manifests carry, and --vouchers-file',
    )
    .option('--parallelism <n>', 'with --emit-k8s: how many runner pods share the VUs (1–100, default 2)')
    .option(
      '--vouchers-file <file>',
      'with --emit-k8s: [{"code": "…", "amount": "100.000000"}], vouchers issued on the target beforehand',
    )
    .addHelpText(
      'after',
      "\nk6 comes from npm run k6:install. Runs go to loopback, or to a target whose file consents within its limits (load/README.md › Remote targets), and stop by themselves. --emit-k8s runs and contacts nothing: the manifests point whoever applies them at the target file's base URL, and name a Secret for the credentials (never written). Exit code 1 when a threshold or an invariant fails.",
    )
    .action((options) => act(() => loadCommand(options, io)));

  const k6 = program.command('k6').description('The pinned k6 the load scenarios run in.');
  k6.command('install')
    .description(
      `Build k6 ${K6_VERSION} from its Go module (needs Go; no prebuilt binary is downloaded) and put it where the harness finds it: the per-user cache folder by default. A k6 ${K6_VERSION} on PATH is linked instead.`,
    )
    .option('--dir <dir>', `where to put k6 (default: ${userK6Dir()}; the harness also looks in $${K6_DIR_ENV})`)
    .action((options: { dir?: string }) => act(() => k6InstallCommand(options, io)));

  program
    .command('check-history')
    .description(
      "Judge recorded load histories against the invariants: several runners' logs (kubectl logs of each k6 operator pod) merged into one history, with the final voucher states and, from a sandbox, its ledger.",
    )
    .requiredOption(
      '--history <file...>',
      'the output of each runner: lines "OMNIVAS_OP {…}" among anything else; each runner name in one file only',
    )
    .requiredOption(
      '--finals <file>',
      "the final voucher states: the load command's finals.json, or [{voucher, amount, remainingBalance, serviceFee, status}] in micro-units",
    )
    .option('--ledger <file>', "the sandbox ledger: GET /admin/ledger's answer or the load command's ledger.json")
    .option('--out <dir>', 'where to write verdict.json and junit.xml', 'out/check-history')
    .addHelpText(
      'after',
      '\nExit code 0 when every invariant holds; 1 when one breaks or cannot be decided; 2 bad input.',
    )
    .action((options) => act(() => checkHistoryCommand(options, io)));

  const history = program.command('history').description('Keep load and certify runs in a history store, for trend.');
  history
    .command('record')
    .description(
      'Add the run in a load or certify out dir to a history store (a folder a CI job caches or uploads): one summary file per run and an index.',
    )
    .requiredOption('--from <dir>', 'the --out folder of a load or certify run')
    .requiredOption('--store <dir>', 'the history store (created when missing)')
    .option(
      '--target <file>',
      'load runs: the target file the run used, for its name and base URL (default: the embedded sandbox); no secret is read',
    )
    .option('--profile <name>', "load runs: the profile the run used (default: the load command's, smoke or soak)")
    .addHelpText(
      'after',
      "\nThe record holds the target name and base URL, scenario, profile, seed, signing mode, p50/p95/p99 and throughput per endpoint, error and lost-answer rates by cause, the invariant verdicts, and for certify each check's status: no secret, token or request body.",
    )
    .action((options) => act(() => historyRecordCommand(options, io)));

  const t = DEFAULT_THRESHOLDS;
  program
    .command('trend')
    .description(
      'Compare the latest run of each scenario and target in a history store with the runs before it: p95 per endpoint, error rate, throughput, invariant verdicts, certify checks newly failing or fixed. Writes trend.json, junit.xml and a self-contained trend.html with charts.',
    )
    .requiredOption('--store <dir>', 'the history store history record wrote')
    .option('--scenario <name>', 'only this scenario (a load scenario, or certify)')
    .option(
      '--target <name>',
      'only this target: the "name" in its target file (the embedded sandbox is "embedded sandbox")',
    )
    .option('--profile <name>', 'only this profile')
    .option(
      '--last <n>',
      `runs in the window: the latest and up to N−1 before it, charted and taken as baseline`,
      String(DEFAULT_LAST),
    )
    .option('--out <dir>', 'where to write trend.json, junit.xml and trend.html', 'out/trend')
    .option('--p95-regression <ratio>', 'p95 regresses above this many times the baseline …', String(t.p95Ratio))
    .option('--p95-min-increase <ms>', '… and at least this many ms above it', String(t.p95MinIncreaseMs))
    .option(
      '--error-rate-increase <fraction>',
      'the unexplained error rate (server 5xx and lost answers with no fault injected) regresses when it rises by more than this (0.01: one point)',
      String(t.errorRateIncrease),
    )
    .option(
      '--throughput-regression <ratio>',
      'throughput (requests/s) regresses below this many times the baseline',
      String(t.throughputRatio),
    )
    .addHelpText(
      'after',
      `\nRuns are grouped by kind, scenario, target name and profile. The baseline of a figure is the median of the earlier runs in the window; invariants and checks are compared with the run just before (newly broken or failing: a regression; fixed: an improvement). Defaults: p95 > ${t.p95Ratio}× baseline and ≥ ${t.p95MinIncreaseMs} ms more; error rate up > ${t.errorRateIncrease}; throughput < ${t.throughputRatio}× baseline; --last ${DEFAULT_LAST}. Exit code 0 no regression; 1 a regression; 2 bad input (no store, no run matching).`,
    )
    .action((options) => act(() => trendCommand(options, io)));

  program
    .command('doc-examples')
    .description(
      'Run the end-to-end examples of your copy of the merchant API guide (its JavaScript with node, its Python with python3) against a fresh sandbox, and say for each what it was answered and whether that conforms.',
    )
    .requiredOption(
      '--doc <file>',
      'the merchant API guide as text, with its "End-to-End Example (Single Snippet)" section',
    )
    .option('--out <dir>', 'where to write doc-examples.json (secrets redacted)', 'out/doc-examples')
    .option('--python <cmd>', 'the Python interpreter for the Python example', 'python3')
    .addHelpText(
      'after',
      "\nEach example runs as written but for BASE_URL (the sandbox) and API_KEY (a merchant registered for the run); it finds the key pair it names (….pem) already made and registered, and the voucher and OTP it hard-codes already issued. The guide's Python imports requests and cryptography. Exit code 0 when every example conforms; 1 when one ran and did not; 2 when one could not be run.",
    )
    .action((options) => act(() => docExamplesCommand(options, io)));

  program
    .command('mutants')
    .description(
      "The mutation gate: certify's checks against the embedded sandbox with each seeded defect switched on alone (and the load scenario for the concurrency and idempotency defects), then against the correct sandbox; writes mutants.json and prints which checks killed each defect.",
    )
    .option('--out <dir>', "where to write mutants.json and the load runs' reports", 'out/mutants')
    .option(
      '--only <defect...>',
      'only these seeded defects (sandbox/README.md lists them); the correct sandbox always runs',
    )
    .option('--jobs <n>', 'worker processes running defects in parallel (default and maximum: the CPU count)')
    .option('--seed <n>', 'seed for generated inputs and the sandboxes; mutants.json names it so a run can be replayed')
    .addHelpText(
      'after',
      '\nNeeds the sources beside dist/ (the workers load them, as certify does) and k6 (npm run k6:install). Exit code 0 only when every defect is killed and the correct sandbox passes every check and every load scenario; 1 otherwise.',
    )
    .action((options) => act(() => mutantsCommand(options, io)));

  program
    .command('sandbox')
    .description(
      'Run the reference sandbox on 127.0.0.1 until SIGINT or SIGTERM; prints one JSON line with its URLs and admin token.',
    )
    .option('--port <n>', 'port to listen on (0 picks a free one)', '0')
    .option('--fixtures <file>', 'merchants, partner companies and vouchers to create at start (sandbox/README.md)')
    .option('--defect <name...>', 'seeded defects to switch on (--list-defects names them)')
    .option('--seed <n>', 'seed for OTPs, voucher codes and reference numbers')
    .option(
      '--list-defects',
      `print the ${listDefects().length} seeded defects, one a line: name, area, severity and the rule it breaks; start nothing`,
      false,
    )
    .option(
      '--test-hooks',
      'honour the x-omnivas-test-fault header on initiate-claim and redeem-gift (docs/test-hooks.md); off by default',
      false,
    )
    .addHelpText(
      'after',
      '\nThe admin API (merchants, vouchers, SMS outbox, clock, faults, defects) is documented in sandbox/README.md.',
    )
    .action(
      (options: {
        port: string;
        fixtures?: string;
        defect?: string[];
        seed?: string;
        listDefects: boolean;
        testHooks: boolean;
      }) =>
        act(async () => {
          if (options.listDefects) {
            for (const line of defectListLines()) io.out(line);
            return EXIT.ok;
          }
          return serveSandbox(
            {
              port: wholeNumber(options.port, '--port', 0, 65_535),
              fixturesFile: options.fixtures,
              defects: options.defect ?? [],
              seed: wholeNumber(options.seed, '--seed', 0, 2 ** 32 - 1),
              testHooks: options.testHooks,
            },
            // Its one stdout line is the announcement, admin token included on purpose (for its operator); its log is redacted.
            { out: io.document, err: io.err },
          );
        }),
    );

  return program;
}

/**
 * Parses `argv` (user arguments only, no node and script path) and returns the exit code. Every
 * line reaches `sink` through the redacting console io (cli/console-io.ts), tests' captures included.
 */
export async function runCli(argv: readonly string[], sink: ConsoleSink): Promise<number> {
  let code: number = EXIT.ok;
  try {
    await buildProgram(createConsoleIo(sink), (c) => {
      code = c;
    }).parseAsync([...argv], { from: 'user' });
  } catch (err) {
    if (!(err instanceof CommanderError)) throw err;
    // --help and --version end "with an error" of exit code 0; usage errors get our usage code.
    code = err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  return code;
}
