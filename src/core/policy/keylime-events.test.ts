/**
 * The messages made from entries' names, all at once (one buffer, one decode) or one by one,
 * are Keylime's text around the name as UTF-8 decodes it: names of plain ASCII, UTF-8 and
 * bytes that are not UTF-8 (U+FFFD), mixed with events whose context is stored.
 */
import { describe, expect, it } from 'vitest';
import { createNobleHashProvider } from '../hash/hash-provider';
import { parseImaLog } from '../ima/parse-ima-log';
import { verifyTemplateHashes } from '../ima/template-digests';
import { buildImaLog } from '../testing/build-ima-log';
import { encodeText } from '../util/bytes';
import { evaluateKeylime } from './keylime-eval';
import { parseRuntimePolicy } from './runtime-policy';

const provider = createNobleHashProvider();
const named = (bytes: Uint8Array) => ({ template: 'ima-ng', path: 'x', extraFields: { 'n-ng': Uint8Array.from([...bytes, 0]) } });

describe('KeylimeEvents.messages', () => {
  it('gives every event the message Keylime writes for it', () => {
    const built = buildImaLog(
      [
        { template: 'ima-ng', path: '/usr/bin/plain' },
        named(encodeText('/usr/lib/ü.so')),
        { template: 'ima-ng', path: '/usr/bin/listed', fileDigest: { content: 'changed' } },
        named(Uint8Array.from([0x2f, 0xff, 0x41])),
        { template: 'ima-ng', path: '/pcr11', pcr: 11 },
        { template: 'ima-ng', path: '/usr/bin/last' },
      ],
      { provider },
    );
    const log = parseImaLog(built.binary, { format: 'binary' });
    verifyTemplateHashes(log, provider);
    const policy = parseRuntimePolicy(encodeText(JSON.stringify({ digests: { '/usr/bin/listed': ['00'.repeat(32)] } }))).policy;
    const { events } = evaluateKeylime(log, { policy }, provider);
    const expected = [
      'File not found in allowlist: /usr/bin/plain',
      'File not found in allowlist: /usr/lib/ü.so',
      'Hash not found in runtime policy',
      'File not found in allowlist: /\ufffdA',
      'IMA PCR is not the configured one',
      'File not found in allowlist: /pcr11',
      'File not found in allowlist: /usr/bin/last',
    ];
    expect(events.messages()).toEqual(expected);
    // Decoded in pieces (a few messages each, down to one): the same messages.
    for (const piece of [120, 60, 1]) expect(events.messages(piece)).toEqual(expected);
    expect(Array.from({ length: events.length }, (_, k) => events.message(k))).toEqual(expected);
  });

  it('says of each name whether JSON writes it as it stands (printable ASCII but a quote or a backslash)', () => {
    const names = ['/usr/bin/plain', '/a"b', '/a\\b', '/tab\there', '/del\u007f', '/~ok'];
    const built = buildImaLog([...names.map((n) => named(encodeText(n))), named(encodeText('/ü')), named(Uint8Array.from([0x2f, 0xff]))], { provider });
    const log = parseImaLog(built.binary, { format: 'binary' });
    verifyTemplateHashes(log, provider);
    const policy = parseRuntimePolicy(encodeText(JSON.stringify({ digests: {} }))).policy;
    const { events } = evaluateKeylime(log, { policy }, provider);
    const plain = Array.from({ length: events.length }, (_, k) => events.plainJsonName(k));
    expect(plain).toEqual([true, false, false, false, false, true, false, false]);
    // Plain: the name's JSON is its bytes between quotes.
    for (let k = 0; k < events.length; k++) {
      if (plain[k]) expect(JSON.stringify(events.name(k))).toBe(`"${events.name(k)}"`);
    }
  });
});
