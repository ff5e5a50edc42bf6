/**
 * Python's `repr(bytes)`, which Keylime puts in its `ima.validation.ima_hash` events
 * (`str(self.ima_template_hash)`): b'…' (b"…" when the bytes hold ' but no "), with \\, \t,
 * \n, \r and the quote escaped, printable ASCII as itself and every other byte as \xhh.
 */
export function pythonBytesRepr(bytes: Uint8Array): string {
  const hasSingle = bytes.includes(0x27);
  const quote = hasSingle && !bytes.includes(0x22) ? '"' : "'";
  let s = 'b' + quote;
  for (const b of bytes) {
    if (b === 0x5c) s += '\\\\';
    else if (b === 0x09) s += '\\t';
    else if (b === 0x0a) s += '\\n';
    else if (b === 0x0d) s += '\\r';
    else if (String.fromCharCode(b) === quote) s += '\\' + quote;
    else if (b >= 0x20 && b < 0x7f) s += String.fromCharCode(b);
    else s += '\\x' + b.toString(16).padStart(2, '0');
  }
  return s + quote;
}
