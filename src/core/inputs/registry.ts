/**
 * The input kinds, in the order their sniffs are tried (CONTRACT §2: by content, never by
 * name). Binary formats with magic or structure text cannot imitate come first; text forms
 * last, most specific first; the exclude list, which little else fails to look like, last of
 * all. Classification, loading (load-inputs.ts), the CLI's `--kind` and "accepted" texts, the
 * app's labels and the paste splitter all read this list. Adding a kind: its name in
 * input-kinds.ts, its module here, its place below, and its test in registry.test.ts.
 */
import type { InputKindModule } from './input-kind-module';
import { Sample } from './input-kind-module';
import type { InputKind } from './input-kinds';
import type { BinaryFraming } from '../ima/binary-list-parser';
import type { ImaParseOptions } from '../ima/parse-ima-log';
import { tcgEventlog } from './tcg-eventlog';
import { binaryListOptions, imaBinary } from './ima-binary';
import { asciiListOptions, imaAscii } from './ima-ascii';
import { attestationBundle } from './attestation-bundle';
import { runtimePolicy } from './runtime-policy';
import { imaKeyring } from './ima-keyring';
import { imaKey } from './ima-key';
import { tpmQuote } from './tpm-quote';
import { pcrValues } from './pcr-values';
import { tpmSignature } from './tpm-signature';
import { akPublic } from './ak-public';
import { excludeList } from './exclude-list';

export const INPUT_KIND_MODULES: readonly InputKindModule[] = [
  // The firmware log before IMA lists: its sniff refuses them, theirs might take it.
  tcgEventlog,
  imaBinary,
  imaAscii,
  attestationBundle,
  runtimePolicy,
  imaKeyring,
  imaKey,
  // TPM artefacts: a quote's structure is the most specific; plain RSA signatures (random
  // bytes of a key's size) and DER keys the least.
  pcrValues,
  tpmQuote,
  tpmSignature,
  akPublic,
  excludeList,
];

const BY_KIND = new Map<InputKind, InputKindModule>(INPUT_KIND_MODULES.map((m) => [m.kind, m]));

export function inputKindModule(kind: InputKind): InputKindModule {
  const module = BY_KIND.get(kind);
  if (module === undefined) throw new Error(`no module for input kind ${kind}`);
  return module;
}

/** What the sniff of `module` learned about an input: handed to its loader. */
export interface Recognised {
  readonly module: InputKindModule;
  readonly learned: unknown;
}

/**
 * The first kind whose sniff recognises `bytes`. `isWhole`: `bytes` is the whole input
 * (else its first bytes, at least SNIFF_HEAD_BYTES of them unless the input is shorter).
 */
export function recogniseInput(bytes: Uint8Array, isWhole: boolean, among: readonly InputKindModule[] = INPUT_KIND_MODULES): Recognised | undefined {
  if (bytes.length === 0) return undefined;
  const sample = new Sample(bytes, isWhole);
  for (const module of among) {
    const learned = module.sniff(sample);
    if (learned !== undefined) return { module, learned };
  }
  return undefined;
}

/** The input read as `kind` (given with --kind or in the app's menu): its sniff, if it agrees. */
export function recogniseAs(kind: InputKind, bytes: Uint8Array, isWhole: boolean): Recognised {
  const module = inputKindModule(kind);
  return { module, learned: bytes.length === 0 ? undefined : module.sniff(new Sample(bytes, isWhole)) };
}

/** Which kind `bytes` is (see recogniseInput). */
export function classifyInput(bytes: Uint8Array, isWhole = true): InputKind | undefined {
  return recogniseInput(bytes, isWhole)?.module.kind;
}

/**
 * The parser options for an input recognised as an IMA list (its format, and the byte order
 * and digest size its sniff found), or undefined for any other kind: for callers that parse
 * the list themselves (the app's worker streams it; `imascope compare`, `policy create`).
 */
export function imaListOptions(recognised: Recognised | undefined): ImaParseOptions | undefined {
  // `learned` came from `module`'s own sniff: Recognised keeps the two together.
  if (recognised?.module === imaBinary) return binaryListOptions(recognised.learned as BinaryFraming | undefined);
  if (recognised?.module === imaAscii) return asciiListOptions(recognised.learned as number | undefined);
  return undefined;
}
