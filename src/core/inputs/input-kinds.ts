/**
 * The input kinds by name and in words (CONTRACT §2 and §5.1), in the contract's order: the
 * report's `inputs[].kind`, the CLI's `--kind FILE=KIND` and accepted-inputs text, the app's
 * labels and re-classify menu. Each kind's behaviour (sniff, loader) is its module in this
 * folder, and `registry.ts` orders them; the words are here, apart from the parsers, so that
 * the app's main thread can name a kind without loading them.
 */
export const INPUT_KINDS = [
  'ima-binary',
  'ima-ascii',
  'tcg-eventlog',
  'pcr-values',
  'tpm-quote',
  'tpm-signature',
  'ak-public',
  'ima-key',
  'attestation-bundle',
  'runtime-policy',
  'exclude-list',
  'ima-keyring',
] as const;

export type InputKind = (typeof INPUT_KINDS)[number];

export interface InputKindWords {
  /** How the app names it ("TPM quote"). */
  readonly label: string;
  /** How the lists of accepted inputs name it, plural. */
  readonly accepted: string;
}

export const INPUT_KIND_WORDS: { readonly [K in InputKind]: InputKindWords } = {
  'ima-binary': { label: 'IMA list (binary)', accepted: 'IMA measurement lists (binary_runtime_measurements in either byte order, or a per-bank list)' },
  'ima-ascii': { label: 'IMA list (ASCII)', accepted: 'ascii_runtime_measurements' },
  'tcg-eventlog': { label: 'firmware event log', accepted: 'firmware event logs (binary_bios_measurements, tpm2_eventlog output, CEL-JSON)' },
  'pcr-values': { label: 'PCR values', accepted: 'PCR listings (evmctl, tpm2_pcrread, tpm2 PCR files, N: hex lines, JSON)' },
  'tpm-quote': { label: 'TPM quote', accepted: 'TPM quotes (TPMS_ATTEST binary, hex or base64, tpm2_quote output, a Keylime quote string)' },
  'tpm-signature': { label: 'quote signature', accepted: 'quote signatures (TPMT_SIGNATURE, DER ECDSA, plain RSA)' },
  'ak-public': { label: 'attestation key', accepted: 'attestation keys and certificates (PEM, DER, TPM2B_PUBLIC, tpm2_readpublic YAML)' },
  'ima-key': { label: 'IMA verification key', accepted: 'IMA keys' },
  'attestation-bundle': { label: 'attestation (go-tpm-tools, go-attestation)', accepted: 'attestations (go-tpm-tools protobuf, go-attestation JSON dump)' },
  'runtime-policy': { label: 'runtime policy', accepted: 'runtime policies and allowlists' },
  'exclude-list': { label: 'exclude list', accepted: 'exclude lists' },
  'ima-keyring': { label: 'IMA keyring (verification-keys)', accepted: 'IMA keyrings (verification-keys JSON)' },
};

export function inputKindLabel(kind: InputKind): string {
  return INPUT_KIND_WORDS[kind].label;
}

/** Every accepted kind in words, for the messages about a file no kind fits. */
export const ACCEPTED_INPUTS: string = listed(INPUT_KINDS.map((k) => INPUT_KIND_WORDS[k].accepted));

function listed(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

export function isInputKind(name: string): name is InputKind {
  return (INPUT_KINDS as readonly string[]).includes(name);
}
