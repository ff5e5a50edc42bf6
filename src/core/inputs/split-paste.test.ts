import { describe, expect, it } from 'vitest';
import { readSharedData, readSharedText } from '../testing/shared-data';
import { toHex } from '../util/bytes';
import { parseAkPublic } from '../tpm/keys/ak-public';
import { parsePcrValues } from '../tpm/pcrs/pcr-values';
import { parseQuote } from '../tpm/quote/quote';
import { parseTpmSignature } from '../tpm/signature/signature';
import { splitPaste } from './split-paste';

const swtpmText = (name: string): string => readSharedText('swtpm', name);

describe('splitPaste', () => {
  it('a PCR line or a labelled quote/signature that does not parse is unreadable as that kind; chatter stays unknown', () => {
    const parts = splitPaste(['PCR-10: zzzz', 'quote: zzzz', 'sig: 12345', 'Note: hello there', 'sha256:', 'ping at 10:30'].join('\n'));
    expect(parts.map((p) => [p.kind, p.lineStart, p.unreadable ?? false])).toEqual([
      ['pcr-values', 0, true],
      ['tpm-quote', 1, true],
      ['tpm-signature', 2, true],
      ['unknown', 3, false],
    ]);
    expect(parts[3].text).toBe('Note: hello there\nsha256:\nping at 10:30');
    // A readable listing is no unreadable part.
    expect(splitPaste(swtpmText('evmctl_pcrs_sha256.txt'))[0]).toMatchObject({ kind: 'pcr-values' });
    expect(splitPaste(swtpmText('evmctl_pcrs_sha256.txt'))[0].unreadable).toBeUndefined();
  });

  it('tpm2_quote stdout is one part, every line of it (calcDigest included) read whole as the file is', () => {
    for (const name of ['q1_rsassa_sha256_10', 'q2_rsassa_plain', 'q3_ecdsa_multibank', 'q3b_ecdsa_plain', 'q4_rsapss', 'q5_keylime']) {
      const stdout = swtpmText(`${name}.stdout.yaml`);
      const parts = splitPaste(stdout);
      expect(parts.map((p) => [p.kind, p.lineStart, p.unreadable ?? false]), name).toEqual([['tpm-quote', 0, false]]);
      expect(parts[0].text, name).toBe(stdout.trimEnd());
    }
    const parts = splitPaste(swtpmText('q3_ecdsa_multibank.stdout.yaml'));
    expect(parseQuote(parts[0].text)?.quote?.bytes).toEqual(readSharedData('swtpm', 'q3_ecdsa_multibank.msg'));
    expect(parseTpmSignature(parts[0].text)?.scheme).toBe('der-ecdsa');
    expect(parsePcrValues(parts[0].text)?.values.get('sha256')?.size).toBe(11);
  });

  it('tpm2_quote stdout among other things: its hex wrapped by a terminal, then a key and a nonce, each its own part', () => {
    const [quoted, ...rest] = swtpmText('q1_rsassa_sha256_10.stdout.yaml').trimEnd().split('\n');
    const wrapped = (quoted.match(/.{1,64}/g) ?? []).join('\n');
    const parts = splitPaste(['$ tpm2_quote -c ak.ctx -l sha256:10 -q 0123456789abcdef0123456789abcdef -o q1.pcrs', wrapped, ...rest, swtpmText('ak_rsa.pem').trim(), 'nonce: 0123456789abcdef0123456789abcdef'].join('\n'));
    expect(parts.map((p) => p.kind)).toEqual(['unknown', 'tpm-quote', 'ak-public', 'nonce']);
    expect(parts[1].text).toBe([quoted, ...rest].join('\n'));
  });

  it('a support-ticket paste: chatter, nonce, wrapped hex quote, PEM key, evmctl PCRs, a Keylime string', () => {
    const msgHex = toHex(readSharedData('swtpm', 'q1_rsassa_sha256_10.msg'));
    const text = [
      'Hi, attestation fails on host abc. Details below.',
      '',
      'nonce: 0123456789abcdef0123456789abcdef',
      'quote:',
      ...msgHex.match(/.{1,60}/g) ?? [],
      '',
      swtpmText('ak_rsa.pem').trim(),
      swtpmText('evmctl_pcrs_sha256.txt').trim(),
      '',
      `sig: ${toHex(readSharedData('swtpm', 'q2_rsassa_plain.sig'))}`,
      swtpmText('keylime_quote_string.txt').trim(),
      'thanks!',
    ].join('\n');
    const parts = splitPaste(text);
    expect(parts.map((p) => [p.kind, p.lineStart])).toEqual([
      ['unknown', 0],
      ['nonce', 2],
      ['unknown', 3],
      ['tpm-quote', 4],
      ['ak-public', 10],
      ['pcr-values', 19],
      ['tpm-signature', 44],
      ['tpm-quote', 45],
      ['unknown', 46],
    ]);
    expect(parts[1].text).toBe('0123456789abcdef0123456789abcdef');
    expect(toHex(parseQuote(parts[3].text)?.quote?.bytes ?? new Uint8Array())).toBe(msgHex);
    expect(parseAkPublic(parts[4].text)?.source).toBe('spki-pem');
    expect(parsePcrValues(parts[5].text)?.values.get('sha256')?.size).toBe(24);
    expect(parseTpmSignature(parts[6].text)?.scheme).toBe('plain-rsa');
  });

  it("tpm2_print's TPMS_ATTEST: its extraData is the quote's own, never taken as the verifier's nonce", () => {
    const printed = swtpmText('q1_rsassa_sha256_10.msg.tpm2_print.yaml').trimEnd();
    const parts = splitPaste([`quote: ${toHex(readSharedData('swtpm', 'q1_rsassa_sha256_10.msg'))}`, printed].join('\n'));
    expect(parts.map((p) => [p.kind, p.lineStart])).toEqual([
      ['tpm-quote', 0],
      ['unknown', 1],
    ]);
    expect(parts[1].text).toBe(printed);
    // Not understood as a check, and said why (the analysis refuses it with this reason).
    expect(parts[1].why).toMatch(/^a quote's fields as tpm2_print prints them, which cannot be checked/);
    // A line nothing reads after it is a part of its own, not said to be tpm2_print's.
    const after = splitPaste([printed, 'thanks!'].join('\n'));
    expect(after.map((p) => [p.kind, p.why === undefined])).toEqual([
      ['unknown', false],
      ['unknown', true],
    ]);
  });

  it("tpm2_print's TPMS_ATTEST ends at a line it does not print: the user's nonce and quote after it are read", () => {
    const printed = swtpmText('q1_rsassa_sha256_10.msg.tpm2_print.yaml').trimEnd();
    const quote = toHex(readSharedData('swtpm', 'q1_rsassa_sha256_10.msg'));
    const nonce = `nonce: ${'0123456789abcdef'.repeat(2)}`;
    const parts = splitPaste([printed, nonce, `quote: ${quote}`].join('\n'));
    const lines = printed.split('\n').length;
    expect(parts.map((p) => [p.kind, p.lineStart])).toEqual([
      ['unknown', 0],
      ['nonce', lines],
      ['tpm-quote', lines + 1],
    ]);
    expect(parts[0].text).toBe(printed);
    // Pasted without its 'magic:' line, its extraData is still no verifier's nonce.
    expect(splitPaste(printed.slice(printed.indexOf('type:'))).map((p) => p.kind)).not.toContain('nonce');
    expect(splitPaste('extraData: 0123456789abcdef0123456789abcdef').map((p) => p.kind)).toEqual(['unknown']);
  });

  it('labels guide but content decides; a lone labelled digest is not a PCR listing', () => {
    const parts = splitPaste(
      [`signature: ${toHex(readSharedData('swtpm', 'q1_rsassa_sha256_10.msg'))}`, `calcDigest: ${'ab'.repeat(32)}`, `ak=${toHex(readSharedData('swtpm', 'ak_ecc.pub'))}`].join('\n'),
    );
    expect(parts.map((p) => p.kind)).toEqual(['tpm-quote', 'unknown', 'ak-public']);
  });

  it('tpm2_checkquote output and a Keylime agent JSON', () => {
    const check = splitPaste(swtpmText('checkquote_fail_nonce.txt'));
    expect(check.map((p) => p.kind)).toEqual(['unknown', 'pcr-values', 'tpm-signature', 'unknown']);
    const json = splitPaste(`here:\n${swtpmText('keylime_agent_quote_response.json')}\nbye`);
    expect(json.map((p) => [p.kind, p.lineStart])).toEqual([
      ['unknown', 0],
      ['tpm-quote', 1],
      ['unknown', json[2]?.lineStart ?? -1],
    ]);
  });

  it('empty and odd input', () => {
    expect(splitPaste('')).toEqual([]);
    expect(splitPaste('\n\n  \n')).toEqual([]);
    expect(splitPaste('-----BEGIN PUBLIC KEY-----\nAAAA')).toEqual([{ kind: 'unknown', text: '-----BEGIN PUBLIC KEY-----\nAAAA', lineStart: 0 }]);
    expect(splitPaste('{ "unterminated": ')).toEqual([{ kind: 'unknown', text: '{ "unterminated": ', lineStart: 0 }]);
  });
});
