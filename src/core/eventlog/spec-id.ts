/**
 * TCG_EfiSpecIDEvent, the data of a crypto-agile log's first event (PFP §10.4.5.1;
 * quote-format.md §3.2). All integers little-endian:
 *
 *   0  signature[16]        "Spec ID Event03\0"
 *   16 u32 platformClass
 *   20 u8 specVersionMinor, u8 specVersionMajor (2), u8 specErrata, u8 uintnSize
 *   24 u32 numberOfAlgorithms
 *   28 numberOfAlgorithms × { u16 algorithmId, u16 digestSize }
 *   .. u8 vendorInfoSize, vendorInfo[vendorInfoSize]
 *
 * The digestSize table is the only way to walk past digests of algorithms this tool does
 * not know. "Spec ID Event02" (the TPM 1.2-era EFI header) is not crypto-agile.
 * Quirk seen in tpm2-tools' `specid-vendordata.bin` fixture: a vendorInfoSize that runs past
 * the event's own size; reported, and the algorithm table still used.
 */
import { digestSize, hashAlgorithmFromTpmAlgId, type HashAlgorithm } from '../hash/hash-algorithm';

export interface SpecIdAlgorithm {
  algId: number;
  /** Undefined for algorithms this tool cannot hash (the log can still be walked). */
  bank?: HashAlgorithm;
  digestSize: number;
}

export interface SpecId {
  platformClass: number;
  /** "major.minor.errata", e.g. "2.0.2". */
  specVersion: string;
  /** 1 = 32-bit UINTN, 2 = 64-bit. */
  uintnSize: number;
  algorithms: SpecIdAlgorithm[];
  vendorInfo: Uint8Array;
}

export interface SpecIdResult {
  /** Undefined when the algorithm table cannot be read: the log cannot be walked further. */
  specId?: SpecId;
  /** Problems, with offsets relative to the start of the event data. */
  problems: Array<{ offset: number; message: string }>;
}

const SIGNATURE = 'Spec ID Event03\0';
const TABLE_OFFSET = 28;

export function isSpecIdEventData(data: Uint8Array): boolean {
  if (data.length < SIGNATURE.length) return false;
  for (let i = 0; i < SIGNATURE.length; i++) {
    if (data[i] !== SIGNATURE.charCodeAt(i)) return false;
  }
  return true;
}

export function parseSpecIdEvent(data: Uint8Array): SpecIdResult {
  const problems: SpecIdResult['problems'] = [];
  if (data.length < TABLE_OFFSET) {
    problems.push({ offset: 0, message: `Spec ID event is ${data.length} bytes, too short for its header (${TABLE_OFFSET})` });
    return { problems };
  }
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const count = view.getUint32(24, true);
  // Bounded by the bytes present, so a huge count cannot cause a huge allocation.
  if (count > (data.length - TABLE_OFFSET) / 4) {
    problems.push({
      offset: 24,
      message: `Spec ID event lists ${count} algorithms but has room for ${Math.floor((data.length - TABLE_OFFSET) / 4)}`,
    });
    return { problems };
  }
  const algorithms: SpecIdAlgorithm[] = [];
  for (let i = 0; i < count; i++) {
    const at = TABLE_OFFSET + 4 * i;
    const algId = view.getUint16(at, true);
    const size = view.getUint16(at + 2, true);
    const bank = hashAlgorithmFromTpmAlgId(algId);
    if (bank !== undefined && digestSize(bank) !== size) {
      problems.push({ offset: at, message: `Spec ID event gives ${bank} a digest size of ${size}, not ${digestSize(bank)}` });
    }
    algorithms.push(bank === undefined ? { algId, digestSize: size } : { algId, bank, digestSize: size });
  }
  const vendorAt = TABLE_OFFSET + 4 * count;
  let vendorInfo: Uint8Array = new Uint8Array(0);
  if (vendorAt >= data.length) {
    problems.push({ offset: vendorAt, message: 'Spec ID event ends before its vendorInfoSize byte' });
  } else {
    const vendorSize = data[vendorAt];
    vendorInfo = data.subarray(vendorAt + 1, vendorAt + 1 + vendorSize);
    if (vendorInfo.length < vendorSize) {
      problems.push({
        offset: vendorAt,
        message: `Spec ID vendorInfoSize ${vendorSize} runs past the event (${vendorInfo.length} bytes present)`,
      });
    }
  }
  const specId: SpecId = {
    platformClass: view.getUint32(16, true),
    specVersion: `${data[21]}.${data[20]}.${data[22]}`,
    uintnSize: data[23],
    algorithms,
    vendorInfo,
  };
  return { specId, problems };
}

/** "sha1 (20), sha256 (32), 0x0027 (32)" */
export function describeAlgorithms(algorithms: readonly SpecIdAlgorithm[]): string {
  return algorithms
    .map((a) => `${a.bank ?? algIdHex(a.algId)} (${a.digestSize})`)
    .join(', ');
}

/** TPM_ALG_ID as tools print it: 0x000b. */
export function algIdHex(algId: number): string {
  return `0x${algId.toString(16).padStart(4, '0')}`;
}
