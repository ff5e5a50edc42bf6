/**
 * What each finding code means and what to do about it: shown beside every finding in the
 * app, and in the CLI's human summary. Stable codes; this text may improve freely.
 */
import type { Finding, FindingCode, Severity } from '../report/report';
import { POLICY_FINDING_HELP } from '../policy/policy-finding-help';

export interface FindingHelp {
  readonly title: string;
  readonly severity: Severity;
  readonly help: string;
}

export const FINDING_HELP: Readonly<Record<FindingCode, FindingHelp>> = {
  'parse-error': {
    title: 'Bytes that are not a valid entry',
    severity: 'error',
    help: 'The list is truncated or corrupted at this offset. Entries before it were kept; the verifier will reject the list. Re-read the list from securityfs (copy it whole, e.g. with cat > file) and check that nothing rewrote it.',
  },
  'unknown-template': {
    title: 'Template or field not decoded',
    severity: 'warning',
    help: 'The entry uses a template or field this tool does not know. It is still replayed from its bytes, so PCR checks are unaffected; its fields are shown raw.',
  },
  'name-with-spaces': {
    title: 'Name with spaces in a rewritten list',
    severity: 'info',
    help: 'Kernels since 3.13 (templates ima-ng and later) write spaces in names as "_". A name with a space in such an entry means a tool wrote or rewrote the list; its template hash still covers the name as written, so the entry verifies. Compare with the list read from securityfs if the rewrite is unexpected.',
  },
  'digest-size-mismatch': {
    title: 'File digest of the wrong length',
    severity: 'warning',
    help: 'The digest field names an algorithm (sha256:) but holds a digest of another length. The kernel never writes that: a tool forged or rewrote the entry. Its template hash may still verify, since it covers the field as written.',
  },
  'byte-order-big': {
    title: 'Big-endian list',
    severity: 'info',
    help: 'The list was written by a big-endian kernel without ima_canonical_fmt. Verifiers that assume little-endian (evmctl, most agents) cannot read it; boot with ima_canonical_fmt or convert the list.',
  },
  'byte-order-mixed': {
    title: 'Entries hashed in the opposite byte order',
    severity: 'warning',
    help: 'These entries verify only with their length words in the other byte order: the list was converted or carried across architectures (kexec between big- and little-endian kernels) without ima_canonical_fmt.',
  },
  'byte-order-contradicted': {
    title: 'PCR matched only in the byte order the template hashes contradict',
    severity: 'error',
    help: 'The supplied PCR value is reproduced only when every template hash is recomputed with its length words in the other byte order than the one the list’s own template hashes verify in. The kernel extends the PCR with the same template digests it records, so the value and the list belong to different machines or interpretations (evmctl rejects the pair): read both from the same machine and boot.',
  },
  'template-hash-mismatch': {
    title: 'Template hash does not match its data',
    severity: 'error',
    help: 'The recorded template digest differs from the hash of the entry’s own data: the entry was altered after it was measured, or the list was corrupted. The PCR replay uses the recorded digest, as the kernel did.',
  },
  violation: {
    title: 'Measurement violation',
    severity: 'warning',
    help: 'A file was opened for write while measured (ToMToU) or measured while open for write (open-writers). The kernel recorded an all-zero digest and extended 0xFF. Verifiers must accept these explicitly (evmctl --ignore-violations, Keylime policy).',
  },
  'pcr-match': {
    title: 'PCR matches the whole log',
    severity: 'info',
    help: 'Replaying every entry reproduces the supplied value.',
  },
  'log-ahead-of-pcrs': {
    title: 'Log read after the PCRs',
    severity: 'info',
    help: 'The supplied value equals the replay after fewer entries than the log has: the list was read after the PCRs were quoted. That is normal when list and quote are not read atomically; the verifier must stop at that entry.',
  },
  'pcr-mismatch': {
    title: 'No prefix of the log reproduces the PCR',
    severity: 'error',
    help: 'The log is missing entries the TPM saw (lost across kexec, a truncated list), belongs to another boot, was altered, or the value comes from another bank or machine. A PCR at its reset value (all zeros) was never extended, so it attests no entry of a log that extends it. See the evidence in the message and the timeline.',
  },
  'padded-sha1-extend': {
    title: 'Bank extended with padded SHA-1 digests',
    severity: 'warning',
    help: 'The bank matches only when extended with zero-padded SHA-1 template digests, as kernels 5.1–5.7 did. Verifiers that recompute per-bank digests (Keylime, evmctl) will fail; use the SHA-1 bank or a kernel ≥ 5.8.',
  },
  'kexec-soft-reboot': {
    title: 'List carried across kexec',
    severity: 'info',
    help: 'A later boot_aggregate means the machine soft-rebooted with kexec and the new kernel appended to the old list. PCR10 was not reset, so the whole list must be replayed.',
  },
  'kexec-window-lost': {
    title: 'Measurements may be lost across kexec',
    severity: 'error',
    help: 'Kernels before 6.16 copied the list at kexec load: anything measured between load and execute was extended into the TPM but is missing from the carried list, so the PCR cannot be reproduced. A cold boot restores attestation; kernels ≥ 6.16 copy at execute.',
  },
  'boot-aggregate-mismatch': {
    title: 'boot_aggregate differs from PCRs 0–9',
    severity: 'error',
    help: 'The boot_aggregate entry does not equal the digest of the supplied (or firmware-replayed) PCRs 0–7/0–9: the log comes from another boot, the PCR values are from another bank or time, or the firmware log is incomplete.',
  },
  'quote-digest-mismatch': {
    title: 'Quote digest reproduced by no prefix',
    severity: 'error',
    help: 'No prefix of the log, replayed with the supplied PCRs, reproduces the quote’s pcrDigest. The log and the quote disagree: see the PCR checks for which PCR.',
  },
  'quote-signature-invalid': {
    title: 'Quote signature does not verify',
    severity: 'error',
    help: 'The signature does not verify over the quote with this attestation key: a different key, a tampered quote, or a signature of another message.',
  },
  'quote-key-not-ak': {
    title: 'Quote signed by a key that is not an attestation key',
    severity: 'error',
    help: 'The signature verifies, but the key given for it is a TPM key whose attributes make it no attestation key: not restricted (it signs any digest with TPM2_Sign, a forged quote among them), not a signing key, not bound to the TPM (fixedTPM, fixedParent or sensitiveDataOrigin clear: its private key may live outside the TPM), or with reserved bits set that no TPM accepts. Such a signature shows nothing about what the TPM measured; go-attestation refuses these keys ("AK is exportable", "provided key is not limited to attestation"). Give the AK the TPM made for attestation: tpm2_createak makes one (restricted|sign|fixedtpm|fixedparent|sensitivedataorigin), and tpm2_readpublic shows its attributes.',
  },
  'quote-nonce-mismatch': {
    title: 'Quote nonce differs',
    severity: 'error',
    help: 'The quote’s extraData is not the nonce the verifier sent: a replayed or stale quote.',
  },
  'quote-match': {
    title: 'Quote reproduced',
    severity: 'info',
    help: 'The quote’s pcrDigest equals the digest of the replayed and supplied PCRs at the entry named.',
  },
  'boot-aggregate-match': {
    title: 'boot_aggregate matches the PCRs',
    severity: 'info',
    help: 'The boot_aggregate entry equals the digest of the supplied (or firmware-replayed) PCRs: the log belongs to this boot of this machine.',
  },
  'boot-aggregate-unchecked': {
    title: 'boot_aggregate not checked',
    severity: 'warning',
    help: "The boot_aggregate entry is a digest over PCRs 0–9 (0–7 for sha1) of its own bank, and the supplied PCR values have those PCRs in other banks only (evmctl's sha1 PCR file beside a sha256 boot_aggregate): they were given for other checks, so this one is said, not failed. Supply that bank's PCRs 0–9, or the firmware log, to check that the list belongs to this boot of this machine.",
  },
  'firmware-pcr-match': {
    title: 'Firmware log reproduces the PCRs',
    severity: 'info',
    help: 'Replaying the firmware event log gives the supplied values of these PCRs.',
  },
  'firmware-pcr-mismatch': {
    title: 'Firmware log does not reproduce a PCR',
    severity: 'error',
    help: 'The firmware event log replays to another value than the one supplied: the log is truncated, from another boot, or the firmware extended events it did not log. A known quirk is named when it explains the value.',
  },
  'firmware-event-digest': {
    title: 'Firmware event data does not match its digest',
    severity: 'warning',
    help: 'For these events the digest should be the hash of the event data. The digest is what was extended; the data shown may not describe what was measured.',
  },
  'firmware-note': {
    title: 'Firmware log note',
    severity: 'info',
    help: 'A fact about the firmware log’s framing (padding, trailer events, start values) worth knowing when comparing tools.',
  },
  'bank-lists-differ': {
    title: 'Per-bank lists of one log differ',
    severity: 'error',
    help: 'The kernel writes the same entries into every per-bank list (binary_runtime_measurements_sha1, _sha256 …); only the template digests differ. An entry whose PCR, template or data differs between them was altered in one list after measurement, or the lists are not of the same boot. Each bank is replayed from its own list; compare both with known-good copies.',
  },
  'lists-disagree': {
    title: 'Two IMA lists of one bank disagree',
    severity: 'error',
    help: "Lists of one bank that record different measurements were given, and nothing supplied tells which is the machine's: no PCR values or quote, or the replay of none (or of more than one) reproduces them. One of them may have been edited, so neither is trusted. Compare them with imascope compare, or give the PCR values or quote read with the machine's list: the list whose replay reproduces them is analysed.",
  },
  'bank-lists-read-apart': {
    title: 'Per-bank lists read at different moments',
    severity: 'warning',
    help: 'The lists agree entry for entry, but one has more entries: it was read later, after more files were measured. Read all per-bank lists (and the quote) together, or compare each bank with PCR values read with its own list.',
  },
  'input-unused': {
    title: 'Input not used',
    severity: 'warning',
    help: 'An input could not be read or is not needed. Check that the right file was given, or re-classify it.',
  },
  'input-unreadable': {
    title: 'Input cannot be read',
    severity: 'error',
    help: 'A supplied input cannot be read as the kind it was given or recognised as: the message says where (byte offset, line or field) and what was expected there. Nothing it should have checked was checked, so the verdict cannot be a pass.',
  },
  'check-incomplete': {
    title: 'A supplied check could not be made',
    severity: 'error',
    help: 'Something was given to be checked but what it needs is missing: a signature without a readable key, a key without a quote, a quote without its signature. A check that cannot be made is a failure, never a pass: supply the missing part.',
  },
  'usage-error': {
    title: 'The command line was not understood',
    severity: 'error',
    help: 'imascope analyze stopped before reading the inputs: an unknown option, a missing value, or a value it cannot use (a nonce that is not hex, Keylime text or base64; an unknown bank). Nothing was checked. The message names the argument; imascope --help lists them.',
  },
  'output-unwritable': {
    title: 'An output file cannot be written',
    severity: 'error',
    help: 'The analysis ran, but a file it was asked to write (--html) could not be written: the message says why. The rest of the report stands.',
  },
  'internal-error': {
    title: 'imascope failed (a bug)',
    severity: 'error',
    help: 'An unexpected error stopped the analysis: this is a bug in imascope, not a verdict on the inputs. Please report it with the input files.',
  },
  'quote-unsigned': {
    title: 'Quote not signed',
    severity: 'warning',
    help: 'The quote was given without its signature and without an attestation key. Its PCR digest was compared with the log, but anyone can write those bytes: nothing shows that a TPM made the quote. Give the signature (tpm2_quote -s sig.bin, or the signature in Keylime’s quote string) and the AK (tpm2_readpublic output, a PEM key or its certificate) to verify it.',
  },
  'quote-misses-log': {
    title: 'The quote does not attest the log',
    severity: 'warning',
    help: 'The quote is sound for the PCRs it selects, but it selects none of the PCRs the IMA log extends (PCR 10 by default), so nothing in it vouches for any entry of the log: a verifier that judges the log with this quote would find the log unattested. Keylime asks the agent for a quote that includes PCR 10; take the quote made with the log (tpm2_quote -l sha256:10, or the selection your verifier uses).',
  },
  'input-ima-key': {
    title: 'Key used as an IMA verification key',
    severity: 'info',
    help: 'A public key or certificate that verifies none of the supplied quotes is not the attestation key; it is kept as a key for IMA file signatures.',
  },
  ...POLICY_FINDING_HELP,
};

