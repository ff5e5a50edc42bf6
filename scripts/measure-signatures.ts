/**
 * Signatures verified per second over a given digest (src/core/ima-signature/verify-digest.ts),
 * for RSA-2048 (BigInt modular exponentiation, e = 65537) and P-256 (@noble/curves), each
 * signature distinct so the cache never answers; then the cached rate. A measurement to read,
 * not a timed test: `npx tsx scripts/measure-signatures.ts`.
 */
import { constants, generateKeyPairSync, privateEncrypt, randomBytes } from 'node:crypto';
import { p256 } from '@noble/curves/nist.js';
import { parseImaKeys } from '../src/core/ima-signature/ima-key';
import { verifyDigestSignature } from '../src/core/ima-signature/verify-digest';

const N = 400;
const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex');

function keyOf(pem: string) {
  const r = parseImaKeys(new TextEncoder().encode(pem));
  if (!r.ok) throw new Error(r.error.message);
  return r.keys[0];
}

function rate(label: string, run: () => void, count: number): void {
  const t0 = performance.now();
  run();
  const s = (performance.now() - t0) / 1000;
  console.log(`${label}: ${Math.round(count / s)} signatures/s (${count} in ${s.toFixed(2)} s)`);
}

const digests = Array.from({ length: N }, () => new Uint8Array(randomBytes(32)));

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const rsaKey = keyOf(rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString());
const rsaSigs = digests.map((d) => new Uint8Array(privateEncrypt({ key: rsa.privateKey, padding: constants.RSA_PKCS1_PADDING }, Buffer.concat([SHA256_DIGEST_INFO, d]))));
rate('RSA-2048 verify', () => digests.forEach((d, i) => { if (verifyDigestSignature(rsaKey, 'sha256', d, rsaSigs[i]) !== 'valid') throw new Error('rsa'); }), N);

const secret = p256.utils.randomSecretKey();
const ecKey = keyOf(new (class {
  toString(): string {
    const der = Buffer.concat([Buffer.from('3059301306072a8648ce3d020106082a8648ce3d030107034200', 'hex'), Buffer.from(p256.getPublicKey(secret, false))]);
    return `-----BEGIN PUBLIC KEY-----\n${der.toString('base64')}\n-----END PUBLIC KEY-----\n`;
  }
})().toString());
const ecSigs = digests.map((d) => p256.sign(d, secret, { prehash: false, format: 'der' }));
rate('P-256 verify', () => digests.forEach((d, i) => { if (verifyDigestSignature(ecKey, 'sha256', d, ecSigs[i]) !== 'valid') throw new Error('ec'); }), N);

rate('cached (repeated) verify', () => { for (let k = 0; k < 50; k++) digests.forEach((d, i) => verifyDigestSignature(rsaKey, 'sha256', d, rsaSigs[i])); }, 50 * N);
