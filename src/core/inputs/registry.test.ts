import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { createHashProvider } from '../hash/hash-provider';
import { parseImaLog } from '../ima/parse-ima-log';
import { buildImaLog } from '../testing/build-ima-log';
import { readSharedData, SHARED_DATA_DIR } from '../testing/shared-data';
import { AttestationSchema } from '../tpm/go-tpm-tools/attest_pb';
import { parseAkPublic } from '../tpm/keys/ak-public';
import { parseQuote } from '../tpm/quote/quote';
import { parseTpmSignature } from '../tpm/signature/signature';
import { bytesEqual, encodeText, toBase64, toHex } from '../util/bytes';
import { Sample, SNIFF_HEAD_BYTES } from './input-kind-module';
import { ACCEPTED_INPUTS, INPUT_KIND_WORDS, INPUT_KINDS, type InputKind } from './input-kinds';
import { classifyInput, INPUT_KIND_MODULES, inputKindModule, recogniseAs, recogniseInput } from './registry';
import { firmwareLogBytes } from './tcg-eventlog';

type TpmArtefactKind = Extract<InputKind, 'pcr-values' | 'tpm-quote' | 'tpm-signature' | 'ak-public'>;
const TPM_KINDS: readonly InputKind[] = ['pcr-values', 'tpm-quote', 'tpm-signature', 'ak-public'];
/** The TPM artefacts' sniffs alone, in the registry's order (as the paste splitter uses them). */
const TPM_MODULES = INPUT_KIND_MODULES.filter((m) => TPM_KINDS.includes(m.kind));
const sniffTpmArtefact = (bytes: Uint8Array): InputKind | undefined => recogniseInput(bytes, true, TPM_MODULES)?.module.kind;

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

/** Every TPM artefact in the shared data, by what its producer says it is (READMEs, PROVENANCE). */
const EXPECTED: Readonly<Record<string, TpmArtefactKind>> = {
  ...Object.fromEntries(
    ['q1_rsassa_sha256_10', 'q2_rsassa_plain', 'q3_ecdsa_multibank', 'q3b_ecdsa_plain', 'q4_rsapss', 'q5_keylime'].flatMap((q) => [
      [`swtpm/${q}.msg`, 'tpm-quote'],
      [`swtpm/${q}.stdout.yaml`, 'tpm-quote'],
      [`swtpm/${q}.sig`, 'tpm-signature'],
    ]),
  ),
  ...Object.fromEntries(
    ['q1_rsassa_sha256_10', 'q3_ecdsa_multibank', 'q3b_ecdsa_plain', 'q4_rsapss', 'q5_keylime'].map((q) => [`swtpm/${q}.pcrs.serialized`, 'pcr-values']),
  ),
  'swtpm/tampered_q1.msg': 'tpm-quote',
  'swtpm/keylime_quote_string.txt': 'tpm-quote',
  'swtpm/keylime_agent_quote_response.json': 'tpm-quote',
  'swtpm/keylime_aik_tpm.b64': 'ak-public',
  'swtpm/ek.pub': 'ak-public',
  ...Object.fromEntries(
    ['rsa', 'pss', 'ecc'].flatMap((k) =>
      ['pem', 'pub', 'readpublic.yaml', 'pub.tpm2_print.yaml'].map((ext) => [`swtpm/ak_${k}.${ext}`, 'ak-public']),
    ),
  ),
  ...Object.fromEntries(
    [
      'pcrread_all.yaml', 'pcr0-9.yaml', 'pcrread_sha1_sha256_10.yaml', 'pcrread_sha256_10.yaml', 'pcrread_sha1_sha256_10.serialized.bin',
      'evmctl_pcrs_sha1.txt', 'evmctl_pcrs_sha256.txt', 'evmctl_pcrs_sha256_tampered.txt',
      // tpm2_checkquote output opens with the pcrs: block it read
      'checkquote_eventlog_tools5.4.txt', 'checkquote_fail_msg.txt', 'checkquote_fail_nonce.txt', 'checkquote_fail_pcr.txt',
      'checkquote_fail_selection.txt', 'checkquote_ok_q1.txt', 'checkquote_ok_q2_plain_values.txt', 'checkquote_ok_q3_ecdsa.txt',
      'checkquote_q4_rsapss_tools5.4.txt',
    ].map((f) => [`swtpm/${f}`, 'pcr-values']),
  ),
  // Public keys are ak-public by content; the analysis makes a key that verifies no quote an ima-key.
  'policy/keylime/keys/rsa2048pub.pem': 'ak-public',
  'policy/keylime/keys/ima-keyring-cert.der': 'ak-public',
  'policy/keylime/keys/secp256k1pub.pem': 'ak-public',
  'policy/keylime/policies/runtime-policy-pubkey.pub': 'ak-public',
  'realdata/go-attestation/linux_tpm12.Quote.bin': 'tpm-quote',
  'realdata/go-attestation/windows_gcp_shielded_vm.Quote.bin': 'tpm-quote',
  'realdata/go-attestation/linux_tpm12.Quote.Signature.bin': 'tpm-signature',
  'realdata/go-attestation/windows_gcp_shielded_vm.Quote.Signature.bin': 'tpm-signature',
  'realdata/keylime/quote.out': 'tpm-quote',
  'realdata/keylime/quotesig.out': 'tpm-signature',
  'realdata/keylime/quotepcr.out': 'pcr-values',
  'realdata/rust-keylime/test-quote.txt': 'tpm-quote',
  'realdata/fwupd/tpm0-pcrs': 'pcr-values',
  'realdata/fwupd/empty_pcr-tpm0-pcrs': 'pcr-values',
  'realdata/ibmtss/imakvtpcr10.txt': 'pcr-values',
  'realdata/ima-evm-utils/sample-tpm-2.0-pcrs-8-9': 'pcr-values',
  'realdata/ima-verify/2025-03-01/pcrs': 'pcr-values',
  'realdata/ima-verify/2025-03-08/pcrs_sha1': 'pcr-values',
  'realdata/ima-verify/2025-03-08/pcrs_sha256': 'pcr-values',
  'realdata/ima-verify/2025-03-29/pcrs_sha1': 'pcr-values',
  'realdata/ima-verify/2025-03-29/pcrs_sha256': 'pcr-values',
  'realdata/go-attestation/linux_tpm12.Log.PCRs.txt': 'pcr-values',
  'realdata/go-attestation/windows_gcp_shielded_vm.Log.PCRs.txt': 'pcr-values',
};