const SEVERITY_RANK: Readonly<Record<Severity, number>> = { error: 0, warning: 1, info: 2 };

export function compareSeverity(a: Severity, b: Severity): number {
  return SEVERITY_RANK[a] - SEVERITY_RANK[b];
}

/**
 * Within one severity, causes come before the symptoms they explain, so that the verdict (the
 * first finding) names why: lost kexec entries before the PCR mismatch they produce.
 */
const CAUSES_FIRST: readonly FindingCode[] = [
  'input-unreadable',
  // Which list is analysed, and so what its other findings are, is then arbitrary.
  'lists-disagree',
  'parse-error',
  'kexec-window-lost',
  'template-hash-mismatch',
  'quote-signature-invalid',
  'quote-key-not-ak',
  'quote-nonce-mismatch',
  'boot-aggregate-mismatch',
  'firmware-pcr-mismatch',
  'byte-order-contradicted',
  'byte-order-mixed',
  'padded-sha1-extend',
];

function causeRank(code: FindingCode): number {
  const i = CAUSES_FIRST.indexOf(code);
  return i < 0 ? CAUSES_FIRST.length : i;
}

/** The order of `report.findings`: worst severity first, then causes before symptoms. */
export function compareFindings(a: Finding, b: Finding): number {
  return compareSeverity(a.severity, b.severity) || causeRank(a.code) - causeRank(b.code);
}
