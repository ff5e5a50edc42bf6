import { afterEach, describe, expect, it, vi } from 'vitest';
import { sharedDataPath } from '../core/testing/shared-data';

// A bug anywhere in the analysis, simulated: the CLI must say so (exit 3), not give a verdict.
// Both of the CLI's paths (the streaming pass and the model) end in `analyze`.
vi.mock('../core/analysis/analyze', async (original) => ({
  ...(await original<typeof import('../core/analysis/analyze')>()),
  analyze: () => Promise.reject(new TypeError("Cannot read properties of undefined (reading 'x')")),
}));

// The JSON report goes to fd 1 through writeStdoutFully, past process.stdout: caught here.
const written: string[] = [];
vi.mock('./blocking-stdout', async (original) => ({
  ...(await original<typeof import('./blocking-stdout')>()),
  writeStdoutFully: (chunk: Uint8Array) => written.push(new TextDecoder().decode(chunk)),
}));

const { main } = await import('./imascope');

describe('an unexpected exception', () => {
  afterEach(() => vi.restoreAllMocks());

  it('is exit 3 with one line on stderr naming the inputs and asking for a report; with --json, a report saying so on stdout', async () => {
    const err: string[] = [];
    const out = written;
    vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => (err.push(String(s)), true));
    vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => (out.push(typeof s === 'string' ? s : new TextDecoder().decode(s)), true));
    const log = sharedDataPath('swtpm', 'binary_runtime_measurements');
    expect(await main(['analyze', '--json', log])).toBe(3);
    // CONTRACT §2: with --json, stdout carries one JSON document, here the report of what stopped the run.
    const line = `internal error while analysing ${log} (TypeError: Cannot read properties of undefined (reading 'x')); this is a bug, please report it with the input files.`;
    expect(JSON.parse(out.join(''))).toEqual({ schema: 'imascope.report/1', inputs: [], findings: [{ code: 'internal-error', severity: 'error', message: line }] });
    expect(err).toEqual([`imascope: ${line}\n`]);
    // Without --json, nothing on stdout.
    out.length = 0;
    err.length = 0;
    expect(await main(['analyze', log])).toBe(3);
    expect(out).toEqual([]);
    expect(err).toHaveLength(1);
  });
});
