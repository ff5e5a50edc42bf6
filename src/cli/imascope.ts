/**
 * imascope CLI (CONTRACT §2): `imascope analyze [--json] [--bank ALG]... [--nonce HEX]
 * [--kind FILE=KIND]... [--permalink BASE_URL] [--html FILE] FILE...`. Exit 0 when every
 * supplied check agrees, 1 when a check failed (an error-severity finding), 2 for usage
 * errors and unreadable or unclassifiable files, including a file that cannot be read as the
 * kind it was recognised as or given with --kind (or an HTML report or stdout that cannot be written),
 * 3 for an unexpected internal error (a bug: one line on stderr, never a verdict).
 * With --json, stdout carries exactly one JSON document, whatever stops the run (ReportOutput);
 * the permalink goes to stderr.
 */
import { closeSync, openSync, readFileSync, readSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { asText } from '../core/tpm/binary-input';
import { pathToFileURL } from 'node:url';
import { parseHashAlgorithm, type HashAlgorithm } from '../core/hash/hash-algorithm';
import { createHashProvider } from '../core/hash/hash-provider';
import { imaListOptions, recogniseAs, recogniseInput } from '../core/inputs/registry';
import { SNIFF_HEAD_BYTES } from '../core/inputs/input-kind-module';
import { diagnoseUnrecognised } from '../core/inputs/diagnose';
import type { Analysis, RawInput } from '../core/analysis/analysis-types';
import { ACCEPTED_INPUTS, INPUT_KINDS, isInputKind, type InputKind } from '../core/inputs/input-kinds';
import { formatHumanReport } from './format-human';
import { exitStatusOf } from '../core/analysis/verdict';
import { writeJsonReport } from '../core/export/json-report';
import { REPORT_SCHEMA, type Finding, type Report } from '../core/report/report';
import type { EncodedPermalink } from '../core/share/permalink';
import { withNodeBulkHashing } from './node-bulk-hashing';
import { CLOSED_PIPE_STATUS, stdoutFailed, writeStdoutFully } from './blocking-stdout';
import { analyzeInParallel, bankThreadWanted, defaultThreads, DigestPool } from './parallel-digests';
import { BankThread } from './bank-thread';
import { analyzeStreaming, streamMinBytes, type ListToStream } from './stream-list';
import { nonceProblem } from '../core/tpm/quote/nonce';
import { outputRefusal } from './output-guard';
import { say } from './say';
import { distinctNames } from '../core/util/distinct-names';

const USAGE = `usage: imascope analyze [--json] [--bank ALG]... [--nonce HEX] [--kind FILE=KIND]...
                        [--keylime-compat] [--permalink BASE_URL] [--html FILE] FILE...
       imascope policy create [--exclude FILE]... LOG...

Reads an IMA measurement list (binary in any byte order, per-bank, or ASCII) and optionally
PCR values, a TPM quote, its signature, the attestation key and the firmware event log;
replays every PCR and explains where and why it does or does not match.

  --json             print the report (schema imascope.report/1) as one JSON document
  --bank ALG         bank to replay (sha1, sha256, sha384, sha512, sm3); repeatable
  --nonce HEX        the nonce the verifier sent (hex; Keylime's text or base64 also read),
                     compared with the quote's extraData
  --kind FILE=KIND   override content detection for FILE; KIND is one of
                     ${INPUT_KINDS.join(', ')}
  --keylime-compat   judge a runtime policy exactly as Keylime's verifier does, without the
                     extended checks (ima-sigv2, sigv3, ima-buf digests) Keylime skips
  --permalink URL    print to stderr a link to the report in the imascope app at URL
                     (the report travels in the link's #fragment; no log is uploaded)
  --html FILE        write the report as one self-contained HTML file (no script)

Exit status: 0 all checks agree, 1 a check failed, 2 usage, input or output error (a file
that cannot be read as its kind, a full disk, an --html FILE that is an input or an existing
file of measurement data: never overwritten), 3 internal error (please report it).

imascope compare --help describes comparing two lists (what changed since a known-good list).`;

export interface CliArgs {
  readonly json: boolean;
  readonly banks: HashAlgorithm[];
  readonly nonce?: string;
  /** --kind overrides by resolved path. */
  readonly kinds: Map<string, InputKind>;
  readonly files: string[];
  /** --permalink: the app's URL the fragment is appended to. */
  readonly permalink?: string;
  /** --html: where to write the HTML report. */
  readonly html?: string;
  /** --keylime-compat */
  readonly keylimeCompat: boolean;
}

class UsageError extends Error {}

export function parseArgs(argv: readonly string[]): CliArgs {
  const [command, ...rest] = argv;
  if (command !== 'analyze') throw new UsageError(command === undefined ? 'no command given' : `unknown command '${command}'`);
  let json = false;
  let keylimeCompat = false;
  let nonce: string | undefined;
  let permalink: string | undefined;
  let html: string | undefined;
  const banks: HashAlgorithm[] = [];
  const kinds = new Map<string, InputKind>();
  const files: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    const value = (): string => {
      const v = rest[++i];
      if (v === undefined) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    if (arg === '--json') json = true;
    else if (arg === '--keylime-compat') keylimeCompat = true;
    else if (arg === '--bank') {
      const name = value();
      const alg = parseHashAlgorithm(name);
      if (alg === undefined) throw new UsageError(`unknown bank '${name}'`);
      if (!banks.includes(alg)) banks.push(alg);
    } else if (arg === '--nonce') {
      nonce = value();
      const problem = nonceProblem(nonce);
      if (problem !== undefined) throw new UsageError(`--nonce ${problem}`);
    } else if (arg === '--kind') {
      const spec = value();
      const eq = spec.lastIndexOf('=');
      const kind = spec.slice(eq + 1);
      if (eq <= 0 || !isInputKind(kind)) throw new UsageError(`--kind wants FILE=KIND with KIND one of ${INPUT_KINDS.join(', ')}`);
      kinds.set(resolve(spec.slice(0, eq)), kind);
    } else if (arg === '--permalink') {
      permalink = value();
    } else if (arg === '--html') {
      html = value();
    } else if (arg === '--') {
      files.push(...rest.slice(i + 1));
      break;
    } else if (arg.startsWith('-') && arg !== '-') {
      throw new UsageError(`unknown option '${arg}'`);
    } else files.push(arg);
  }
  if (files.length === 0) throw new UsageError('no input files');
  // --kind names a file by its path, however it is spelled (./a, a, /dir/a): never silently unused.
  const given = new Set(files.map((f) => resolve(f)));
  for (const path of kinds.keys()) if (!given.has(path)) throw new UsageError(`--kind ${path}: not among the input files`);
  return { json, banks, nonce, kinds, files, permalink, html, keylimeCompat };
}

/**
 * The CLI. An unexpected exception is exit 3 with one line naming the inputs, so that a crash
 * never reads as a verdict (1 means a check failed) and never leaves an empty stdout unexplained.
 */
export async function main(argv: readonly string[]): Promise<number> {
  // A reader that stops early (`imascope analyze --json … | head`) closes the pipe: stop
  // quietly, as tools killed by SIGPIPE do, rather than dying on an unhandled EPIPE.
  // Any other failed write (`> /dev/full`: ENOSPC) is an output error said on stderr, not a bug.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(CLOSED_PIPE_STATUS);
    stdoutFailed(e);
  });
  // A closed stderr (`2>&1 | true`) only loses the messages: the run goes on to its own exit
  // status (an uncaught EPIPE exited 1, which means a check failed).
  process.stderr.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
  });
  const out = new ReportOutput(argv);
  try {
    return await run(argv, out);
  } catch (e) {
    const files = argv.slice(1).filter((a) => !a.startsWith('-'));
    const what = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    const line = `internal error while analysing ${files.join(', ') || 'the inputs'} (${what.split('\n')[0]}); this is a bug, please report it with the input files.`;
    say(line);
    out.stopped({ code: 'internal-error', severity: 'error', message: line });
    return 3;
  }
}

