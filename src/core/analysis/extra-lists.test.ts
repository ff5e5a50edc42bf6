/**
 * A second list of a bank already taken: what the analysis says of it. Truth: the swtpm list
 * (README: 6 entries) as binary, the same bytes cut short (a parse error where the cut is),
 * and the same measurements as an ASCII list written by the builder.
 */
import { describe, expect, it } from 'vitest';
import { createNobleHashProvider } from '../hash/hash-provider';
import { buildImaLog } from '../testing/build-ima-log';
import { numberedFiles } from '../testing/ima-scenarios';
import { readSharedData } from '../testing/shared-data';
import { analyzeRaw } from './analyze';

const provider = createNobleHashProvider();
const unusedOf = async (inputs: Array<{ name: string; bytes: Uint8Array }>) =>
  (await analyzeRaw(inputs, {}, provider)).report.findings.filter((f) => f.code === 'input-unused').map((f) => `${f.severity}: ${f.message}`);

describe('a second list of the same bank', () => {
  const swtpm = readSharedData('swtpm', 'binary_runtime_measurements');

  it('the binary and ASCII lists of one boot: the same measurements', async () => {
    const built = buildImaLog(numberedFiles(40), { provider });
    const said = await unusedOf([
      { name: 'binary_runtime_measurements', bytes: built.binary },
      { name: 'ascii_runtime_measurements', bytes: new TextEncoder().encode(built.ascii) },
    ]);
    expect(said).toHaveLength(1);
    // Nothing in the copy is left unjudged: information, not a warning.
    expect(said[0]).toMatch(/^info: \S+: a second IMA list of the same bank; only \S+ is analysed; it records the same 40 measurements$/);
  });

  it('a copy cut inside its last entry: a prefix, and its parse error with the offset', async () => {
    const cut = swtpm.subarray(0, swtpm.length - 10);
    const said = await unusedOf([
      { name: 'whole.bin', bytes: swtpm },
      { name: 'cut.bin', bytes: cut },
    ]);
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(/^warning: cut\.bin: /);
    expect(said[0]).toContain('the shorter of the two is a prefix of the other (5 entries against 6)');
    expect(said[0]).toMatch(/it has 1 parse error, the first at byte offset \d+: /);
  });

  it('a copy whose name was edited (its template digests kept) is no copy: a warning saying where', async () => {
    const built = buildImaLog(numberedFiles(40), { provider });
    const ascii = built.ascii.split('\n');
    expect(ascii[7]).toMatch(/ \/\S+$/);
    ascii[7] = ascii[7].replace(/ (\/\S+)$/, ' $1-evil');
    const said = await unusedOf([
      { name: 'binary_runtime_measurements', bytes: built.binary },
      { name: 'edited_ascii', bytes: new TextEncoder().encode(ascii.join('\n')) },
    ]);
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(/^warning: edited_ascii: .*it records the same template digests, but entry #7 holds other data/);
  });
});
