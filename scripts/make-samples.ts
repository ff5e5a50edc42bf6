/**
 * Writes the app's bundled samples: public/samples/<name>/ (a binary IMA list and evmctl
 * `PCR-NN: hex` files for sha1 and sha256; for some, a TPM quote: quote.msg (TPMS_ATTEST),
 * quote.sig (TPMT_SIGNATURE) and ak.pem) and public/samples/index.json listing
 * {name, title, description, entries, files, nonce?}. Run: `npx tsx scripts/make-samples.ts`.
 *
 * Every sample is built with src/core/testing/build-ima-log.ts from fixed content (no
 * randomness), so rerunning reproduces the committed bytes; make-samples.test.ts checks that
 * and asks evmctl for a second opinion. Platform PCRs 0–9 are Appendix A.3's hypothetical
 * values (H("pcr" + i)), written to the PCR files too, so boot_aggregate can be checked.
 *
 * Quotes are signed with scripts/sample-ak.private.jwk, a committed RSA key with no security
 * value: RSASSA-PKCS1-v1_5 is deterministic, so the signatures are reproducible too.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { HashAlgorithm } from '../src/core/hash/hash-algorithm';
import type { HashProvider, Hasher } from '../src/core/hash/hash-provider';
import { createWasmHashProvider } from '../src/core/hash/hash-provider';
import type { BuildEntry, BuildOptions, PcrBanks } from '../src/core/testing/build-ima-log';
import {
  bootAggregateEntry,
  buildImaLog,
  formatEvmctlPcrFile,
} from '../src/core/testing/build-ima-log';
import {
  hypotheticalPlatformPcrs,
  imaSignature,
  kexecSoftReboot,
} from '../src/core/testing/ima-scenarios';
import type { QuoteFields, RsaPrivateJwk } from '../src/core/testing/build-quote';
import { buildQuoteAttest, quoteDigest, signQuoteWithJwk } from '../src/core/testing/build-quote';
import { encodeText, toHex } from '../src/core/util/bytes';

export const SAMPLES_DIR = fileURLToPath(new URL('../public/samples', import.meta.url));
export const LIST_FILE = 'binary_runtime_measurements';
export const PCR_FILES: Readonly<Record<'sha1' | 'sha256', string>> = {
  sha1: 'pcrs-sha1.txt',
  sha256: 'pcrs-sha256.txt',
};
export const QUOTE_FILES = { attest: 'quote.msg', signature: 'quote.sig', ak: 'ak.pem' } as const;
/** What the sample quotes select: the platform PCRs and IMA's, as Keylime asks by default. */
export const QUOTE_SELECTION: QuoteFields['selection'] = [{ bank: 'sha256', pcrs: [0, 1, 2, 3, 4, 5, 6, 7, 10] }];
export const SAMPLE_AK_FILE = fileURLToPath(new URL('./sample-ak.private.jwk', import.meta.url));

export interface Sample {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  /** Entries in the list file. */
  readonly entries: number;
  /** File name → content. */
  readonly files: ReadonlyMap<string, Uint8Array | string>;
  /** The nonce the verifier sent, hex, when the sample carries a quote. */
  readonly nonce?: string;
}

/** The committed sample key (its `_comment` says what it is worth: nothing). */
function readSampleAk(): RsaPrivateJwk {
  const jwk = JSON.parse(readFileSync(SAMPLE_AK_FILE, 'utf8')) as Record<string, unknown>;
  const field = (name: string): string => {
    const v = jwk[name];
    if (typeof v !== 'string') throw new Error(`${SAMPLE_AK_FILE}: no ${name}`);
    return v;
  };
  if (jwk.kty !== 'RSA') throw new Error(`${SAMPLE_AK_FILE}: not an RSA key`);
  const [n, e, d, p, q, dp, dq, qi] = ['n', 'e', 'd', 'p', 'q', 'dp', 'dq', 'qi'].map(field);
  return { kty: 'RSA', n, e, d, p, q, dp, dq, qi };
}

