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
import { exitStatusOf, verdictOf } from './verdict';
import type { Report } from '../report/report';

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
    expect(exitStatusOf((await analyzeRaw([{ name: 'b', bytes: built.binary }, { name: 'a', bytes: new TextEncoder().encode(built.ascii) }], {}, provider)).report)).toBe(0);
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

  it('a copy whose name was edited (its template digests kept) is no copy: the lists disagree, and the other is a warning saying where', async () => {
    const built = buildImaLog(numberedFiles(40), { provider });
    const ascii = built.ascii.split('\n');
    expect(ascii[7]).toMatch(/ \/\S+$/);
    ascii[7] = ascii[7].replace(/ (\/\S+)$/, ' $1-evil');
    const { report } = await analyzeRaw(
      [
        { name: 'binary_runtime_measurements', bytes: built.binary },
        { name: 'edited_ascii', bytes: new TextEncoder().encode(ascii.join('\n')) },
      ],
      {},
      provider,
    );
    expect(verdictOf(report).finding?.code).toBe('lists-disagree');
    const said = report.findings.filter((f) => f.code === 'input-unused').map((f) => `${f.severity}: ${f.message}`);
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(/^warning: \S+: .*it records the same template digests, but entry #7 holds other data/);
  });
});

/**
 * Two lists of one bank given with the values they should reproduce: the list analysed is the
 * one whose replay reproduces them, whichever is longer or came first (new-user review). Truth:
 * swtpm/README (its 6-entry list was extended into the TPM that gave pcrread_all.yaml and
 * quote q1, which tpm2_checkquote verifies: checkquote_ok_q1.txt) and realdata/PROVENANCE.md
 * (embrave 2023-06-26: another machine's 922-entry list, PCR 10 sha1 f38695bb…).
 */
