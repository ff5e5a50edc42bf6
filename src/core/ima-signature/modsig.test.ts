/**
 * Appended signatures (ima-modsig) made by openssl as sign-file makes them, in lists built by
 * the project's builder, judged by the policy dry run; openssl's `cms -verify` of the same
 * PKCS#7 over the same content is the oracle wherever the kernel and openssl agree (the
 * kernel's extra refusals: signed attributes, embedded content).
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import { createNobleHashProvider } from '../hash/hash-provider';
import { parseImaLog } from '../ima/parse-ima-log';
import { verifyTemplateHashes } from '../ima/template-digests';
import { buildImaLog, type BuildEntry } from '../testing/build-ima-log';
import { makeSigningKey, opensslVerifiesModsig, signModsig, type TestSigningKey } from '../testing/ima-signing';
import { concatBytes, encodeText, toHex } from '../util/bytes';
import { addPolicyInput, emptyPolicyInputs } from '../policy/policy-inputs';
import { runPolicyDryRun } from '../policy/policy-dry-run';
import { parseImaKeys } from './ima-key';
import { checkModsig, parseModsig } from './modsig';

const provider = createNobleHashProvider();
const dir = mkdtempSync(join(tmpdir(), 'imascope-modsig-'));
const rsa = makeSigningKey(dir, 'rsa', 'module-rsa');
const ec = makeSigningKey(dir, 'ec', 'module-ec');
const stranger = makeSigningKey(dir, 'rsa', 'module-stranger');
const inKeyring = makeSigningKey(dir, 'rsa', 'module-in-keyring');

const MAGIC = encodeText('~Module signature appended~\n');

/** The file as sign-file leaves it: content ‖ PKCS#7 ‖ struct module_signature ‖ magic. */
function appended(content: Uint8Array, pkcs7: Uint8Array): Uint8Array {
  const trailer = new Uint8Array(12);
  trailer[2] = 2; // id_type PKEY_ID_PKCS7
  new DataView(trailer.buffer).setUint32(8, pkcs7.length, false);
  return concatBytes([content, pkcs7, trailer, MAGIC]);
}

function modsigEntry(path: string, content: Uint8Array, pkcs7: Uint8Array | undefined, digestContent = content): BuildEntry {
  const file = pkcs7 === undefined ? content : appended(content, pkcs7);
  return {
    template: 'ima-modsig',
    path,
    fileDigest: { content: file },
    extraFields: {
      'd-modsig': pkcs7 === undefined ? new Uint8Array(0) : concatBytes([encodeText('sha256:\0'), sha256(digestContent)]),
      modsig: pkcs7 ?? new Uint8Array(0),
    },
  };
}

interface Vector {
  readonly path: string;
  readonly content: Uint8Array;
  readonly pkcs7?: Uint8Array;
  readonly signer?: TestSigningKey;
  readonly digestContent?: Uint8Array;
}

const content = (s: string): Uint8Array => encodeText(`\x7fELF module ${s}`);
const vectors: Vector[] = [
  { path: '/lib/modules/rsa-issuer-serial.ko', content: content('a'), pkcs7: signModsig(dir, rsa, content('a'), 'a'), signer: rsa },
  { path: '/lib/modules/ec-skid.ko', content: content('b'), pkcs7: signModsig(dir, ec, content('b'), 'b', { bySkid: true }), signer: ec },
  { path: '/lib/modules/tampered.ko', content: content('c'), pkcs7: signModsig(dir, rsa, content('c'), 'c'), signer: rsa, digestContent: content('c, changed') },
  { path: '/lib/modules/unknown-signer.ko', content: content('d'), pkcs7: signModsig(dir, stranger, content('d'), 'd'), signer: stranger },
  { path: '/lib/modules/unsigned.ko', content: content('e') },
  { path: '/lib/modules/signed-attributes.ko', content: content('f'), pkcs7: signModsig(dir, rsa, content('f'), 'f', { withAttributes: true }), signer: rsa },
  { path: '/lib/modules/embedded-content.ko', content: content('g'), pkcs7: signModsig(dir, rsa, content('g'), 'g', { embedContent: true }), signer: rsa },
  { path: '/lib/modules/truncated.ko', content: content('h'), pkcs7: signModsig(dir, rsa, content('h'), 'h').subarray(0, 100) },
];
const keyringCert = new Uint8Array(readFileSync(inKeyring.certDerPath));
const built = buildImaLog(
  [
    ...vectors.map((v) => modsigEntry(v.path, v.content, v.pkcs7, v.digestContent)),
    { template: 'ima-buf', path: '.ima', buf: keyringCert },
    modsigEntry('/lib/modules/keyring-signed.ko', content('i'), signModsig(dir, inKeyring, content('i'), 'i')),
  ],
  { provider },
);