const BANKS: readonly HashAlgorithm[] = ['sha1', 'sha256'];

/** Executables, measured at exec with ima-sig and signed by the distribution. */
const EXECUTABLES = [
  '/usr/lib/systemd/systemd',
  '/usr/lib/systemd/systemd-journald',
  '/usr/lib/systemd/systemd-udevd',
  '/usr/bin/kmod',
  '/usr/lib/systemd/systemd-logind',
  '/usr/bin/dbus-broker-launch',
  '/usr/sbin/sshd',
  '/usr/sbin/chronyd',
  '/usr/bin/bash',
  '/usr/bin/keylime_agent',
];

/** Libraries, modules and configuration, measured with ima-ng. */
const FILES = [
  '/usr/lib64/ld-linux-x86-64.so.2',
  '/usr/lib64/libc.so.6',
  '/usr/lib64/libselinux.so.1',
  '/usr/lib64/libpcre2-8.so.0',
  '/usr/lib/systemd/libsystemd-shared-257.so',
  '/usr/lib64/libcap.so.2',
  '/usr/lib64/libmount.so.1',
  '/usr/lib64/libblkid.so.1',
  '/usr/lib64/libcrypt.so.2',
  '/usr/lib64/libseccomp.so.2',
  '/usr/lib64/libaudit.so.1',
  '/usr/lib64/libkmod.so.2',
  '/usr/lib64/libzstd.so.1',
  '/usr/lib64/liblzma.so.5',
  '/usr/lib64/libcrypto.so.3',
  '/etc/ld.so.cache',
  '/usr/lib/modules/6.17.0/kernel/drivers/net/virtio_net.ko.xz',
  '/usr/lib64/libpam.so.0',
  '/usr/lib64/libtss2-esys.so.0',
  '/etc/keylime/agent.conf',
];

const SELINUX_STATE =
  'initialized=1;enforcing=1;checkreqprot=0;network_peer_controls=1;open_perms=1;';
const KEXEC_CMDLINE =
  'BOOT_IMAGE=(hd0,gpt2)/vmlinuz-6.16.1 root=UUID=0f6e1c8a-51d6-4a4e-9d62-2b1c7a0e93d4 ro ' +
  'ima_policy=critical_data';

/** A deterministic stand-in for an RSA-2048 signature over `path` (the shape, not a proof). */
function fakeSignature(sha256: Hasher, path: string): Uint8Array {
  const seed = sha256.digest(encodeText(`signature of ${path}`));
  const sig = new Uint8Array(256);
  for (let i = 0; i < sig.length; i += seed.length) {
    sig.set(sha256.digest2(seed, Uint8Array.of(i)), i);
  }
  return imaSignature(0x3a5b9c01, sig);
}

class SampleKit {
  private readonly sha256: Hasher;
  private readonly platformPcrs: PcrBanks;

  constructor(private readonly provider: HashProvider) {
    const hasher = (alg: HashAlgorithm): Hasher => {
      const h = provider.get(alg);
      if (!h) throw new Error(`no ${alg}`);
      return h;
    };
    this.sha256 = hasher('sha256');
    this.platformPcrs = new Map(
      BANKS.map((bank) => {
        const values = hypotheticalPlatformPcrs(hasher(bank));
        return [bank, new Map(values.map((v, i) => [i, v]))];
      }),
    );
  }

  /** A boot's list: boot_aggregate, kernel_version, then executables and files, SELinux state. */
  boot(kernel: string, fileCount = FILES.length): BuildEntry[] {
    const entries: BuildEntry[] = [
      bootAggregateEntry(this.sha256, hypotheticalPlatformPcrs(this.sha256)),
      { template: 'ima-buf', path: 'kernel_version', buf: kernel },
    ];
    for (let i = 0; i < Math.max(EXECUTABLES.length, fileCount); i++) {
      const exe = EXECUTABLES[i];
      if (exe) {
        entries.push({ template: 'ima-sig', path: exe, sig: fakeSignature(this.sha256, exe) });
      }
      if (i < fileCount) entries.push({ path: FILES[i] });
      if (i === 3) entries.push({ template: 'ima-buf', path: 'selinux-state', buf: SELINUX_STATE });
    }
    return entries;
  }

