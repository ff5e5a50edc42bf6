/**
 * go-attestation dumps, on the two real ones from its test data (../shared/data/realdata/
 * go-attestation, PROVENANCE.md): a Windows GCP Shielded VM (TPM 2.0) and a Linux TPM 1.2
 * machine. The truth is outside our reader: the data's own derived files (each base64 field
 * decoded by the data's curator), the pcrDigest and replay the provenance asserts, and
 * Python's json and base64 for the built variants.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { analyzeRaw } from '../analysis/analyze';
import { exitStatusOf } from '../analysis/verdict';
import { createHashProvider } from '../hash/hash-provider';
import { classifyInput, recogniseInput } from '../inputs/registry';
import { readSharedData } from '../testing/shared-data';
import { encodeText, toHex } from '../util/bytes';
import { readGoAttestationDump } from './go-attestation-dump';

const data = (file: string): Uint8Array => readSharedData('realdata', 'go-attestation', file);
const WINDOWS = data('windows_gcp_shielded_vm.json');
const TPM12 = data('linux_tpm12.json');

/** The PCR text file beside each dump: `3 PCR-NN: hex` lines (3 = Go's crypto.SHA1). */
function pcrText(file: string): Map<string, string> {
  const text = new TextDecoder().decode(data(file));
  return new Map([...text.matchAll(/^3 PCR-(\d+): ([0-9a-f]+)$/gm)].map((m) => [String(Number(m[1])), m[2]]));
}

/** The dump edited by Python (json.load, the change, json.dumps): an independent writer. */
function edited(dump: Uint8Array, python: string): Uint8Array {
  const out = execFileSync('python3', ['-c', `import base64,json,sys\nd=json.load(sys.stdin)\n${python}\nsys.stdout.write(json.dumps(d))`], { input: dump });
  return new Uint8Array(out);
}