describe('two lists of one bank with the PCR values or quote of one of them', () => {
  const swtpm = { name: 'swtpm.bin', bytes: readSharedData('swtpm', 'binary_runtime_measurements') };
  const other = { name: 'embrave.bin', bytes: readSharedData('realdata', 'embrave-2023-06-26', 'binary_runtime_measurements') };
  const file = (name: string) => ({ name, bytes: readSharedData('swtpm', name) });
  const orders = <T>(a: T, b: T): T[][] => [
    [a, b],
    [b, a],
  ];

  it.each(orders(swtpm, other))('two boots: the list the PCR values are of is analysed (%#), the other named as not theirs', async (a, b) => {
    const { report } = await analyzeRaw([a, b, file('pcrread_all.yaml')], {}, provider);
    expect(report.log?.entries).toBe(6);
    expect(report.findings.map((f) => f.code)).not.toContain('pcr-mismatch');
    expect(report.pcrChecks?.find((c) => c.bank === 'sha256' && c.pcr === 10)?.status).toBe('match');
    expect(exitStatusOf(report)).toBe(0);
    expect(verdictOf(report).tone).toBe('warning');
    const unused = report.findings.filter((f) => f.code === 'input-unused');
    expect(unused).toEqual([
      {
        code: 'input-unused',
        severity: 'warning',
        message:
          'embrave.bin: a second IMA list of the same bank; only swtpm.bin is analysed, whose replay reproduces the supplied PCR values; its own replay does not: it is not the list they were taken from; it records different measurements: entry #0 differs (922 entries against 6)',
      },
    ]);
    // The report lines of the inputs carry no trace of the list tried first.
    expect(report.inputs.find((i) => i.name === 'embrave.bin')?.byteOrder).toBeUndefined();
  });

  it.each(orders(swtpm, other))('two boots and a quote of one (%#): the quote verifies over its list', async (a, b) => {
    const { report } = await analyzeRaw([a, b, file('q1_rsassa_sha256_10.msg'), file('q1_rsassa_sha256_10.sig'), file('ak_rsa.pem')], {}, provider);
    expect(report.log?.entries).toBe(6);
    expect(report.quote).toMatchObject({ digestMatches: true, signature: 'valid', matchedEntries: 6 });
    expect(report.findings.find((f) => f.code === 'input-unused')?.message).toContain(
      'only swtpm.bin is analysed, whose replay reproduces the quote; its own replay does not: it is not the list they were taken from',
    );
    expect(exitStatusOf(report)).toBe(0);
  });

  it.each(orders(swtpm, { name: 'ascii_runtime_measurements', bytes: readSharedData('swtpm', 'ascii_runtime_measurements') }))(
    'the binary and ASCII lists of one boot (%#): they agree, information only',
    async (a, b) => {
      const { report } = await analyzeRaw([a, b, file('pcrread_all.yaml')], {}, provider);
      expect(report.log?.entries).toBe(6);
      const unused = report.findings.filter((f) => f.code === 'input-unused');
      expect(unused).toHaveLength(1);
      expect(unused[0].severity).toBe('info');
      expect(unused[0].message).toMatch(/is analysed, whose replay reproduces the supplied PCR values; it records the same 6 measurements$/);
      expect(exitStatusOf(report)).toBe(0);
    },
  );

  // The swtpm list with its last line repeated: the PCR values stop short of it (a prefix), so
  // the list as it is, a full match, is analysed, wherever either came in the order given.
  const ascii = readSharedData('swtpm', 'ascii_runtime_measurements');
  const lastLine = new TextDecoder().decode(ascii).trimEnd().split('\n').pop() ?? '';
  const three = [
    { name: 'embrave', bytes: readSharedData('realdata', 'embrave-2023-06-26', 'ascii_runtime_measurements') },
    { name: 'a6.txt', bytes: ascii },
    { name: 'a7.txt', bytes: new Uint8Array([...ascii, ...new TextEncoder().encode(`${lastLine}\n`)]) },
  ];
  const permutations = <T>(xs: readonly T[]): T[][] => (xs.length <= 1 ? [[...xs]] : xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((rest) => [x, ...rest])));

  it.each(permutations(three))('three lists, one a full match and one a prefix (%#): the full match, whatever the order', async (a, b, c) => {
    const { report } = await analyzeRaw([a, b, c, file('pcrread_all.yaml')], {}, provider);
    expect(report.log?.entries).toBe(6);
    expect(report.findings.map((f) => f.code)).not.toContain('log-ahead-of-pcrs');
    expect(report.findings.find((f) => f.message.startsWith('a7.txt:'))?.message).toContain('only a6.txt is analysed, whose replay reproduces the supplied PCR values');
    expect(exitStatusOf(report)).toBe(0);
  });

  it.each(orders(swtpm, other))('values neither list reproduces (%#): a failed check whatever the order, each list tried', async (a, b) => {
    const { report } = await analyzeRaw([a, b, file('evmctl_pcrs_sha256_tampered.txt')], {}, provider);
    expect(report.findings.map((f) => f.code)).toContain('pcr-mismatch');
    expect(exitStatusOf(report)).toBe(1);
    // The longer is analysed, as without values.
    expect(report.log?.entries).toBe(922);
    expect(report.findings.find((f) => f.code === 'input-unused')?.message).toContain(
      'swtpm.bin: a second IMA list of the same bank; only embrave.bin is analysed; its own replay does not reproduce the supplied values either',
    );
  });
});

/**
 * Two lists of one bank that record different measurements: the verdict never depends on their
 * order (adversarial review: 'ok flipped' passed with a warning, 'flipped ok' failed). Nothing
 * supplied that tells which is the machine's, they are an error, lists-disagree; PCR values
 * that one list's replay alone reproduces choose it. Truth: the swtpm list (README: its replay
 * gives pcrread_all.yaml's PCR 10), and the same list with one bit of entry 3's recorded
 * template digest flipped (the kernel extended the true digest, so that list's replay gives
 * another PCR 10, and its template hash fails), or with entry 3's name edited in its ASCII form
 * (digests kept: its replay gives the same sha1 PCR 10, its template hash fails).
 */
