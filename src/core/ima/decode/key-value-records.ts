/**
 * The `key=value,key=value;key=value;` text that several critical-data producers write into an
 * ima-buf `buf` field: device-mapper (`drivers/md/dm-ima.c`), SELinux state
 * (`security/selinux/ima.c`) and the kexec records (`ima_kexec.c`); ima-format.md §7.3, §8.
 *
 * Records end at `;`, pairs at `,`, and a pair's key ends at its first `=`. dm-ima prefixes
 * `\`, `;`, `=` and `,` inside device names and uuids with a backslash
 * (`fix_separator_chars()`), so an escaped character never separates. When a record's first
 * pair has a second unescaped `=`, its first part is a label (`device_active_metadata=name=…,
 * uuid=…;` in dm_device_remove), which becomes the record's `label`; in later pairs a second
 * `=` stays in the value. Keys are trimmed of whitespace and NULs: real dm_table_clear records
 * carry a run of NULs before `current_device_capacity`.
 */

export interface KeyValueRecord {
  /** `device_active_metadata` in `device_active_metadata=name=…`; absent for plain records. */
  readonly label?: string;
  /** Keys in the order written; a repeated key keeps its first value. */
  readonly fields: Readonly<Record<string, string>>;
}

/** Splits the text into records; never throws. Empty records and pairs are dropped. */
export function parseKeyValueRecords(text: string): KeyValueRecord[] {
  const records: KeyValueRecord[] = [];
  for (const recordText of splitUnescaped(text, ';')) {
    const pairs = splitUnescaped(recordText, ',').filter((p) => trimKey(p) !== '');
    if (pairs.length === 0) continue;
    let label: string | undefined;
    const entries: Array<[string, string]> = [];
    const seen = new Set<string>();
    pairs.forEach((pair, i) => {
      const parts = splitUnescaped(pair, '=');
      if (i === 0 && parts.length >= 3) label = trimKey(unescape(parts.shift() ?? ''));
      const key = trimKey(unescape(parts[0]));
      const value = unescape(parts.slice(1).join('='));
      if (seen.has(key)) return;
      seen.add(key);
      entries.push([key, value]);
    });
    // fromEntries defines own properties, so a key such as `__proto__` stays plain data.
    const fields = Object.fromEntries(entries);
    records.push(label === undefined ? { fields } : { label, fields });
  }
  return records;
}

/** Splits at `separator` where it is not backslash-escaped; escapes are kept for `unescape`. */
function splitUnescaped(text: string, separator: string): string[] {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === separator) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** Keys lose surrounding whitespace and NULs (dm_table_clear pads with NULs before a key). */
function trimKey(text: string): string {
  return text.replace(/^[\s\0]+|[\s\0]+$/g, '');
}

function unescape(text: string): string {
  return text.replace(/\\(.)/gs, '$1');
}
