import { beforeAll, describe, expect, it } from 'vitest';
import { readSharedData, readSharedText } from '../testing/shared-data';
import { parseHashAlgorithm, type HashAlgorithm } from '../hash/hash-algorithm';
import { createWasmHashProvider, type HashProvider } from '../hash/hash-provider';
import { fromHex, toHex } from '../util/bytes';
import { computeBootAggregateCandidates, type BootAggregateCandidate } from './boot-aggregate';
import { parseFirmwareLog } from './event-log';
import { replayFirmwareLog } from './replay-firmware';

let provider: HashProvider;
beforeAll(async () => {
  provider = await createWasmHashProvider();
});

/** The d-ng field of an ASCII list's first line ("10 <hash> ima-ng sha256:<hex> boot_aggregate"). */
function firstBootAggregate(...path: string[]): string {
  const [pcr, , template, digest, name] = readSharedText(...path).split('\n')[0].split(' ');
  expect([pcr, template.startsWith('ima'), name]).toEqual(['10', true, 'boot_aggregate']);
  return digest;
}

function candidatesFromLog(...path: string[]): BootAggregateCandidate[] {
  const replay = replayFirmwareLog(parseFirmwareLog(readSharedData(...path)), provider);
  return computeBootAggregateCandidates((bank, pcr) => replay.banks.get(bank)?.get(pcr), provider);
}

/** Which candidate equals `digest` ("sha256:hex"), as "sha256 0-9". */
function matching(candidates: readonly BootAggregateCandidate[], digest: string): string[] {
  return candidates.filter((c) => `${c.bank}:${toHex(c.digest)}` === digest).map((c) => `${c.bank} ${c.pcrs}`);
}

describe('computeBootAggregateCandidates against logged boot_aggregate values', () => {
  it('ima-evm-utils sample-…-pcrs-8-9: SHA-256 over PCRs 0–9 (tests/boot_aggregate.test)', () => {
    const candidates = candidatesFromLog('realdata', 'ima-evm-utils', 'sample-binary_bios_measurements-pcrs-8-9');
    const logged = firstBootAggregate('realdata', 'ima-evm-utils', 'sample-ascii_runtime_measurements-pcrs-8-9');
    expect(logged.startsWith('sha256:83d19723')).toBe(true);
    expect(matching(candidates, logged)).toEqual(['sha256 0-9']);
  });

  it('ima-evm-utils test_…: SHA-256 over PCRs 0–7 (a kernel before the 8–9 change)', () => {
    const candidates = candidatesFromLog('realdata', 'ima-evm-utils', 'test_binary_bios_measurements');
    const logged = firstBootAggregate('realdata', 'ima-evm-utils', 'test_ascii_runtime_measurements');
    expect(logged.startsWith('sha256:f1b4c7c9')).toBe(true);
    expect(matching(candidates, logged)).toEqual(['sha256 0-7']);
  });

  it('swtpm: sha256 over 0–9 as logged, sha1 over 0–7 as evmctl ima_boot_aggregate prints', () => {
    const candidates = candidatesFromLog('swtpm', 'binary_bios_measurements');
    expect(matching(candidates, firstBootAggregate('swtpm', 'ascii_runtime_measurements'))).toEqual(['sha256 0-9']);
    const evmctl = readSharedText('swtpm', 'evmctl_boot_aggregate.txt');
    const sha1 = /^sha1:[0-9a-f]{40}$/m.exec(evmctl)?.[0] ?? '';
    expect(matching(candidates, sha1)).toEqual(['sha1 0-7']);
    expect(candidates.filter((c) => c.bank === 'sha1').map((c) => c.pcrs)).toEqual(['0-7']);
  });

  it('ima-verify 2025-03-01: a log without PCR 8/9 events counts them as zero, as the TPM reads them', () => {
    const candidates = candidatesFromLog('realdata', 'ima-verify', '2025-03-01', 'binary_bios_measurements');
    const logged = firstBootAggregate('realdata', 'ima-verify', '2025-03-01', 'ascii_runtime_measurements_sha256');
    expect(matching(candidates, logged)).toEqual(['sha256 0-9']);
  });

  it('ima-verify 2025-02-27: the ima-sig boot_aggregate, SHA-256 over PCRs 0–9', () => {
    const candidates = candidatesFromLog('realdata', 'ima-verify', '2025-02-27-root', 'binary_bios_measurements');
    const logged = firstBootAggregate('realdata', 'ima-verify', '2025-02-27-root', 'boot_aggregate');
    expect(matching(candidates, logged)).toEqual(['sha256 0-9']);
  });

  it('from supplied PCR values (ima-verify 2025-03-01 pcrs dump, PCR 8/9 listed as zero)', () => {
    const values = new Map<string, Uint8Array>();
    let bank: HashAlgorithm | undefined;
    for (const line of readSharedText('realdata', 'ima-verify', '2025-03-01', 'pcrs').split('\n')) {
      bank = /^\s*(sha\w+):\s*$/.test(line) ? parseHashAlgorithm(line.replace(':', '')) : bank;
      const m = /^\s+(\d+) : 0x([0-9A-F]+)/.exec(line);
      if (m !== null && bank !== undefined) values.set(`${bank}/${m[1]}`, fromHex(m[2]) ?? new Uint8Array());
    }
    const candidates = computeBootAggregateCandidates((b, pcr) => values.get(`${b}/${pcr}`), provider);
    expect(candidates.map((c) => `${c.bank} ${c.pcrs}`)).toEqual(['sha256 0-9', 'sha256 0-7']);
    const logged = firstBootAggregate('realdata', 'ima-verify', '2025-02-27-testfiles', 'boot_aggregate_vm');
    expect(matching(candidates, logged)).toEqual(['sha256 0-9']);
  });
});