/**
 * Where `analyze --json` writes its one document (CONTRACT §2: with --json, exactly one JSON
 * document on stdout, the §3 report). A run that stops before it has a report (a usage
 * error, a file that cannot be read, a bug) writes a report of what stopped it instead:
 * no inputs, one error finding; its exit status says which (2, 3). Without --json it writes
 * nothing: stderr says it.
 */
class ReportOutput {
  private written = false;
  /** Until the arguments are read, a guess from `--json` anywhere (a usage error is said in JSON too). */
  #json: boolean;

  constructor(argv: readonly string[]) {
    this.#json = argv[0] === 'analyze' && argv.includes('--json');
  }

  get json(): boolean {
    return this.#json;
  }

  /** The arguments were read: `--json` was the option, not the value of another (`--html --json`). */
  settle(json: boolean): void {
    this.#json = json;
  }

  /** Writes the report; through `thread` when given (it writes while this thread makes the next chunks). */
  report(report: Report, thread?: BankThread): void {
    this.written = true;
    const writer = thread?.stdoutWriter();
    if (writer !== undefined) {
      writeJsonReport(report, writer.write, writer.first);
      writer.finish();
      return;
    }
    writeJsonReport(report, (chunk) => {
      writeStdoutFully(chunk);
      return true;
    });
  }

