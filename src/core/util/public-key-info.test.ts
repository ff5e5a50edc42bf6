/**
 * The one SPKI/PEM reader, checked against openssl's reading of the same files (`openssl
 * pkey -pubin -text`: modulus size, curve) and through both of its users, the AK reader and
 * the IMA key reader, which must now agree on every key they both accept.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseImaKeys } from '../ima-signature/ima-key';
import { readSharedData, sharedDataPath } from '../testing/shared-data';
import { readAkPublic } from '../tpm/keys/ak-public';
import { decodeText } from './bytes';
import { EC_CURVE_OIDS, pemBlocks, readSpki, wholeDerSequence } from './public-key-info';

const FILES: ReadonlyArray<[string, ...string[]]> = [
  ['swtpm', 'ak_rsa.pem'],
  ['swtpm', 'ak_ecc.pem'],
  ['policy', 'keylime', 'keys', 'rsa2048pub.pem'],
  ['policy', 'keylime', 'keys', 'secp256k1pub.pem'],
];

function opensslText(path: string): string {
  return execFileSync('openssl', ['pkey', '-pubin', '-in', path, '-noout', '-text'], { encoding: 'utf8' });
}

describe('public-key-info', () => {
  for (const parts of FILES) {
    it(`reads ${parts.join('/')} as openssl does, and both key readers agree`, () => {
      const text = decodeText(readSharedData(...parts));
      const [block] = pemBlocks(text);
      expect(block.label).toBe('PUBLIC KEY');
      if (block.der === undefined) throw new Error('PEM body did not decode');
      const key = readSpki(block.der, wholeDerSequence(block.der));
      const openssl = opensslText(sharedDataPath(...parts));
      const ima = parseImaKeys(readSharedData(...parts));
      if (!ima.ok) throw new Error(ima.error.message);
      if (key.kind === 'rsa') {
        const bits = Number(/Public-Key: \((\d+) bit\)/.exec(openssl)?.[1]);
        expect(BigInt(`0x${Buffer.from(key.modulus).toString('hex')}`).toString(2).length).toBe(bits);
        expect(ima.keys[0].label).toBe(`rsa-${bits}`);
        expect(readAkPublic(text).key?.bits).toBe(bits);
      } else if (key.kind === 'ec') {
        const curve = EC_CURVE_OIDS.get(key.curveOid ?? '');
        const nist = /NIST CURVE: (P-\d+)/.exec(openssl)?.[1];
        const asn1 = /ASN1 OID: (\S+)/.exec(openssl)?.[1];
        expect(curve).toBe(nist ?? (asn1 === 'secp256k1' ? 'secp256k1' : undefined));
        expect(ima.ok && ima.keys[0].algorithm).toBe('ecdsa');
        expect(readAkPublic(text).key?.kind).toBe('ecc');
      } else throw new Error(`unexpected ${key.algorithmOid}`);
    });
  }

  it('says where a structure stops being an SPKI', () => {
    const der = Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x00);
    expect(() => readSpki(der, wholeDerSequence(der))).toThrow(/expected AlgorithmIdentifier/);
    expect(() => wholeDerSequence(Uint8Array.of(0x30, 0x00, 0x00))).toThrow(/1 bytes follow/);
  });
});
