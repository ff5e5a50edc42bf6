/** Titles and help of the policy dry run's finding codes (merged into FINDING_HELP). */
import type { FindingHelp } from '../analysis/finding-help';

export const POLICY_FINDING_HELP = {
  'policy-not-in-allowlist': {
    title: 'Not in the runtime policy',
    severity: 'error',
    help: 'Keylime fails an entry whose path (or ima-buf name) the policy does not list and that carries no valid signature: "File not found in allowlist". Add the path with its digest to the policy (digests, or keyrings / ima-buf for ima-buf entries), exclude it, or sign the file.',
  },
  'policy-digest-mismatch': {
    title: 'Digest not in the runtime policy',
    severity: 'error',
    help: 'The path is in the policy but not with the measured digest ("Hash not found in runtime policy"): the file changed (an update) or was tampered with. If the change is expected, add the new digest to the path’s list.',
  },
  'policy-pass': {
    title: 'Every entry passes the policy',
    severity: 'info',
    help: 'Keylime’s verifier would accept every entry of this list under this policy and these keys.',
  },
  'policy-envelope-invalid': {
    title: 'Signed policy does not verify',
    severity: 'error',
    help: 'The DSSE signature of the policy does not verify with the given key: Keylime refuses it ("Runtime policy failed DSSE signature verification!"). Re-sign the policy or give the key that signed it.',
  },
  'policy-excludes-ignored': {
    title: 'Keylime ignores every exclude',
    severity: 'warning',
    help: 'Keylime joins the excludes into one Python pattern; when it does not compile (a global inline flag such as (?i), an unbalanced parenthesis, a bad escape), Keylime logs an error and ignores all of them.',
  },
  'signature-invalid': {
    title: 'IMA signature does not verify',
    severity: 'error',
    help: 'The file signature does not verify with the key its keyid names (or, without a policy, no key verifies it). The file, its digest or the signature changed since signing, or the wrong key was given. A signature that cannot be read at all (signature-malformed without keys) is counted here once keys are given: no key can verify it; its line says why.',
  },
  'signature-malformed': {
    title: 'Malformed IMA signature',
    severity: 'warning',
    help: 'The entry’s signature field is not a signature any key could verify: a wrong xattr type or version, a header whose sig_size is not the length that follows, an unknown hash algorithm, or an appended signature that is no PKCS#7 message. A kernel appraising the file refuses it, and Keylime treats a header of the wrong size as no signature at all (its template-hash check of such an ima-sig entry then fails). Re-sign the file (evmctl ima_sign) and compare its security.ima xattr with the value measured. Said without keys because no key is needed to see it; with keys or a policy it is a failed signature check (signature-invalid).',
  },
  'signature-unknown-key': {
    title: 'Signature by an unknown key',
    severity: 'warning',
    help: 'No supplied or measured key has the signature’s keyid. Give the signer’s certificate (or add its public key to the policy’s verification-keys).',
  },
  'policy-schema-invalid': {
    title: 'Policy fails Keylime’s schema',
    severity: 'warning',
    help: 'Keylime validates policies against its JSON schema when they are stored; this one would be refused there. Its evaluator (what is run here) reads it anyway.',
  },
  'policy-excludes-inexact': {
    title: 'Exclude not evaluated exactly',
    severity: 'warning',
    help: 'An exclude uses Python regular-expression syntax with no exact JavaScript form; entries are judged as if no exclude matched.',
  },
  'policy-exclude-anchoring': {
    title: 'Exclude reaches further than it reads',
    severity: 'info',
    help: 'Keylime matches excludes at the start of the path only (re.match): "/tmp" also excludes "/tmpfoo". End the pattern with $ for one path.',
  },
  'policy-unparsable-entry': {
    title: 'Template Keylime cannot parse',
    severity: 'error',
    help: 'Keylime parses only ima, ima-ng, ima-sig and ima-buf lines; other templates (ima-sigv2, ima-modsig, evm-sig, custom) fail as "Line was not parsable into a valid IMA entry".',
  },
  'policy-template-hash': {
    title: 'Template hash fails in Keylime',
    severity: 'error',
    help: 'Keylime recomputes each template hash with the policy’s ima.log_hash_alg (sha1 when no policy is given) from the fields it parsed; these entries differ, so Keylime fails them without looking at the policy.',
  },
  'policy-wrong-pcr': {
    title: 'Entry not in PCR 10',
    severity: 'error',
    help: 'Keylime expects every IMA entry in PCR 10 ("IMA PCR is not the configured one").',
  },
  'policy-violation': {
    title: 'Violation fails in Keylime',
    severity: 'error',
    help: 'With ignore_tomtou_errors = true (the code default) Keylime records each violation entry as a failure; the shipped keylime.conf sets it to false, which skips them.',
  },
  'policy-invalid-key': {
    title: 'Unsupported key measured',
    severity: 'error',
    help: 'An ima-buf entry holds a key that is neither RSA nor EC; Keylime fails it.',
  },
  'policy-signature-unverified': {
    title: 'Signed entry Keylime cannot verify',
    severity: 'error',
    help: 'With keys and no runtime policy, Keylime fails every ima-sig entry whose signature does not verify with its keyrings ("signature for file … could not be validated"): here the entry is signed, but no key has the signature’s keyid, or the signature is of a kind Keylime does not check. Give the certificate of the signing key, or a runtime policy listing the digests. (A signature that does not verify with the key its keyid names is signature-invalid; an entry with no signature is policy-unsigned-entry.)',
  },
  'policy-unsigned-entry': {
    title: 'Unsigned entry Keylime fails',
    severity: 'error',
    help: 'With keys and no runtime policy, Keylime accepts an ima-sig entry only by a signature that verifies with its keyrings, and these entries carry none (an empty signature field: the file has no security.ima signature, as boot_aggregate never has). Keylime fails each as "signature for file … could not be validated", though no signature was there to verify. Give a runtime policy listing their digests, or sign the files (evmctl ima_sign) if the IMA policy appraises them.',
  },
  'signatures-unchecked': {
    title: 'Signatures not checked',
    severity: 'info',
    help: 'Entries of the list carry IMA signatures (ima-sig, ima-modsig), and no key or runtime policy was given, so none was verified: their presence says nothing about the files. Give the certificates or public keys that signed them (or the policy’s verification-keys) and imascope checks each as the kernel does, and as Keylime does with --keylime-compat.',
  },
  'policy-key-learned': {
    title: 'Key learned from the log',
    severity: 'info',
    help: 'An ima-buf entry measured a key into an IMA keyring and the policy’s keyrings list the entry’s recorded digest, so Keylime adds the key in its buffer and later signatures by it verify. Keylime does not hash the buffer: when it does not hash to the recorded digest (buffer-digest-mismatch), the key learned is not the one the policy lists.',
  },
  'policy-note': {
    title: 'Policy dry run note',
    severity: 'info',
    help: 'How the inputs were used for the policy dry run.',
  },
  'signature-unsupported': {
    title: 'Signature not checkable here',
    severity: 'info',
    help: 'A signature type, version or hash this tool does not verify (portable EVM signatures, SM3, streebog, version 1).',
  },
  'buffer-digest-mismatch': {
    title: 'ima-buf digest differs from its buffer',
    severity: 'error',
    help: 'The entry’s recorded digest is not the hash of its buffer. The kernel computes both from the one buffer, so the entry was made or altered by something else, and its template hash covers the forged pair. Keylime never checks this: it judges the recorded digest and, for a key entry, learns the key in the buffer. Checked with or without a policy, in both modes; keys from such entries are not used by the extended signature checks.',
  },
  'buffer-digest-unchecked': {
    title: 'ima-buf digest not checked',
    severity: 'info',
    help: 'The entry’s digest algorithm has no implementation here, so whether the digest is the hash of its buffer is unknown (not a pass).',
  },
} as const satisfies Record<string, FindingHelp>;