  /** The run stopped before its report: said in one, unless a report was already written. */
  stopped(finding: Finding): void {
    if (this.json && !this.written) this.report({ schema: REPORT_SCHEMA, inputs: [], findings: [finding] });
  }
}

// Start-up is part of every run (issue 14): what only some commands or options need —
// compare, policy create, the HTML report, the permalink's encoder — is loaded by `import()`
// when asked for, so `analyze` does not evaluate it (the bundle initialises such modules on
// their first import, and its code cache spares compiling them: scripts/build-cli.mjs).
async function run(argv: readonly string[], out: ReportOutput): Promise<number> {
  // Each subcommand answers --help with its own usage.
  if (argv[0] === 'compare') return (await import('./compare-command')).runCompare(argv.slice(1));
  if (argv[0] === 'policy') return (await import('./policy-create')).policyMain(argv.slice(1));
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let args: CliArgs;
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    say(e.message);
    process.stderr.write(`${USAGE}\n`);
    out.stopped({ code: 'usage-error', severity: 'error', message: e.message });
    return 2;
  }
  out.settle(args.json);
  const refusal = args.html === undefined ? undefined : outputRefusal('--html', args.html, args.files);
  if (refusal !== undefined) {
    say(refusal);
    out.stopped({ code: 'usage-error', severity: 'error', message: refusal });
    return 2;
  }
  const provider = withNodeBulkHashing(await createHashProvider());
  const options = { banks: args.banks.length > 0 ? args.banks : undefined, nonce: args.nonce, keylimeCompat: args.keylimeCompat };
  const raw: RawInput[] = [];
  // Bytes no kind fits may be a tpm2 '-F values' PCR file, read with a quote's selection
  // (loadInputs); they are kept until every input is read.
  const unrecognised: Array<{ file: string; bytes: Uint8Array }> = [];
  // The first large binary list is read only by the streaming pass when that can give the
  // report (stream-list.ts); otherwise, or with threads, it is read whole like every input.
  let list: ListToStream | undefined;
  // Resolved, so that one file spelled two ways is one file given twice (`list (2)`).
  const names = distinctNames(args.files.map((f) => resolve(f)));
  for (const [k, file] of args.files.entries()) {
    const given = args.kinds.get(resolve(file));
    // Threads (IMASCOPE_THREADS) hash the model: no streaming then.
    const head = list === undefined && defaultThreads() === 0 ? streamableHead(file) : undefined;
    if (head !== undefined) {
      // The kinds tried before ima-binary, and its own sniff, read only the head (registry.ts).
      const recognised = given === undefined ? recogniseInput(head, false) : recogniseAs(given, head, false);
      if (recognised?.module.kind === 'ima-binary') {
        list = { path: file, name: names[k], position: raw.length, parseOptions: imaListOptions(recognised) ?? { format: 'binary' } };
        continue;
      }
    }
    const input = readInput(file, names[k], given, out);
    if (input === undefined) return 2;
    if (input.kind === undefined) unrecognised.push({ file, bytes: input.bytes });
    raw.push(input);
  }
  // Without a quote, or as text, a file no kind fits is refused here; with --json the
  // analysis reports it (input-unreadable, exit 2) in the one document stdout carries.
  const withQuote = raw.some((r) => r.kind === 'tpm-quote' || r.kind === 'attestation-bundle');
  const refused = unrecognised.find((u) => !withQuote || asText(u.bytes) !== undefined);
  if (refused !== undefined && !out.json) {
    const nearest = diagnoseUnrecognised(refused.bytes);
    say(`${refused.file}: not recognised (${refused.bytes.length} bytes)${nearest === undefined ? '' : `; nearest reading: ${nearest}`}. Accepted: ${ACCEPTED_INPUTS}; use --kind FILE=KIND to override.`);
    return 2;
  }
  let analysis: Analysis | undefined;
  // The second core extends the chains while this one parses and hashes (bank-thread.ts), then
  // writes the --json report.
  let thread: BankThread | undefined;
  if (list !== undefined) {
    try {
      analysis = await analyzeStreaming(list, raw, options, provider, bankThreadWanted() ? () => (thread = BankThread.start()) : undefined);
    } finally {
      // It would keep the process alive; kept for the report, it no longer does.
      if (args.json) thread?.unref();
      else void thread?.close();
    }
  }
  if (analysis === undefined) {
    if (list !== undefined) {
      const input = readInput(list.path, list.name, args.kinds.get(resolve(list.path)), out);
      if (input === undefined) return 2;
      raw.splice(list.position, 0, input);
    }
    analysis = await analyzeInParallel(raw, options, provider, DigestPool.forInputs(raw));
  }
  const { report } = analysis;
  let link: EncodedPermalink | undefined;
  let url: string | undefined;
  if (args.permalink !== undefined) {
    const { encodePermalink } = await import('../core/share/permalink');
    link = await encodePermalink({ v: 1, report });
    // A base URL's own fragment, if any, gives way to the report's.
    url = args.permalink.split('#')[0] + link.fragment;
  }
  if (args.html !== undefined) {
    const { exportHtmlReport } = await import('../core/export/html-report');
    try {
      writeFileSync(args.html, exportHtmlReport(report, { generatedAt: new Date().toISOString(), permalink: url }));
    } catch (e) {
      const message = `cannot write ${args.html}: ${(e as Error).message}`;
      say(message);
      if (out.json) out.report({ ...report, findings: [{ code: 'output-unwritable', severity: 'error', message }, ...report.findings] });
      return 2;
    }
  }
  // Streamed: with a million policy failures the document is ~200 MB, written a chunk at a
  // time as stdout takes it (writeStdoutFully), never whole in memory.
  if (args.json) out.report(report, thread);
  else process.stdout.write(formatHumanReport(report));
  if (link !== undefined && url !== undefined) {
    process.stderr.write(`${url}\n`);
    if (link.dropped.length > 0) {
      const { PERMALINK_MAX_LENGTH } = await import('../core/share/permalink');
      say(`to stay under ${PERMALINK_MAX_LENGTH} characters the permalink leaves out ${link.dropped.join('; ')}`);
    }
  }
  // Fail closed: an input that could not be read as its kind is an input error, whatever else passed.
  for (const f of report.findings) if (f.code === 'input-unreadable') say(f.message);
  return exitStatusOf(report);
}