  /**
   * The list, and PCR files of the TPM at the end (or after `pcrsAfter` entries); with
   * `quoted`, a quote of those PCRs too, with its signature, AK and nonce.
   */
  async sample(
    text: { readonly name: string; readonly title: string; readonly description: string },
    entries: readonly BuildEntry[],
    options: BuildOptions & { readonly pcrsAfter?: number; readonly quoted?: boolean } = {},
  ): Promise<Sample> {
    const log = buildImaLog(entries, {
      ...options,
      banks: BANKS,
      initialPcrs: this.platformPcrs,
      provider: this.provider,
    });
    const pcrs = options.pcrsAfter === undefined ? log.pcrs : log.pcrsAfter(options.pcrsAfter);
    const files = new Map<string, Uint8Array | string>([[LIST_FILE, log.binary]]);
    for (const bank of ['sha1', 'sha256'] as const) {
      files.set(PCR_FILES[bank], formatEvmctlPcrFile(pcrs.get(bank) ?? new Map()));
    }
    const sample = { ...text, entries: log.entries.filter((e) => e.listed).length, files };
    if (options.quoted !== true) return sample;
    // A fixed nonce per sample: what the verifier would have sent.
    const nonce = this.sha256.digest(encodeText(`imascope sample nonce: ${text.name}`)).subarray(0, 20);
    const value = (bank: HashAlgorithm, pcr: number): Uint8Array => {
      const v = pcrs.get(bank)?.get(pcr);
      if (v === undefined) throw new Error(`no ${bank} PCR ${pcr} to quote`);
      return v;
    };
    const attest = buildQuoteAttest({
      selection: QUOTE_SELECTION,
      pcrDigest: quoteDigest(QUOTE_SELECTION, value, this.sha256),
      extraData: nonce,
      clock: 4_236_172n,
      resetCount: 3,
      restartCount: 0,
    });
    const signed = await signQuoteWithJwk(attest, readSampleAk());
    files.set(QUOTE_FILES.attest, signed.attest);
    files.set(QUOTE_FILES.signature, signed.signature);
    files.set(QUOTE_FILES.ak, signed.akPem);
    return { ...sample, nonce: toHex(nonce) };
  }
}

