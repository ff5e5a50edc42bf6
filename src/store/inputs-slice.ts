/**
 * What the user gave: files (handles only; the worker reads them) with an optional forced
 * kind, the pasted quote/PCR text and the expected nonce. Changing any of these is what
 * makes the app (re)open or (re)analyze.
 */
import type { StateCreator } from 'zustand/vanilla';
import type { InputKind } from '../core/report/report';
import type { InspectorState } from './inspector-store';
import { unusedName } from '../core/util/distinct-names';

export interface UserInput {
  readonly id: string;
  readonly name: string;
  readonly file: Blob;
  /** Forced by the user from the inputs list; undefined means "detect by content". */
  readonly kind?: InputKind;
  /** Which drop of files it came with, counted from 1: a new log in a later drop starts a new case. */
  readonly drop: number;
}

export interface InputsSlice {
  readonly inputs: readonly UserInput[];
  /** Text pasted into the quote box. */
  readonly paste: string;
  /** The nonce the verifier sent, hex. */
  readonly nonce: string;
  /** Judge a runtime policy exactly as Keylime's verifier does (no extended findings). */
  readonly keylimeCompat: boolean;
  /** Adds files to the current set (drop a quote after the log). */
  addFiles(files: readonly { readonly name: string; readonly file: Blob }[]): void;
  /** Replaces every input (a sample, or a fresh start). */
  replaceInputs(files: readonly { readonly name: string; readonly file: Blob }[]): void;
  removeInput(id: string): void;
  /** A new case began: lets go of the old case's inputs, its pasted text and nonce. */
  leaveCase(ids: readonly string[]): void;
  setInputKind(id: string, kind: InputKind | undefined): void;
  setPaste(text: string): void;
  setNonce(text: string): void;
  setKeylimeCompat(on: boolean): void;
  clearInputs(): void;
}

let nextInputId = 1;
let nextDrop = 1;
/**
 * The files of one drop (or one pick in the file dialog, or one sample). A name already taken
 * (by `before` or this drop: two boots' `binary_runtime_measurements`) is numbered, `name (2)`,
 * so that no finding or message names two inputs alike (a browser gives no file's folder).
 */
function withIds(files: readonly { readonly name: string; readonly file: Blob }[], before: readonly UserInput[] = []): UserInput[] {
  const drop = nextDrop++;
  const taken = new Set(before.map((i) => i.name));
  return files.map((f) => ({ id: `input-${nextInputId++}`, name: unusedName(f.name, taken), file: f.file, drop }));
}

export const createInputsSlice: StateCreator<InspectorState, [], [], InputsSlice> = (set) => ({
  inputs: [],
  paste: '',
  nonce: '',
  keylimeCompat: false,
  addFiles: (files) => set((s) => ({ inputs: [...s.inputs, ...withIds(files, s.inputs)] })),
  replaceInputs: (files) => set({ inputs: withIds(files), paste: '', nonce: '' }),
  removeInput: (id) => set((s) => ({ inputs: s.inputs.filter((i) => i.id !== id) })),
  leaveCase: (ids) => set((s) => ({ inputs: s.inputs.filter((i) => !ids.includes(i.id)), paste: '', nonce: '' })),
  setInputKind: (id, kind) =>
    set((s) => ({
      inputs: s.inputs.map((i) => {
        if (i.id !== id) return i;
        const { kind: _previous, ...rest } = i;
        return kind === undefined ? rest : { ...rest, kind };
      }),
    })),
  setPaste: (paste) => set({ paste }),
  setNonce: (nonce) => set({ nonce }),
  setKeylimeCompat: (keylimeCompat) => set({ keylimeCompat }),
  clearInputs: () => set({ inputs: [], paste: '', nonce: '' }),
});
