/**
 * Oracle: OpenSSL. Each certificate is made here by `openssl req`/`openssl x509`, and what
 * `openssl x509 -noout …` prints about it is what the summary must say. The real `.ima` and
 * `.builtin_trusted_keys` certificates from the shared data are checked the same way.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readSharedData, readSharedText } from '../../testing/shared-data';
import { fromHex } from '../../util/bytes';
import { summarizeX509, type X509Summary } from './x509-summary';

const dir = mkdtempSync(join(tmpdir(), 'imascope-x509-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const NAME_OPT = 'esc_2253,esc_ctrl,utf8,sep_comma_plus_space,dn_rev,sname';

function openssl(args: string[]): string {
  return execFileSync('openssl', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

let counter = 0;
/** Runs `openssl req -x509` with the given options and returns the DER file name. */
function selfSigned(keyArgs: string[], subject: string, extra: string[] = []): string {
  const name = `c${counter++}`;
  openssl([
    'req', '-x509', ...keyArgs, '-nodes', '-keyout', `${name}.key`, '-utf8', '-subj', subject,
    '-days', '30', ...extra, '-outform', 'DER', '-out', `${name}.der`,
  ]);
  return `${name}.der`;
}

interface OpensslView {
  subject: string;
  issuer: string;
  serial: string;
  notBefore: string;
  notAfter: string;
  signatureAlgorithm: string;
  publicKeyAlgorithm: string;
  publicKeyBits?: number;
  publicKeyCurve?: string;
  subjectKeyId?: string;
  authorityKeyId?: string;
}

/** What openssl says about a DER certificate, in the summary's terms. */
function opensslView(file: string): OpensslView {
  const info = openssl(['x509', '-inform', 'DER', '-in', file, '-noout', '-nameopt', NAME_OPT,
    '-subject', '-issuer', '-serial', '-dates']);
  const line = (key: string): string => {
    const m = new RegExp(`^${key}=(.*)$`, 'm').exec(info);
    if (m === null) throw new Error(`openssl printed no ${key}`);
    return m[1];
  };
  const iso = (openSslDate: string): string =>
    new Date(openSslDate).toISOString().replace('.000Z', 'Z');
  const text = openssl(['x509', '-inform', 'DER', '-in', file, '-noout', '-text']);
  const sigAlg = /^ {4}Signature Algorithm: (.*)$/m.exec(text)?.[1] ?? '';
  const keyAlg = /Public Key Algorithm: (.*)$/m.exec(text)?.[1] ?? '';
  const bits = /Public-Key: \((\d+) bit\)/.exec(text)?.[1];
  const curve = /ASN1 OID: (.*)$/m.exec(text)?.[1];
  const colonHex = (s: string | undefined): string | undefined =>
    s === undefined ? undefined : s.replace(/:/g, '').toLowerCase();
  const ski = /X509v3 Subject Key Identifier: *\n\s*([0-9A-F:]+)/.exec(text)?.[1];
  const aki = /X509v3 Authority Key Identifier: *\n\s*(?:keyid:)?([0-9A-F:]+)/.exec(text)?.[1];
  return {
    subject: line('subject'),
    issuer: line('issuer'),
    serial: line('serial').toLowerCase(),
    notBefore: iso(line('notBefore')),
    notAfter: iso(line('notAfter')),
    signatureAlgorithm: sigAlg.trim(),
    publicKeyAlgorithm: keyAlg.trim(),
    ...(bits !== undefined && { publicKeyBits: Number(bits) }),
    ...(curve !== undefined && { publicKeyCurve: curve.trim() }),
    ...(ski !== undefined && { subjectKeyId: colonHex(ski) }),
    ...(aki !== undefined && { authorityKeyId: colonHex(aki) }),
  };
}

function summaryOf(file: string): X509Summary {
  const result = summarizeX509(new Uint8Array(readFileSync(join(dir, file))));
  if (!result.ok) throw new Error(`summary failed: ${result.problem} at ${result.offset}`);
  return result.certificate;
}

function expectAgreement(file: string): X509Summary {
  const summary = summaryOf(file);
  const view = opensslView(file);
  expect(summary).toMatchObject(view);
  // Fields openssl did not print must be absent from the summary too.
  for (const key of ['publicKeyBits', 'publicKeyCurve', 'subjectKeyId', 'authorityKeyId'] as const) {
    if (view[key] === undefined) expect(summary[key]).toBeUndefined();
  }
  expect(summary.problems).toEqual([]);
  return summary;
}

