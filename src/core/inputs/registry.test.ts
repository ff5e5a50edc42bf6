import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSharedData, SHARED_DATA_DIR } from '../testing/shared-data';
import { encodeText, toBase64, toHex } from '../util/bytes';
import { INPUT_KIND_MODULES, recogniseInput } from './registry';
import type { InputKind } from './input-kinds';

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