/**
 * The first bytes the sniffs look at of `file` when it may be streamed: a regular file (a pipe
 * could not be read again) of at least streamMinBytes(). Undefined otherwise, and when it
 * cannot be read: reading it whole then says why.
 */
function streamableHead(file: string): Uint8Array | undefined {
  try {
    const stat = statSync(file);
    if (!stat.isFile() || stat.size < streamMinBytes()) return undefined;
    const fd = openSync(file, 'r');
    try {
      const head = new Uint8Array(SNIFF_HEAD_BYTES);
      return head.subarray(0, readSync(fd, head, 0, head.length, 0));
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
}

/** The file's bytes, named `name`, with the kind they were recognised as (none when no kind fits); undefined when unreadable. */
function readInput(file: string, name: string, given: InputKind | undefined, out: ReportOutput): RawInput | undefined {
  let bytes: Uint8Array;
  try {
    const buffer = readFileSync(file);
    bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  } catch (e) {
    const message = `cannot read ${file}: ${(e as Error).message}`;
    say(message);
    out.stopped({ code: 'input-unreadable', severity: 'error', message });
    return undefined;
  }
  const recognised = given === undefined ? recogniseInput(bytes, true) : recogniseAs(given, bytes, true);
  if (recognised === undefined) return { name, bytes };
  return { name, bytes, kind: recognised.module.kind, recognised, ...(given !== undefined ? { kindGiven: true } : {}) };
}

// Run when executed directly (tsx src/cli/imascope.ts); bin/imascope.js imports `main` instead.
// No top-level await: the bundle is CommonJS (scripts/build-cli.mjs).
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  void main(process.argv.slice(2)).then((status) => (process.exitCode = status));
}
