/**
 * What every input kind provides (one module per kind in this folder, listed in
 * `registry.ts`): its name, a sniff that recognises it by content and returns what it
 * learned, and a loader that takes that and reads the input into the analysis' inputs.
 */
import type { RawInput } from '../analysis/analysis-types';
import { asText, decodeHexOrBase64 } from '../tpm/binary-input';
import { decodeText } from '../util/bytes';
import type { InputKind } from './input-kinds';
import type { LoadSink } from './load-sink';

/** Bytes a sniff of text or of a stream's start looks at (every text form shows itself there). */
export const SNIFF_HEAD_BYTES = 64 * 1024;

/**
 * One input as the sniffs see it. `head` is its first 64 KiB; `whole` is all of it when the
 * caller holds it (the CLI, a paste, load-inputs), absent when only the head was read (the
 * app's worker before it streams a list). Text forms are judged on the head so that the
 * answer never depends on how much the caller read; structures with an exact length (a
 * quote, a signature, a key, a bundle) are parsed whole when they can be. The text and its
 * hex/base64 decoding are worked out once, for every sniff that asks.
 */
export class Sample {
  readonly head: Uint8Array;
  readonly whole: Uint8Array | undefined;
  #text: string | undefined | null = null;
  #decoded: Uint8Array | undefined | null = null;
  #namesText: string | undefined | null = null;

  constructor(bytes: Uint8Array, isWhole: boolean) {
    this.head = bytes.subarray(0, SNIFF_HEAD_BYTES);
    this.whole = isWhole ? bytes : undefined;
  }

  /** The whole input when held, else its head (what a structure parse can be given). */
  get bytes(): Uint8Array {
    return this.whole ?? this.head;
  }

  /** The head as text when it is text (no control bytes but tab, CR, LF). */
  get text(): string | undefined {
    if (this.#text === null) this.#text = asText(this.head);
    return this.#text;
  }

  /**
   * The head as text when it holds no NUL byte: the control characters and DEL that `text`
   * refuses may be in the paths a policy, an allowlist or an exclude list names (they come
   * from IMA logs, whose names hold any byte but NUL).
   */
  get namesText(): string | undefined {
    if (this.#namesText === null) this.#namesText = this.head.includes(0) ? undefined : (this.text ?? decodeText(this.head));
    return this.#namesText;
  }

  /** For text: the hex or base64 it spells; for bytes that are not text: undefined. */
  get decoded(): Uint8Array | undefined {
    if (this.#decoded === null) {
      const text = this.text;
      const decoded = text === undefined ? undefined : decodeHexOrBase64(text);
      this.#decoded = decoded !== undefined && decoded.length > 0 ? decoded : undefined;
    }
    return this.#decoded;
  }

  /**
   * Whether `binary` stands for the whole input (so that a parse of it is the input's parse,
   * which the loader may reuse): bytes held whole, or text that fits in the head.
   */
  get binaryIsWhole(): boolean {
    return this.whole !== undefined && (this.text === undefined || this.whole.length === this.head.length);
  }

  /** What a binary structure's parse is given: the bytes themselves, or what their text spells. */
  get binary(): Uint8Array | undefined {
    if (this.text !== undefined) return this.decoded;
    return this.bytes.length > 0 ? this.bytes : undefined;
  }
}

/**
 * `Learned` is what the sniff found out (a list's byte order and digest size, a parsed quote):
 * the loader gets it back and never works it out again. It gets `undefined` when the kind was
 * given (`--kind`, the app's menu) and the sniff did not recognise the input, or when only the
 * head was sniffed and the result needs the whole: the loader then reads the input itself and
 * refuses it with the place it stops at.
 */
export interface InputKindModule<Learned = unknown> {
  /** Its name; its words are INPUT_KIND_WORDS[kind] (input-kinds.ts). */
  readonly kind: InputKind;
  sniff(sample: Sample): Learned | undefined;
  load(input: RawInput, learned: Learned | undefined, sink: LoadSink): void;
  /**
   * For the paste splitter (split-paste.ts), kinds a pasted part can be: the parse that
   * confirms a part is this kind, and the labels that say a line holds it (`quote: …`).
   */
  readonly paste?: { readonly labels?: RegExp; confirms(text: string): boolean };
}