function dryRun(keyFiles: readonly string[]) {
  const log = parseImaLog(built.binary, { format: 'binary' });
  verifyTemplateHashes(log, provider);
  let inputs = emptyPolicyInputs();
  for (const f of keyFiles) inputs = addPolicyInput(inputs, f, new Uint8Array(readFileSync(f)), 'ima-key');
  return runPolicyDryRun(log, inputs, {}, provider);
}

describe('ima-modsig appended signatures', () => {
  const run = dryRun([rsa.certPemPath, ec.certDerPath]);
  const status = (i: number) => run.signatureChecks.get(i)?.status;

  it('agrees with openssl cms -verify where the kernel and openssl agree', () => {
    const oracle = vectors.slice(0, 4).map((v) => opensslVerifiesModsig(dir, v.pkcs7 ?? new Uint8Array(0), v.digestContent ?? v.content, v.signer ?? rsa, v.path.slice(14)));
    expect(oracle).toEqual([true, true, false, true]);
    // The stranger's signature is good, but its certificate was not given: unknown to the kernel.
    expect([status(0), status(1), status(2), status(3)]).toEqual(['valid', 'valid', 'invalid', 'unknown-key']);
  });

  it('says which key verified and how the signer was named', () => {
    expect(run.signatureChecks.get(0)?.key?.source).toBe(rsa.certPemPath);
    expect(run.signatureChecks.get(1)).toMatchObject({ status: 'valid', keyId: toHex(ec.keyId), key: { source: ec.certDerPath } });
    expect(run.signatureChecks.get(2)?.reason).toContain(`does not verify with ${rsa.certPemPath}`);
    expect(run.signatureChecks.get(3)?.reason).toContain('no supplied or measured certificate is the signer');
  });

  it('refuses what the kernel refuses for module signatures, though openssl accepts it', () => {
    expect(opensslVerifiesModsig(dir, vectors[5].pkcs7 ?? new Uint8Array(0), vectors[5].content, rsa, 'attrs')).toBe(true);
    expect(run.signatureChecks.get(5)).toMatchObject({ status: 'invalid', reason: expect.stringContaining('authenticated attributes') });
    expect(run.signatureChecks.get(6)).toMatchObject({ status: 'invalid', reason: expect.stringContaining('carries its content') });
  });

  it('reports an unsigned entry and a cut PKCS#7 as such', () => {
    expect(status(4)).toBe('unsigned');
    expect(run.signatureChecks.get(7)).toMatchObject({ status: 'malformed', reason: expect.stringContaining('not a PKCS#7 SignedData') });
  });

  it('finds the signer among keys measured into .ima before the entry', () => {
    expect(run.signatureChecks.get(9)).toMatchObject({ status: 'valid', key: { source: 'entry 8 (.ima)' } });
    expect(run.signatures).toMatchObject({ valid: 3, invalid: 3, unknownKey: 1, malformed: 1, unsigned: 1 });
    expect(run.signatureColumn[9]).toBe(1);
  });

  it('reads the SignerInfo names openssl printed', () => {
    const cert = parseImaKeys(new Uint8Array(readFileSync(rsa.certDerPath)));
    if (!cert.ok) throw new Error(cert.error.message);
    const message = parseModsig(vectors[0].pkcs7 ?? new Uint8Array(0));
    expect(message.signers).toHaveLength(1);
    expect(message.signers[0]).toMatchObject({ by: 'issuer-serial', id: cert.keys[0].certificate?.issuerAndSerial, digestAlgorithm: 'sha256', keyType: 'rsa' });
    expect(parseModsig(vectors[1].pkcs7 ?? new Uint8Array(0)).signers[0]).toMatchObject({ by: 'skid', keyType: 'ecdsa' });
  });

  it('a SignerInfo whose version does not announce its sid form is refused, as the kernel cannot find its key', () => {
    const skidSigned = (vectors[1].pkcs7 ?? new Uint8Array(0)).slice();
    // SignedData version 3, then SignerInfo version 3 (CMS with a SKID): make the second say 1.
    const at: number[] = [];
    for (let k = 0; k + 2 < skidSigned.length && at.length < 2; k++) if (skidSigned[k] === 2 && skidSigned[k + 1] === 1 && skidSigned[k + 2] === 3) at.push(k);
    expect(at).toHaveLength(2);
    skidSigned[at[1] + 2] = 1;
    const keys = parseImaKeys(new Uint8Array(readFileSync(ec.certDerPath)));
    if (!keys.ok) throw new Error(keys.error.message);
    const check = checkModsig(skidSigned, 'sha256', sha256(vectors[1].content), [{ key: keys.keys[0], source: 'k' }]);
    expect(check).toMatchObject({ status: 'malformed', reason: expect.stringContaining('SignerInfo version 1 with a subjectKeyIdentifier sid') });
    // The untouched message verifies with the same key: the version alone decided.
    expect(checkModsig(vectors[1].pkcs7 ?? new Uint8Array(0), 'sha256', sha256(vectors[1].content), [{ key: keys.keys[0], source: 'k' }]).status).toBe('valid');
  });

  it('a digest algorithm other than the signer’s is invalid, never a pass', () => {
    const keys = parseImaKeys(new Uint8Array(readFileSync(rsa.certDerPath)));
    if (!keys.ok) throw new Error(keys.error.message);
    const check = checkModsig(vectors[0].pkcs7 ?? new Uint8Array(0), 'sha1', sha256(vectors[0].content).subarray(0, 20), [{ key: keys.keys[0], source: 'k' }]);
    expect(check).toMatchObject({ status: 'invalid', reason: expect.stringContaining('signs a sha256 digest but d-modsig is sha1') });
  });
});

