/**
 * `attestation-bundle`: a go-tpm-tools `Attestation` protobuf (tpm/attestation-bundle.ts).
 * Its parts (AK, certificate, quotes, signatures, PCRs, event log) are read next, each as an
 * input of its own kind. The sniff's decoding is what the loader splits.
 */
import { readAttestationBundle, sniffAttestationBundle } from '../tpm/attestation-bundle';
import type { InputKindModule } from './input-kind-module';

export const attestationBundle: InputKindModule<ReturnType<typeof sniffAttestationBundle>> = {
  kind: 'attestation-bundle',
  sniff: (sample) => sniffAttestationBundle(sample.bytes, sample.whole !== undefined),
  load: (input, learned, sink) => {
    const bundle = readAttestationBundle(input.name, input.bytes, learned?.attestation);
    if (bundle.parts === undefined) sink.refuse(input, bundle.error);
    else {
      sink.found.push(...bundle.parts);
      sink.notes.push(...bundle.notes);
    }
  },
};
