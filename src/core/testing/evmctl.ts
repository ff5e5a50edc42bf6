/**
 * Test-only oracle: runs the installed `evmctl ima_measurement` (ima-evm-utils) on a binary
 * list and PCR files. evmctl reads native-endian (here little-endian) lists with SHA-1 digest
 * columns, replays sha1 and sha256 banks (per-bank and zero-padded SHA-1), extends violations
 * with 0xFF under `--ignore-violations`, and stops at the first prefix that matches (`-v` then
 * prints "sha256 PCR-10: succeed at entry N"). It logs to stderr; the verdict is the exit code
 * with "Matched per TPM bank calculated digest(s)." or "Matched SHA1 padded TPM digest(s).".
 */
import { spawnSync } from 'node:child_process';

export interface EvmctlPcrFile {
  /** evmctl's bank name: sha1 or sha256. */
  readonly bank: string;
  /** A `PCR-NN: hex` file (formatEvmctlPcrFile). */
  readonly path: string;
}

export interface EvmctlSuccess {
  readonly bank: string;
  readonly pcr: number;
  /** 1-based entry count at which the replay first equalled the PCR file. */
  readonly entry: number;
}

export interface EvmctlResult {
  /** evmctl exited 0 and said the PCRs matched. */
  readonly ok: boolean;
  /** Which of the two replays matched, when ok. */
  readonly matched: 'per-bank' | 'padded-sha1' | undefined;
  readonly exitCode: number;
  /** evmctl's whole output (it writes everything to stderr; stdout is appended first). */
  readonly stdout: string;
  /** The "succeed at entry N" lines of `-v`. */
  readonly succeeded: readonly EvmctlSuccess[];
}

export function hasEvmctl(): boolean {
  return spawnSync('evmctl', ['--version'], { encoding: 'utf8' }).status === 0;
}

export function runEvmctlImaMeasurement(
  listPath: string,
  pcrFiles: readonly EvmctlPcrFile[],
  options: { readonly ignoreViolations?: boolean } = {},
): EvmctlResult {
  const args = ['-v', 'ima_measurement'];
  if (options.ignoreViolations ?? true) args.push('--ignore-violations');
  for (const f of pcrFiles) args.push('--pcrs', `${f.bank},${f.path}`);
  args.push(listPath);
  const run = spawnSync('evmctl', args, { encoding: 'utf8', timeout: 60_000 });
  if (run.error) throw run.error;
  const output = (run.stdout ?? '') + (run.stderr ?? '');
  const exitCode = run.status ?? -1;
  const matched = output.includes('Matched per TPM bank calculated digest(s).')
    ? 'per-bank'
    : output.includes('Matched SHA1 padded TPM digest(s).')
      ? 'padded-sha1'
      : undefined;
  const successes = output.matchAll(/^(\w+) PCR-(\d+): succeed at entry (\d+)$/gm);
  const succeeded = [...successes].map((m) => ({
    bank: m[1],
    pcr: Number(m[2]),
    entry: Number(m[3]),
  }));
  const ok = exitCode === 0 && matched !== undefined;
  return { ok, matched, exitCode, stdout: output, succeeded };
}