describe('evm-sig entries', () => {
  it('say a portable EVM signature cannot be checked here, and why, never valid', () => {
    const evm = new Uint8Array([0x05, 0x02, 0x04, ...rsa.keyId, 0x00, 0x02, 0xaa, 0xbb]);
    const notPortable = new Uint8Array([0x03, 0x02, 0x04, ...rsa.keyId, 0x00, 0x01, 0xaa]);
    const fields = (evmsig: Uint8Array) => ({ evmsig, xattrnames: encodeText('security.ima\0'), xattrlengths: new Uint8Array(4), xattrvalues: new Uint8Array(0), iuid: new Uint8Array(4), igid: new Uint8Array(4), imode: new Uint8Array(2) });
    const list = buildImaLog(
      [
        { template: 'evm-sig', path: '/usr/bin/portable', extraFields: fields(evm) },
        { template: 'evm-sig', path: '/usr/bin/not-portable', extraFields: fields(notPortable) },
        { template: 'evm-sig', path: '/usr/bin/none', extraFields: fields(new Uint8Array(0)) },
      ],
      { provider },
    );
    const log = parseImaLog(list.binary, { format: 'binary' });
    verifyTemplateHashes(log, provider);
    const out = runPolicyDryRun(log, addPolicyInput(emptyPolicyInputs(), 'rsa.pem', new Uint8Array(readFileSync(rsa.certPemPath)), 'ima-key'), {}, provider);
    expect(out.signatureChecks.get(0)).toMatchObject({ status: 'unsupported', keyId: toHex(rsa.keyId), reason: expect.stringContaining('evm-portable') });
    expect(out.signatureChecks.get(1)).toMatchObject({ status: 'malformed', reason: expect.stringContaining('type 3') });
    expect(out.signatureChecks.get(2)?.status).toBe('unsigned');
  });
});
