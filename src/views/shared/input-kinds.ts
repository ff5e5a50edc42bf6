import type { InputKind } from '../../core/report/report';

export const INPUT_KIND_LABELS: Readonly<Record<InputKind, string>> = {
  'ima-binary': 'IMA list (binary)',
  'ima-ascii': 'IMA list (ASCII)',
  'tcg-eventlog': 'firmware event log',
  'pcr-values': 'PCR values',
  'tpm-quote': 'TPM quote',
  'tpm-signature': 'quote signature',
  'ak-public': 'attestation key',
  'ima-key': 'IMA verification key',
  'attestation-bundle': 'go-tpm-tools attestation',
  'runtime-policy': 'runtime policy',
  'exclude-list': 'exclude list',
  'ima-keyring': 'IMA keyring (verification-keys)',
};
