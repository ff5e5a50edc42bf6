/**
 * What an unrecognised file looked like, in words, so the message can say "this is a PNG
 * image" or "text starting with …" instead of only "unsupported". Content only, like the
 * classifier: the file name is never consulted.
 */

const MAGIC: ReadonlyArray<{ readonly bytes: readonly number[]; readonly what: string }> = [
  { bytes: [0x89, 0x50, 0x4e, 0x47], what: 'a PNG image' },
  { bytes: [0xff, 0xd8, 0xff], what: 'a JPEG image' },
  { bytes: [0x47, 0x49, 0x46, 0x38], what: 'a GIF image' },
  { bytes: [0x25, 0x50, 0x44, 0x46], what: 'a PDF document' },
  { bytes: [0x50, 0x4b, 0x03, 0x04], what: 'a ZIP archive' },
  { bytes: [0x1f, 0x8b], what: 'gzip-compressed data (decompress it first)' },
  { bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], what: 'xz-compressed data (decompress it first)' },
  { bytes: [0x28, 0xb5, 0x2f, 0xfd], what: 'zstd-compressed data (decompress it first)' },
  { bytes: [0x42, 0x5a, 0x68], what: 'bzip2-compressed data (decompress it first)' },
  { bytes: [0x7f, 0x45, 0x4c, 0x46], what: 'an ELF executable' },
  { bytes: [0x4d, 0x5a], what: 'a Windows executable' },
  { bytes: [0x53, 0x51, 0x4c, 0x69, 0x74, 0x65], what: 'an SQLite database' },
];

const PREVIEW_CHARS = 60;

export function describeUnrecognized(head: Uint8Array): string {
  if (head.length === 0) return 'an empty file';
  for (const { bytes, what } of MAGIC) {
    if (bytes.every((b, i) => head[i] === b)) return what;
  }
  const text = decodeIfText(head);
  if (text !== undefined) {
    const firstLine = text.trimStart().split(/\r?\n/, 1)[0] ?? '';
    const preview = firstLine.length > PREVIEW_CHARS ? `${firstLine.slice(0, PREVIEW_CHARS)}…` : firstLine;
    if (/^<(!doctype|html)/i.test(firstLine)) return 'an HTML page';
    return `text starting with “${preview}”`;
  }
  const hex = Array.from(head.subarray(0, 16), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return `binary data starting with ${hex}`;
}

function decodeIfText(head: Uint8Array): string | undefined {
  let text: string;
  try {
    // A multi-byte character may be cut at the end of the head; drop up to 3 bytes of it.
    text = new TextDecoder('utf-8', { fatal: true }).decode(trimPartialUtf8(head));
  } catch {
    return undefined;
  }
  // eslint-disable-next-line no-control-regex
  const control = text.match(/[\u0000-\u0008\u000e-\u001f\u007f]/g);
  return control !== null && control.length > text.length / 100 ? undefined : text;
}

function trimPartialUtf8(bytes: Uint8Array): Uint8Array {
  let end = bytes.length;
  for (let k = 0; k < 3 && end > 0 && (bytes[end - 1] & 0xc0) === 0x80; k++) end--;
  if (end > 0 && bytes[end - 1] >= 0xc0) end--;
  return bytes.subarray(0, end);
}