describe('the TPM artefacts\' sniffs over every shared-data file', () => {
  const files = walk(SHARED_DATA_DIR).map((p) => relative(SHARED_DATA_DIR, p));
  it.each(files)('%s', (file) => {
    const head = readSharedData(file);
    const expected = EXPECTED[file] ?? (file.endsWith('.expected-pcrs.txt') ? 'pcr-values' : undefined);
    // IMA lists, firmware logs, their YAML, JSON dumps, nonces, README/PROVENANCE: not ours.
    expect(sniffTpmArtefact(head)).toBe(expected);
  });
});

describe('the same artefacts as hex or base64 text', () => {
  it.each([
    ['swtpm/q1_rsassa_sha256_10.msg', 'tpm-quote'],
    ['swtpm/q1_rsassa_sha256_10.sig', 'tpm-signature'],
    ['swtpm/q2_rsassa_plain.sig', 'tpm-signature'],
    ['swtpm/q3b_ecdsa_plain.sig', 'tpm-signature'],
    ['swtpm/ak_ecc.pub', 'ak-public'],
    ['swtpm/q3_ecdsa_multibank.pcrs.serialized', 'pcr-values'],
  ] as const)('%s', (file, kind) => {
    const bytes = readSharedData(file);
    expect(sniffTpmArtefact(encodeText(toHex(bytes)))).toBe(kind);
    expect(sniffTpmArtefact(encodeText(`${toBase64(bytes)}\n`))).toBe(kind);
  });

  it('a TPM2B-wrapped attest is a quote; 256 zero bytes are no signature', () => {
    const msg = readSharedData('swtpm', 'q1_rsassa_sha256_10.msg');
    expect(sniffTpmArtefact(Uint8Array.from([0, msg.length, ...msg]))).toBe('tpm-quote');
    expect(sniffTpmArtefact(new Uint8Array(256))).toBeUndefined();
    expect(sniffTpmArtefact(new Uint8Array())).toBeUndefined();
  });
});

