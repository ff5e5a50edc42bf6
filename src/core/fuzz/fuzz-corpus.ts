/**
 * The fuzz suite's seeds: lists from the project's builder (every template family, both byte
 * orders, per-bank digests, names that are prototype keys, names with spaces) and the small
 * real artefacts of ../shared/data/swtpm (quotes, signatures, AKs in every form, PCR
 * listings, Keylime strings, a firmware log). Each seed carries where its length words sit,
 * so mutations can aim at them. Node-only test tooling (reads shared data).
 */
import type { HashProvider } from '../hash/hash-provider';
import { classifyInput } from '../inputs/registry';
import { parseImaLog } from '../ima/parse-ima-log';
import { templateDataOffset, type ImaLog } from '../model/ima-log';
import type { InputKind } from '../report/report';
import { buildImaLog, type BuildEntry, type BuilderOptions } from '../testing/build-ima-log';
import { hasSharedData, readSharedData } from '../testing/shared-data';
import { encodeText } from '../util/bytes';
import { PROTOTYPE_KEYS } from './mutate';

export interface Seed {
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly kind: InputKind | undefined;
  /** Offsets of the seed's own length words (IMA binary: PCR, name length, L, field lengths). */
  readonly lengthOffsets: readonly number[];
  /** The seed parsed, for IMA lists: what must survive damage after it. */
  readonly imaLog?: ImaLog;
}

const SWTPM_FILES = [
  'binary_runtime_measurements',
  'ascii_runtime_measurements',
  'binary_bios_measurements',
  'binary_bios_measurements.tpm2_eventlog.yaml',
  'q1_rsassa_sha256_10.msg',
  'q3_ecdsa_multibank.msg',
  'q5_keylime.msg',
  'q1_rsassa_sha256_10.sig',
  'q3_ecdsa_multibank.sig',
  'q3b_ecdsa_plain.sig',
  'q4_rsapss.sig',
  'ak_rsa.pub',
  'ak_ecc.pub',
  'ak_ecc.pem',
  'ak_rsa.pem',
  'ak_ecc.readpublic.yaml',
  'ak_rsa.pub.tpm2_print.yaml',
  'q1_rsassa_sha256_10.pcrs.serialized',
  'q3_ecdsa_multibank.pcrs.serialized',
  'pcrread_sha1_sha256_10.yaml',
  'pcrread_sha1_sha256_10.values.bin',
  'pcr0-9.values.bin',
  'evmctl_pcrs_sha256.txt',
  'keylime_quote_string.txt',
  'keylime_agent_quote_response.json',
  'q3_ecdsa_multibank.stdout.yaml',
];

type GeneratedList = [name: string, entries: BuildEntry[], options: Omit<BuilderOptions, 'provider'>];

function generatedLists(): GeneratedList[] {
  const sig = Uint8Array.of(3, 2, 4, 0xa1, 0xb2, 0xc3, 0xd4, 0, 4, 1, 2, 3, 4);
  return [
    ['ima-ng sha1', [0, 1, 2, 3].map((i) => ({ path: `/usr/bin/t${i}` })), {}],
    [
      'every template, sha256 list',
      [
        { template: 'ima', path: 'boot_aggregate', fileDigest: { algorithm: 'sha1', hex: '00'.repeat(20) } },
        { template: 'ima-sig', path: '/bin/signed', sig },
        { template: 'ima-buf', path: 'kernel_version', buf: '6.16.0' },
        { template: 'd-ng|n-ng|iuid|igid|imode', path: '/etc/x' },
        { template: 'ima-modsig', path: '/lib/m.ko', sig },
        { path: '/tmp/v', violation: true },
      ],
      { listBank: 'sha256' },
    ],
    ['big-endian ima-ng', [0, 1, 2].map((i) => ({ path: `/be/${i}` })), { byteOrder: 'big' }],
    ['prototype-key templates', PROTOTYPE_KEYS.map((key) => ({ template: key === 'valueOf' ? `d-ng|n-ng|${key}` : key, path: `/p/${key}` })), {}],
    ['names with spaces', [{ template: 'ima', path: '/tmp/#1 (deleted)', keepSpaces: true }, { path: '/opt/my file', keepSpaces: true }, { template: 'ima-sig', path: '/opt/a dead', keepSpaces: true }], {}],
  ];
}

/** Where an IMA binary list keeps its length words. */
function imaLengthOffsets(log: ImaLog): number[] {
  const out: number[] = [];
  const e = log.entries;
  const le = log.byteOrder === 'little';
  for (let i = 0; i < e.length; i++) {
    const o = e.entryOffset[i];
    out.push(o, o + 4 + log.digestSize);
    const t = log.templates[e.template[i]].name;
    if (t === 'ima') continue;
    const start = templateDataOffset(log, i);
    out.push(start - 4);
    const end = o + e.entrySize[i];
    for (let p = start; p + 4 <= end; ) {
      out.push(p);
      const len = new DataView(log.data.buffer, log.data.byteOffset).getUint32(p, le);
      p += 4 + len;
    }
  }
  return out;
}

function seedOf(name: string, bytes: Uint8Array): Seed {
  const kind = classifyInput(bytes);
  if (kind === 'ima-binary' || kind === 'ima-ascii') {
    const imaLog = parseImaLog(bytes, { format: kind === 'ima-binary' ? 'binary' : 'ascii' });
    return { name, bytes, kind, imaLog, lengthOffsets: kind === 'ima-binary' ? imaLengthOffsets(imaLog) : [] };
  }
  return { name, bytes, kind, lengthOffsets: [] };
}

export function loadFuzzCorpus(provider: HashProvider): Seed[] {
  const seeds: Seed[] = [];
  for (const [name, entries, options] of generatedLists()) {
    const built = buildImaLog(entries, { provider, ...options });
    seeds.push(seedOf(`${name} (binary)`, built.binary), seedOf(`${name} (ASCII)`, encodeText(built.ascii)));
  }
  if (hasSharedData()) for (const file of SWTPM_FILES) seeds.push(seedOf(`swtpm/${file}`, readSharedData('swtpm', file)));
  return seeds;
}