describe('summarizeX509 against openssl', () => {
  it('RSA 2048 with every common attribute and RFC 4514 specials in the names', () => {
    const file = selfSigned(
      ['-newkey', 'rsa:2048'],
      '/C=US/ST=New York/L=Armonk/O=Acme, Inc./OU=R\\+D/CN= José "test" <x>;#/emailAddress=a@b.c',
    );
    const summary = expectAgreement(file);
    expect(summary.subject.startsWith('emailAddress=a@b.c, CN=\\ José')).toBe(true);
    expect(summary.version).toBe(3);
  });

  it('EC P-256 signed with SHA-384', () => {
    expectAgreement(
      selfSigned(['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'], '/O=Org/CN=ec key', ['-sha384']),
    );
  });

  it('EC P-384 valid past 2049 (GeneralizedTime notAfter)', () => {
    const file = selfSigned(['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:secp384r1'], '/CN=long', [
      '-days', '36500',
    ]);
    const summary = expectAgreement(file);
    expect(Number(summary.notAfter.slice(0, 4))).toBeGreaterThan(2100);
  });

  it('control characters in a name are escaped as \\XX, as esc_ctrl does', () => {
    const summary = expectAgreement(selfSigned(['-newkey', 'ed25519'], '/CN=a\x01b\x7fc'));
    expect(summary.subject).toBe('CN=a\\01b\\7Fc');
  });

  it('Ed25519 and RSA-PSS', () => {
    expectAgreement(selfSigned(['-newkey', 'ed25519'], '/CN=edwards'));
    expectAgreement(
      selfSigned(['-newkey', 'rsa:3072', '-sigopt', 'rsa_padding_mode:pss'], '/DC=org/DC=example/UID=u1/CN=pss'),
    );
  });

  it('a leaf issued by a CA: issuer, explicit serial, authority key id; and a v1 certificate', () => {
    const ca = selfSigned(['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:secp384r1'], '/O=Test CA/CN=CA');
    openssl(['x509', '-inform', 'DER', '-in', ca, '-out', 'ca.pem']);
    openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'leaf.key', '-subj', '/CN=leaf', '-out', 'leaf.csr']);
    writeFileSync(join(dir, 'ext.cnf'), 'subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n');
    const signLeaf = (out: string, extra: string[]): void => {
      openssl(['x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.pem', '-CAkey', ca.replace('.der', '.key'),
        '-set_serial', '0x00ff80', '-days', '10', ...extra, '-outform', 'DER', '-out', out]);
    };
    signLeaf('leaf.der', ['-extfile', 'ext.cnf']);
    const leaf = expectAgreement('leaf.der');
    expect(leaf.issuer).toBe('CN=CA, O=Test CA');
    expect(leaf.serial).toBe('ff80');
    expect(leaf.authorityKeyId).toBe(summaryOf(ca).subjectKeyId);
    signLeaf('leaf-v1.der', []);
    expect(expectAgreement('leaf-v1.der').version).toBe(1);
  });
});

describe('summarizeX509 on real keyring measurements', () => {
  function checkRealCertificate(der: Uint8Array, name: string): X509Summary {
    writeFileSync(join(dir, name), der);
    return expectAgreement(name);
  }

  it('keylime: the .ima keyring ECDSA certificate', () => {
    const line = readSharedText('realdata', 'keylime-tests', 'test_ima_verification-KEYRINGS.ascii').trim();
    const [, , , , event, bufHex] = line.split(' ');
    expect(event).toBe('.ima');
    const summary = checkRealCertificate(fromHex(bufHex) ?? new Uint8Array(), 'keylime-ima.der');
    expect(summary.subject).toBe('CN=ecdsa-ca-signed-ec-key');
    expect(summary.issuer).toBe('CN=Testing-ECDSA-CA');
  });

  it('ibmtss imatest.log: the .builtin_trusted_keys RSA certificate', () => {
    // Entry 13 of this list (PROVENANCE.md): an ima-buf entry whose buf is a DER certificate.
    // Its bytes are found here by the DER SEQUENCE header right after the keyring name.
    const log = readSharedData('realdata', 'ibmtss', 'imatest.log');
    const marker = new TextEncoder().encode('.builtin_trusted_keys\0');
    const at = indexOf(log, marker);
    expect(at).toBeGreaterThan(0);
    const lengthAt = at + marker.length;
    const len = new DataView(log.buffer, log.byteOffset).getUint32(lengthAt, true);
    const der = log.slice(lengthAt + 4, lengthAt + 4 + len);
    const summary = checkRealCertificate(der, 'ibmtss-builtin.der');
    expect(summary.publicKeyAlgorithm).toBe('rsaEncryption');
  });
});

describe('summarizeX509 on damaged input', () => {
  it('fails with an offset, never throws, on every truncation and on byte flips', () => {
    const file = selfSigned(['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'], '/CN=fuzz');
    const der = new Uint8Array(readFileSync(join(dir, file)));
    for (let n = 0; n < der.length; n++) {
      const r = summarizeX509(der.subarray(0, n));
      expect(r.ok).toBe(false);
    }
    let seed = 12345;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed;
    };
    for (let i = 0; i < 3000; i++) {
      const copy = der.slice();
      for (let k = 0; k < 1 + (i % 4); k++) copy[random() % copy.length] = random() & 0xff;
      const r = summarizeX509(copy);
      if (!r.ok) expect(r.offset).toBeGreaterThanOrEqual(0);
    }
  });

  it('reports trailing bytes and refuses non-certificates', () => {
    const der = new Uint8Array(readFileSync(join(dir, selfSigned(['-newkey', 'ed25519'], '/CN=t'))));
    const padded = new Uint8Array(der.length + 3);
    padded.set(der);
    const r = summarizeX509(padded);
    expect(r.ok && r.certificate.problems).toEqual(['3 bytes follow the certificate']);
    expect(summarizeX509(new TextEncoder().encode('kernel 6.16'))).toMatchObject({ ok: false, offset: 0 });
    expect(summarizeX509(new Uint8Array())).toMatchObject({ ok: false });
  });
});

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}