describe('the registry', () => {
  it('has one module per kind, every kind has words, and the order tries each once', () => {
    expect([...INPUT_KIND_MODULES.map((m) => m.kind)].sort()).toEqual([...INPUT_KINDS].sort());
    for (const kind of INPUT_KINDS) {
      expect(inputKindModule(kind).kind).toBe(kind);
      expect(INPUT_KIND_WORDS[kind].label.length).toBeGreaterThan(0);
      expect(ACCEPTED_INPUTS).toContain(INPUT_KIND_WORDS[kind].accepted);
    }
  });

  it('every kind recognises its real files, and hands the loader what it learned', () => {
    const learned = (kind: InputKind, ...path: string[]): unknown => {
      const r = recogniseInput(readSharedData(...path), true);
      expect(r?.module.kind, path.join('/')).toBe(kind);
      return r?.learned;
    };
    // Byte order and digest size, as the producers document them (shared/data READMEs).
    expect(learned('ima-binary', 'realdata', 'embrave-2023-06-26', 'binary_runtime_measurements')).toEqual({ byteOrder: 'little', digestSize: 20 });
    expect(learned('ima-binary', 'realdata', 'ima-verify', '2025-03-01', 'binary_runtime_measurements_sha256')).toEqual({ byteOrder: 'little', digestSize: 32 });
    expect(learned('ima-binary', 'realdata', 'ibmtss', 'sha384.log')).toEqual({ byteOrder: 'little', digestSize: 48 });
    expect(learned('ima-ascii', 'realdata', 'ima-verify', '2025-03-01', 'ascii_runtime_measurements_sha256')).toBe(32);
    expect(learned('ima-ascii', 'realdata', 'keylime-archive', 'ascii_runtime_measurements_ima')).toBe(20);
    expect(learned('tcg-eventlog', 'swtpm', 'binary_bios_measurements')).toBe(true);
    expect(learned('pcr-values', 'swtpm', 'pcrread_all.yaml')).toBe(true);
    // Binary structures: the sniff's parse is the parser's, so the loader does not parse again.
    const quote = readSharedData('swtpm', 'q1_rsassa_sha256_10.msg');
    expect(learned('tpm-quote', 'swtpm', 'q1_rsassa_sha256_10.msg')).toEqual({ parse: parseQuote(quote) });
    expect(learned('tpm-quote', 'swtpm', 'keylime_quote_string.txt')).toEqual({ text: true });
    const sig = readSharedData('swtpm', 'q1_rsassa_sha256_10.sig');
    expect(learned('tpm-signature', 'swtpm', 'q1_rsassa_sha256_10.sig')).toEqual({ signature: parseTpmSignature(sig) });
    const ak = readSharedData('swtpm', 'ak_rsa.pub');
    expect(learned('ak-public', 'swtpm', 'ak_rsa.pub')).toEqual({ key: parseAkPublic(ak) });
    expect(learned('ak-public', 'swtpm', 'ak_rsa.pem')).toEqual({});
    expect(learned('ima-key', 'policy', 'keylime', 'keys', 'secp256k1.pem')).toBe(true);
    expect(learned('ima-keyring', 'policy', 'keylime', 'keys', 'tenant-keyring.json')).toBe(true);
    expect(learned('runtime-policy', 'policy', 'keylime', 'policies', 'policy-test.json')).toBe(true);
    expect(learned('runtime-policy', 'policy', 'keylime', 'create-runtime-policy', 'allowlist-sha256')).toBe(true);
    expect(learned('exclude-list', 'policy', 'keylime', 'convert', 'excludelist.txt')).toBe(true);
  });

  it('a binary list from the builder: the sniff finds the byte order and digest size it was built with', async () => {
    const provider = await createHashProvider();
    const entries = [{ path: 'boot_aggregate' }, { path: '/usr/bin/bash' }, { template: 'ima-sig', path: '/usr/bin/dd' }];
    for (const byteOrder of ['little', 'big'] as const) {
      for (const [listBank, digestSize] of [['sha1', 20], ['sha256', 32], ['sha384', 48], ['sha512', 64]] as const) {
        const built = buildImaLog(entries, { provider, byteOrder, listBank, banks: [listBank] });
        expect(recogniseInput(built.binary, true), `${byteOrder} ${listBank}`).toEqual({ module: inputKindModule('ima-binary'), learned: { byteOrder, digestSize } });
        // The loader given that framing reads what the parser finds by itself.
        const given = parseImaLog(built.binary, { format: 'binary', byteOrder, digestSize });
        const found = parseImaLog(built.binary);
        expect(given.entries.length).toBe(entries.length);
        expect(bytesEqual(given.data, found.data)).toBe(true);
        expect([given.byteOrder, given.digestSize]).toEqual([found.byteOrder, found.digestSize]);
        expect(recogniseInput(encodeText(built.ascii), true)?.learned).toBe(digestSize);
      }
    }
  });

  it('a go-tpm-tools bundle past 64 KiB is recognised whole, and from its head', () => {
    const fixture = fromBinary(AttestationSchema, new Uint8Array(readFileSync(join(__dirname, '..', 'tpm', 'go-tpm-tools', 'testdata', 'gce-cos-85-nonce9009.pb'))));
    const big = toBinary(AttestationSchema, create(AttestationSchema, { ...fixture, eventLog: new Uint8Array(100_000).fill(7) }));
    expect(big.length).toBeGreaterThan(SNIFF_HEAD_BYTES);
    const whole = recogniseInput(big, true);
    expect(whole?.module.kind).toBe('attestation-bundle');
    expect((whole?.learned as { attestation?: { eventLog: Uint8Array } }).attestation?.eventLog.length).toBe(100_000);
    expect(recogniseInput(big.subarray(0, SNIFF_HEAD_BYTES), false)?.module.kind).toBe('attestation-bundle');
    // The head alone, taken for the whole, is a cut protobuf: no bundle.
    expect(recogniseInput(big.subarray(0, SNIFF_HEAD_BYTES), true)?.module.kind).not.toBe('attestation-bundle');
  });

  it('order decides between sniffs that both accept an input', () => {
    const accepting = (bytes: Uint8Array): InputKind[] => INPUT_KIND_MODULES.filter((m) => m.sniff(new Sample(bytes, true)) !== undefined).map((m) => m.kind);
    // A TPM 1.2 quote info in hex is also one 96-digit line: a lone sha384 PCR value comes first.
    const tpm12 = encodeText(toHex(readSharedData('realdata', 'go-attestation', 'linux_tpm12.Quote.bin')));
    expect(accepting(tpm12)).toEqual(['pcr-values', 'tpm-quote']);
    expect(classifyInput(tpm12)).toBe('pcr-values');
    // A base64 quote starts with "/1RDR" (ff 54 43 47), one token starting with "/": a base64
    // blob is never an exclude list.
    const b64 = encodeText(`${toBase64(readSharedData('swtpm', 'q1_rsassa_sha256_10.msg'))}\n`);
    expect(accepting(b64)).toEqual(['tpm-quote']);
    expect(classifyInput(b64)).toBe('tpm-quote');
  });

  it('a firmware log written as base64 (Keylime mb_log, tpm2-tss) or hex is a firmware log, never an exclude list', () => {
    const keylime = readSharedData('realdata', 'keylime', 'mb_log.b64');
    const hcrtm = readSharedData('realdata', 'tpm2-tss', 'binary_measurements_hcrtm.b64');
    // Past the sniff's 64 KiB head: the head is cut inside a base64 group.
    expect(hcrtm.length).toBeGreaterThan(SNIFF_HEAD_BYTES);
    for (const text of [keylime, hcrtm]) {
      expect(classifyInput(text)).toBe('tcg-eventlog');
      expect(recogniseInput(text.subarray(0, SNIFF_HEAD_BYTES), false)?.module.kind).toBe('tcg-eventlog');
      expect(inputKindModule('exclude-list').sniff(new Sample(text, true))).toBeUndefined();
    }
    // The text spells the binary log tpm2-tss ships beside it, byte for byte.
    const binary = readSharedData('realdata', 'tpm2-tss', 'binary_measurements_hcrtm.bin');
    expect(bytesEqual(firmwareLogBytes(hcrtm), binary)).toBe(true);
    expect(classifyInput(encodeText(toHex(binary)))).toBe('tcg-eventlog');
    expect(bytesEqual(firmwareLogBytes(binary), binary)).toBe(true);
    // Real exclude lists still are (the Keylime one has paths and patterns of many widths).
    expect(classifyInput(readSharedData('policy', 'keylime', 'convert', 'excludelist.txt'))).toBe('exclude-list');
  });

  it('a kind given by the user gets its own sniff\'s findings, or none', () => {
    const list = readSharedData('realdata', 'embrave-2023-06-26', 'binary_runtime_measurements');
    expect(recogniseAs('ima-binary', list, true).learned).toEqual({ byteOrder: 'little', digestSize: 20 });
    expect(recogniseAs('tpm-quote', list, true)).toEqual({ module: inputKindModule('tpm-quote'), learned: undefined });
  });
});
