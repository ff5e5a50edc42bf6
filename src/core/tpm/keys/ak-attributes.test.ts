import { describe, expect, it } from 'vitest';
import { readSharedData, readSharedText } from '../../testing/shared-data';
import { describeObjectAttributes, notAttestationKey } from './ak-attributes';
import { parseAkPublic } from './ak-public';

describe('TPMA_OBJECT of an attestation key', () => {
  it('tpm2_createak\'s attributes (quote-format.md §1.7) make an AK', () => {
    expect(describeObjectAttributes(0x00050072)).toBe('0x00050072 (fixedTPM|fixedParent|sensitiveDataOrigin|userWithAuth|restricted|sign)');
    expect(notAttestationKey(0x00050072)).toBeUndefined();
    // Other attributes (policy, noDA, stClear) do not matter.
    expect(notAttestationKey(0x00050072 | 0x80 | 0x400 | 0x4)).toBeUndefined();
  });

  it.each([
    [0x00040072, ['restricted'], []],
    [0x00040070, ['restricted', 'fixedTPM'], []],
    [0x00050070, ['fixedTPM'], ['restricted']],
    [0x00050062, ['fixedParent'], ['fixedTPM']],
    [0x00050052, ['sensitiveDataOrigin'], ['fixedParent']],
    // restricted|decrypt: a storage key; decrypt alone: an RSA one computes any signature
    [0x00030072, ['sign (it is a decryption key'], ['restricted']],
    [0x00020072, ['sign (it is a decryption key', 'restricted'], []],
    [0x00010072, ['sign (it is not a signing key)'], ['restricted']],
  ])('%s lacks %j', (attributes, lacking, present) => {
    const reason = notAttestationKey(attributes) ?? '';
    expect(reason).toContain(`its objectAttributes ${describeObjectAttributes(attributes)} lack `);
    for (const name of lacking) expect(reason).toContain(name);
    for (const name of present) expect(reason).not.toContain(`${name} (`);
  });

  it('reserved bits set: no TPM holds the key', () => {
    expect(notAttestationKey(0x00050072 | 0x01000000)).toBe(
      'its objectAttributes 0x01050072 (fixedTPM|fixedParent|sensitiveDataOrigin|userWithAuth|restricted|sign|0x1000000) set reserved bits 0x1000000 (no TPM makes or loads a key with them)',
    );
    expect(notAttestationKey(0x00040073)).toMatch(/ lack restricted \(.*\), and set reserved bits 0x1 /);
    // firmwareLimited and svnLimited are named bits (Part 2 1.59), not reserved.
    expect(notAttestationKey(0x00050072 | 0x100 | 0x200)).toBeUndefined();
  });

  it('restricted with sign and decrypt, or with x509sign: no TPM makes such a key (TPM_RC_ATTRIBUTES)', () => {
    expect(notAttestationKey(0x00050072 | 0x20000)).toMatch(/ set restricted with sign and decrypt \(no TPM makes or loads such a key\)$/);
    expect(notAttestationKey(0x00050072 | 0x80000)).toMatch(/ set restricted with x509sign \(no TPM makes or loads such a key\)$/);
  });

  it('bits with no name are shown as hex', () => {
    expect(describeObjectAttributes(0x80000001)).toBe('0x80000001 (0x80000001)');
    expect(describeObjectAttributes(0)).toBe('0x00000000 (none)');
  });

  it.each(['ak_rsa', 'ak_pss', 'ak_ecc'])('%s: TPM2B_PUBLIC, TPMT_PUBLIC and tpm2_readpublic YAML keep the attributes; PEM has none', (name) => {
    const pub = readSharedData('swtpm', `${name}.pub`);
    expect(parseAkPublic(pub)?.objectAttributes).toBe(0x00050072);
    expect(parseAkPublic(pub.subarray(2))?.objectAttributes).toBe(0x00050072);
    expect(parseAkPublic(readSharedText('swtpm', `${name}.readpublic.yaml`))?.objectAttributes).toBe(0x00050072);
    expect(parseAkPublic(readSharedText('swtpm', `${name}.pub.tpm2_print.yaml`))?.objectAttributes).toBe(0x00050072);
    expect(parseAkPublic(readSharedData('swtpm', `${name}.pem`))?.objectAttributes).toBeUndefined();
  });
});
