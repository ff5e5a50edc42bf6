/**
 * Test-only: signing keys and IMA signatures made the way evmctl makes them, so that the
 * project's builder (build-ima-log.ts, `sig` field) can write signed lists whose verdicts
 * evmctl confirms. Keys and certificates come from the openssl command (a subject key
 * identifier by `subjectKeyIdentifier=hash`); signatures from node:crypto (RSA: the
 * EMSA-PKCS1-v1_5 block through the private-key operation, as evmctl's EVP_PKEY_sign with a
 * set signature md does) and @noble/curves (ECDSA over the digest itself, DER).
 *
 *   security.ima = 03 ‖ 02 ‖ hash_algo ‖ keyid[4] ‖ be16 sig_size ‖ sig   (signature_v2_hdr)
 */
import { spawnSync } from 'node:child_process';
import { constants, createPrivateKey, privateEncrypt } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { p256 } from '@noble/curves/nist.js';
import { fromBase64, fromHex } from '../util/bytes';

export interface TestSigningKey {
  readonly kind: 'rsa' | 'ec';
  readonly keyPath: string;
  /** DER certificate (what evmctl --key and a `.ima` keyring entry take). */
  readonly certDerPath: string;
  readonly certPemPath: string;
  /** Last 4 bytes of the certificate's SKID, as openssl prints it. */
  readonly keyId: Uint8Array;
}

function openssl(args: readonly string[]): string {
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** A fresh RSA-2048 or P-256 key with a self-signed certificate in `dir`. */
export function makeSigningKey(dir: string, kind: 'rsa' | 'ec', name: string): TestSigningKey {
  const keyPath = join(dir, `${name}.key`);
  const certPemPath = join(dir, `${name}.pem`);
  const certDerPath = join(dir, `${name}.der`);
  const algorithm = kind === 'rsa' ? ['-newkey', 'rsa:2048'] : ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'];
  openssl(['req', '-x509', ...algorithm, '-nodes', '-keyout', keyPath, '-out', certPemPath, '-days', '30', '-subj', `/CN=${name}`, '-addext', 'subjectKeyIdentifier=hash']);
  openssl(['x509', '-in', certPemPath, '-outform', 'der', '-out', certDerPath]);
  const skid = /Subject Key Identifier:\s*\n\s*([0-9A-F:]+)/.exec(openssl(['x509', '-in', certPemPath, '-noout', '-ext', 'subjectKeyIdentifier']));
  const hex = skid?.[1].replace(/:/g, '') ?? '';
  return { kind, keyPath, certPemPath, certDerPath, keyId: fromHex(hex.slice(-8)) ?? new Uint8Array(4) };
}

const SHA256_DIGEST_INFO = fromHex('3031300d060960864801650304020105000420') ?? new Uint8Array(0);
const HASH_ALGO_SHA256 = 4;

/** A version 2 `security.ima` signature by `key` over a SHA-256 file digest. */
export function signImaDigest(key: TestSigningKey, digest: Uint8Array, keyId: Uint8Array = key.keyId): Uint8Array {
  const pem = readFileSync(key.keyPath, 'utf8');
  let sig: Uint8Array;
  if (key.kind === 'rsa') {
    const block = new Uint8Array(SHA256_DIGEST_INFO.length + digest.length);
    block.set(SHA256_DIGEST_INFO);
    block.set(digest, SHA256_DIGEST_INFO.length);
    sig = new Uint8Array(privateEncrypt({ key: pem, padding: constants.RSA_PKCS1_PADDING }, block));
  } else {
    const jwk = createPrivateKey(pem).export({ format: 'jwk' });
    const d = fromBase64(jwk.d ?? '') ?? new Uint8Array(0);
    sig = p256.sign(digest, d, { prehash: false, format: 'der' });
  }
  const out = new Uint8Array(9 + sig.length);
  out.set([0x03, 0x02, HASH_ALGO_SHA256], 0);
  out.set(keyId, 3);
  out[7] = sig.length >> 8;
  out[8] = sig.length & 0xff;
  out.set(sig, 9);
  return out;
}

export interface ModsigOptions {
  /** Name the signer by subjectKeyIdentifier (sign-file -k) instead of issuer and serial. */
  readonly bySkid?: boolean;
  /** Keep openssl's signed attributes (the kernel refuses them for appended signatures). */
  readonly withAttributes?: boolean;
  /** Embed the content (not detached). */
  readonly embedContent?: boolean;
}

/**
 * An appended-signature PKCS#7 over `content` as `scripts/sign-file` makes it: `openssl cms
 * -sign -binary -noattr -nocerts`, detached, DER; the `modsig` field of an ima-modsig entry.
 */
export function signModsig(dir: string, key: TestSigningKey, content: Uint8Array, name: string, options: ModsigOptions = {}): Uint8Array {
  const contentPath = join(dir, `${name}.content`);
  const outPath = join(dir, `${name}.p7s`);
  writeFileSync(contentPath, content);
  const args = ['cms', '-sign', '-binary', '-nocerts', '-outform', 'DER', '-md', 'sha256', '-in', contentPath, '-signer', key.certPemPath, '-inkey', key.keyPath, '-out', outPath];
  if (options.withAttributes !== true) args.push('-noattr');
  if (options.bySkid === true) args.push('-keyid');
  if (options.embedContent === true) args.push('-nodetach');
  openssl(args);
  return new Uint8Array(readFileSync(outPath));
}

/** openssl's own verdict on a detached PKCS#7 over `content`, trusting `cert` (the oracle). */
export function opensslVerifiesModsig(dir: string, pkcs7: Uint8Array, content: Uint8Array, cert: TestSigningKey, name: string): boolean {
  const contentPath = join(dir, `${name}.verify-content`);
  const sigPath = join(dir, `${name}.verify.p7s`);
  writeFileSync(contentPath, content);
  writeFileSync(sigPath, pkcs7);
  // -certfile: sign-file leaves the certificate out; the verifier must be given it.
  const r = spawnSync('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', sigPath, '-content', contentPath, '-certfile', cert.certPemPath, '-CAfile', cert.certPemPath, '-purpose', 'any', '-out', '/dev/null'], { encoding: 'utf8' });
  return r.status === 0;
}