describe('go-attestation dump', () => {
  it('is an attestation bundle by content, whole or from its head, and other JSON is not', () => {
    expect(classifyInput(WINDOWS)).toBe('attestation-bundle');
    expect(classifyInput(TPM12)).toBe('attestation-bundle');
    expect(recogniseInput(WINDOWS.subarray(0, 4096), false)?.module.kind).toBe('attestation-bundle');
    expect(classifyInput(encodeText('{"Static": {"EKPem": null}, "digests": {}}'))).not.toBe('attestation-bundle');
  });

  it('splits into the parts the data derived from it, byte for byte', () => {
    for (const [dump, stem] of [
      [WINDOWS, 'windows_gcp_shielded_vm'],
      [TPM12, 'linux_tpm12'],
    ] as const) {
      const r = readGoAttestationDump('d.json', dump);
      const parts = new Map((r.parts ?? []).map((p) => [p.name, p]));
      const ak = dump === WINDOWS ? ['d.json › AK.Public'] : [];
      expect([...parts.keys()]).toEqual([...ak, 'd.json › Quote.Quote', 'd.json › Quote.Signature', 'd.json › Log.PCRs sha1', 'd.json › Log.Raw']);
      expect(toHex(parts.get('d.json › Quote.Quote')?.bytes ?? new Uint8Array())).toBe(toHex(data(`${stem}.Quote.bin`)));
      expect(toHex(parts.get('d.json › Quote.Signature')?.bytes ?? new Uint8Array())).toBe(toHex(data(`${stem}.Quote.Signature.bin`)));
      expect(toHex(parts.get('d.json › Log.Raw')?.bytes ?? new Uint8Array())).toBe(toHex(data(`${stem}.Log.Raw.bin`)));
      const listing = JSON.parse(new TextDecoder().decode(parts.get('d.json › Log.PCRs sha1')?.bytes)) as { sha1: Record<string, string> };
      expect(new Map(Object.entries(listing.sha1))).toEqual(pcrText(`${stem}.Log.PCRs.txt`));
    }
  });

  it('Windows GCP VM (TPM 2.0): the quote verifies with its AK, its pcrDigest is a610f27b… and the firmware log replays to the PCRs', async () => {
    const provider = await createHashProvider();
    const { report } = await analyzeRaw([{ name: 'w.json', bytes: WINDOWS }], {}, provider);
    expect(report.inputs[0]).toMatchObject({ name: 'w.json', kind: 'attestation-bundle' });
    expect(report.quotes?.map((q) => [q.input, q.akInput, q.signature, q.pcrDigest, q.digestMatches])).toEqual([
      ['w.json › Quote.Quote', 'w.json › AK.Public', 'valid', 'a610f27bc687ce906243287d832706036e79f6e1', true],
    ]);
    expect(report.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(report.findings.find((f) => f.code === 'firmware-pcr-match')?.message).toContain('sha1:0, sha1:1, sha1:2, sha1:3, sha1:4, sha1:5, sha1:6, sha1:7, sha1:11, sha1:12, sha1:13, sha1:14');
    expect(exitStatusOf(report)).not.toBe(2);
  });

  it('Linux TPM 1.2: its firmware log replays to its PCRs, and the TPM 1.2 quote it holds is a failed check, never a pass', async () => {
    const provider = await createHashProvider();
    const { report } = await analyzeRaw([{ name: 't.json', bytes: TPM12 }], {}, provider);
    expect(report.findings.find((f) => f.code === 'firmware-pcr-match')?.message).toContain('sha1:0, sha1:1, sha1:2, sha1:3, sha1:4, sha1:5, sha1:6, sha1:7.');
    expect(report.findings.find((f) => f.code === 'input-unreadable' && f.message.includes('t.json › Quote.Quote'))?.message).toContain('TPM 1.2 quote');
    expect(report.findings.find((f) => f.code === 'check-incomplete')?.message).toContain('t.json › Quote.Signature');
    // The verdict leads with the quote; its TPM 1.2 key is said, not misread as a TPM 2.0 one.
    expect(report.findings[0].message).toContain('t.json › Quote.Quote: cannot be read as tpm-quote: a TPM 1.2 quote');
    expect(report.findings.map((f) => f.message)).toContain('t.json: its AK.Public is a TPM 1.2 key (TPM_PUBKEY), not read: imascope checks only TPM 2.0 quotes');
    expect(exitStatusOf(report)).toBe(2);
  });

  it('a PCR given twice with different values is a conflict, neither value checked; one given twice alike is one value', async () => {
    const provider = await createHashProvider();
    const twice = edited(WINDOWS, "d['Log']['PCRs'].append({'Index': 0, 'Digest': 'AAAAAAAAAAAAAAAAAAAAAAAAAAE=', 'DigestAlg': 3})");
    expect((readGoAttestationDump('d.json', twice).parts ?? []).map((p) => p.name)).toContain('d.json › Log.PCRs sha1 (2)');
    const { report } = await analyzeRaw([{ name: 'd.json', bytes: twice }], {}, provider);
    expect(report.findings.some((f) => f.severity === 'error' && f.message.includes('sha1 PCR 0'))).toBe(true);
    expect(exitStatusOf(report)).toBe(2);
    const same = edited(WINDOWS, "d['Log']['PCRs'].append(dict(d['Log']['PCRs'][0]))");
    expect((readGoAttestationDump('d.json', same).parts ?? []).map((p) => p.name)).not.toContain('d.json › Log.PCRs sha1 (2)');
  });

  it('an unreadable field refuses the dump with its place; nothing is taken from it silently', () => {
    const cases: Array<[string, string]> = [
      ["d['Log']['PCRs'][3]['DigestAlg'] = 99", 'Log.PCRs[3].DigestAlg 99 is not a hash a PCR bank uses'],
      ["d['Log']['PCRs'][0]['Digest'] = '%%'", 'Log.PCRs[0].Digest is not base64'],
      ["d['Log']['PCRs'][1]['Index'] = -1", 'Log.PCRs[1].Index is not a PCR number'],
      ["d['Log']['PCRs'] = {}", 'Log.PCRs is not a list'],
      ["d['Quote']['Quote'] = 'not base64!'", 'Quote.Quote is not base64'],
    ];
    for (const [python, message] of cases) {
      const r = readGoAttestationDump('d.json', edited(WINDOWS, python));
      expect(r.parts).toBeUndefined();
      expect(r.error).toContain(message);
    }
    expect(readGoAttestationDump('d.json', encodeText('{"Static": {}, "AK": {}}')).error).toBe('a go-attestation dump with no AK, quote, PCR values or event log in it');
  });

  it("a nonce in the dump that is not the quote's refuses the dump (a replayed quote); one that is, is said", () => {
    const other = readGoAttestationDump('d.json', edited(WINDOWS, "d['Quote']['Nonce'] = 'CQk='"));
    expect(other.error).toBe('a go-attestation dump, but its quote holds the nonce (none), not its Quote.Nonce 0909: a quote made for another request');
    // The quote's own extraData, set as the dump's nonce by Python: read, and said.
    const same = readGoAttestationDump('d.json', edited(TPM12, "d['Quote']['Nonce'] = base64.b64encode(base64.b64decode(d['Quote']['Quote'])[28:48]).decode()"));
    expect(same.error).toBeUndefined();
    expect(same.parts === undefined ? [] : same.notes.join('\n')).toMatch(/its quote holds its Quote\.Nonce [0-9a-f]{40}; give the nonce you sent/);
  });

  it('a section that is not an object refuses the dump, never left out unseen', () => {
    for (const [python, message] of [
      ["d['Quote'] = 'garbage'", 'Quote is not an object'],
      ["d['Log'] = []", 'Log is not an object'],
    ] as const) {
      expect(readGoAttestationDump('d.json', edited(WINDOWS, python)).error).toContain(message);
    }
  });
});