describe('two lists of one bank that disagree, in either order', () => {
  const swtpm = { name: 'swtpm.bin', bytes: readSharedData('swtpm', 'binary_runtime_measurements') };
  const flippedBytes = swtpm.bytes.slice();
  // Entry 3's recorded digest: each ima-ng entry is pcr, 20-byte digest, name, data; walk to it.
  let at = 0;
  const view = new DataView(flippedBytes.buffer);
  for (let i = 0; i < 3; i++) {
    const nameLength = view.getUint32(at + 24, true);
    at += 28 + nameLength + 4 + view.getUint32(at + 28 + nameLength, true);
  }
  flippedBytes[at + 4] ^= 1;
  const flipped = { name: 'flipped.bin', bytes: flippedBytes };
  const asciiLines = new TextDecoder().decode(readSharedData('swtpm', 'ascii_runtime_measurements')).split('\n');
  asciiLines[3] = asciiLines[3].replace(/ (\S+)$/, ' $1-evil');
  const edited = { name: 'edited_ascii', bytes: new TextEncoder().encode(asciiLines.join('\n')) };
  const pcrs = { name: 'pcrread_all.yaml', bytes: readSharedData('swtpm', 'pcrread_all.yaml') };
  const inputOrderFree = (r: Report) => ({ ...r, inputs: [...r.inputs].sort((a, b) => (a.name < b.name ? -1 : 1)) });
  const bothOrders = async (a: typeof swtpm, b: typeof swtpm, rest: (typeof swtpm)[]) => {
    const one = (await analyzeRaw([a, b, ...rest], {}, provider)).report;
    const two = (await analyzeRaw([b, a, ...rest], {}, provider)).report;
    expect(inputOrderFree(two)).toEqual(inputOrderFree(one));
    return one;
  };

  it('nothing supplied to choose: lists-disagree naming both, the same report in either order', async () => {
    const report = await bothOrders(swtpm, flipped, []);
    expect(exitStatusOf(report)).toBe(1);
    expect(verdictOf(report).finding).toEqual({
      code: 'lists-disagree',
      severity: 'error',
      message:
        "flipped.bin, swtpm.bin: IMA lists of one bank that record different measurements, and no PCR values or quote were given to tell which one the machine measured, so none is taken as the machine's (one may have been edited). Compare them (imascope compare flipped.bin swtpm.bin) or supply the PCR values or quote read with the machine's list.",
    });
  });

  it('PCR values only one list reproduces: that list is analysed, the other a warning, the same report in either order', async () => {
    const report = await bothOrders(swtpm, flipped, [pcrs]);
    expect(exitStatusOf(report)).toBe(0);
    const unused = report.findings.filter((f) => f.code === 'input-unused');
    expect(unused).toHaveLength(1);
    expect(unused[0].message).toBe(
      'flipped.bin: a second IMA list of the same bank; only swtpm.bin is analysed, whose replay reproduces the supplied PCR values; its own replay does not: it is not the list they were taken from; it records different measurements: entry #3 differs (6 entries against 6)',
    );
  });

  it('PCR values both lists reproduce (one edited, digests kept): lists-disagree, the same report in either order', async () => {
    // sha1 PCR 10 alone: the ASCII list's recorded sha1 digests reproduce it (its sha256 replay
    // would hash the edited data).
    const pcr10 = new TextDecoder().decode(readSharedData('swtpm', 'evmctl_pcrs_sha1.txt')).split('\n').filter((l) => l.startsWith('PCR-10: '));
    const report = await bothOrders(swtpm, edited, [{ name: 'pcr10_sha1.txt', bytes: new TextEncoder().encode(`${pcr10.join('')}\n`) }]);
    expect(exitStatusOf(report)).toBe(1);
    expect(verdictOf(report).finding?.message).toMatch(/^edited_ascii, swtpm\.bin: .*the replay of more than one reproduces the supplied PCR values or quote/);
  });
});
