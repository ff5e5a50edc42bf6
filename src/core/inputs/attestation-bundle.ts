/**
 * `attestation-bundle`: one file holding a machine's attestation, whose parts (AK,
 * certificate, quotes, signatures, PCRs, event log) are read next, each as an input of its own
 * kind: a go-tpm-tools `Attestation` protobuf (tpm/attestation-bundle.ts) or a go-attestation
 * dump (JSON, tpm/go-attestation-dump.ts). The sniff's decoding is what the loader splits.
 */
import type { Attestation } from '../tpm/go-tpm-tools/attest_pb';
import { readAttestationBundle, sniffAttestationBundle } from '../tpm/attestation-bundle';
import { readGoAttestationDump, sniffGoAttestationDump } from '../tpm/go-attestation-dump';
import type { InputKindModule } from './input-kind-module';

type Learned = { readonly attestation?: Attestation } | { readonly goDump: { readonly dump?: Record<string, unknown> } };

export const attestationBundle: InputKindModule<Learned> = {
  kind: 'attestation-bundle',
  sniff: (sample) => {
    const goDump = sniffGoAttestationDump(sample.text, sample.whole);
    return goDump !== undefined ? { goDump } : sniffAttestationBundle(sample.bytes, sample.whole !== undefined);
  },
  load: (input, learned, sink) => {
    const bundle =
      learned !== undefined && 'goDump' in learned
        ? readGoAttestationDump(input.name, input.bytes, learned.goDump.dump)
        : isJsonText(input.bytes)
          ? readGoAttestationDump(input.name, input.bytes)
          : readAttestationBundle(input.name, input.bytes, learned?.attestation);
    if (bundle.parts === undefined) sink.refuse(input, bundle.error);
    else {
      sink.found.push(...bundle.parts);
      sink.notes.push(...bundle.notes);
    }
  },
};

/** A JSON object's first byte (after white space): a protobuf Attestation starts with 0x0a. */
function isJsonText(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) return b === 0x7b;
  return false;
}