export async function buildSamples(provider: HashProvider): Promise<Sample[]> {
  const kit = new SampleKit(provider);
  const cleanBoot = kit.boot('6.17.0');
  const kexecParts = {
    firstBoot: [
      ...kit.boot('6.16.0', 8),
      { path: '/boot/vmlinuz-6.16.1' },
      { path: '/boot/initramfs-6.16.1.img' },
      { template: 'ima-buf', path: 'kexec-cmdline', buf: KEXEC_CMDLINE },
    ],
    afterLoad: [
      { path: '/usr/bin/systemctl' },
      { path: '/usr/lib64/libsystemd.so.0' },
      { path: '/etc/os-release' },
    ],
    secondBoot: kit.boot('6.16.1', 6),
  };
  const violations = kit.boot('6.17.0', 12);
  violations.splice(8, 0, { path: '/var/log/audit/audit.log', violation: true });
  violations.splice(15, 0, { path: '/var/lib/rpm/rpmdb.sqlite', violation: true });
  violations.push({ path: '/etc/resolv.conf', violation: true }, { path: '/usr/bin/cat' });
  const mismatch = kit.boot('6.17.0', 12);
  const corrupted = 9;
  mismatch[corrupted] = { ...mismatch[corrupted], corruptTemplateDigest: true };
  const quotedEntries = 30;

  return Promise.all([
    kit.sample(
      {
        name: 'clean-boot',
        title: 'Clean boot',
        description:
          'A cold boot of a 6.17 kernel with a SHA-1 + SHA-256 TPM: boot_aggregate, ' +
          'kernel_version, signed executables (ima-sig), libraries and configuration (ima-ng), ' +
          'SELinux state (ima-buf). The PCR files match the whole list in both banks, and so ' +
          'does a signed quote of sha256 PCRs 0–7 and 10 (quote.msg, quote.sig, ak.pem).',
      },
      cleanBoot,
      { quoted: true },
    ),
    kit.sample(
      {
        name: 'kexec-soft-reboot',
        title: 'kexec soft reboot',
        description:
          'A 6.16 kernel that kexec-booted 6.16.1: kexec_load and kexec_execute records, then ' +
          "the new kernel's second boot_aggregate after the carried list. Nothing was lost: " +
          'PCR 10 matches the whole list in both banks.',
      },
      kexecSoftReboot(kexecParts),
    ),
    kit.sample(
      {
        name: 'kexec-lost-entries',
        title: 'kexec lost entries',
        description:
          'The same soft reboot, but the carried list stops after kexec_load (the kexec segment ' +
          `was too small): the ${kexecParts.afterLoad.length} files measured after the load ` +
          'and the kexec_execute record reached the TPM but not the list, so no prefix of the ' +
          'list replays to PCR 10.',
      },
      kexecSoftReboot(kexecParts, { lose: true }),
    ),
    kit.sample(
      {
        name: 'big-endian',
        title: 'Big-endian list',
        description:
          'A list from a big-endian kernel (s390x without ima_canonical_fmt): every length ' +
          'word, and the length words inside the template hash, are big-endian. The PCR files ' +
          'match.',
      },
      kit.boot('6.17.0', 12),
      { byteOrder: 'big' },
    ),
    kit.sample(
      {
        name: 'violations',
        title: 'Measurement violations',
        description:
          'Three ToMToU / open-writers violations: all-zero template digests, extended into ' +
          'PCR 10 as 0xFF. The PCR files match when violations are replayed as 0xFF (what ' +
          'evmctl --ignore-violations does).',
      },
      violations,
    ),
    kit.sample(
      {
        name: 'log-ahead-of-quote',
        title: 'Log read after the quote',
        description:
          'The list was read after the quote: the quote (quote.msg, quote.sig, ak.pem) and the ' +
          `PCR files equal the replay of the first ${quotedEntries} of ${cleanBoot.length} ` +
          'entries; the rest were measured in between.',
      },
      cleanBoot,
      { pcrsAfter: quotedEntries, quoted: true },
    ),
    kit.sample(
      {
        name: 'template-hash-mismatch',
        title: 'Template hash mismatch',
        description:
          `Entry ${corrupted} records a template digest with a flipped byte; the TPM was ` +
          'extended with the true digest, so the recorded SHA-1 digests do not replay to PCR 10 ' +
          '(digests recomputed from the template data do).',
      },
      mismatch,
    ),
  ]);
}

/** public/samples/index.json: what the sample picker lists; files are relative to the sample. */
export function sampleIndexJson(samples: readonly Sample[]): string {
  const index = samples.map((s) => ({
    name: s.name,
    title: s.title,
    description: s.description,
    entries: s.entries,
    files: [...s.files.keys()],
    ...(s.nonce === undefined ? {} : { nonce: s.nonce }),
  }));
  return JSON.stringify(index, undefined, 2) + '\n';
}

export function writeSamples(samples: readonly Sample[], dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  for (const s of samples) {
    mkdirSync(join(dir, s.name), { recursive: true });
    for (const [file, content] of s.files) writeFileSync(join(dir, s.name, file), content);
  }
  writeFileSync(join(dir, 'index.json'), sampleIndexJson(samples));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const samples = await buildSamples(await createWasmHashProvider());
  writeSamples(samples, SAMPLES_DIR);
  for (const s of samples) {
    const size = [...s.files.values()].reduce((n, content) => n + content.length, 0);
    console.log(`${s.name}: ${s.entries} entries, ${size} bytes`);
  }
}
