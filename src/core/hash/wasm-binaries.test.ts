/**
 * wasm-binaries.ts holds hash-wasm's own WebAssembly modules byte for byte. This test checks
 * them against the installed hash-wasm package (so an upgrade cannot drift silently) and, with
 * UPDATE_WASM_BINARIES=1, regenerates the file from it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { HASH_WASM_VERSION, WASM_BINARIES, type WasmModuleName } from './wasm-binaries';

const require = createRequire(import.meta.url);
const packageDir = dirname(require.resolve('hash-wasm/package.json'));
const installedVersion = (JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string }).version;
const bundle = readFileSync(join(packageDir, 'dist', 'index.esm.js'), 'utf8');
const NAMES: readonly WasmModuleName[] = ['sha1', 'sha256', 'sha512', 'sm3'];

/** The base64 module hash-wasm's ESM bundle embeds as `var name$x = "sha1"; var data$x = "…"`. */
function installedBase64(name: WasmModuleName): string {
  const m = new RegExp(`var name(\\$\\w+)? = "${name}";\\s*var data\\1 = "([A-Za-z0-9+/=]+)"`).exec(bundle);
  if (m === null) throw new Error(`hash-wasm ${installedVersion} has no embedded ${name} module`);
  return m[2];
}

function generate(): string {
  const lines = NAMES.map((n) => `  ${n}:\n    '${installedBase64(n)}',`);
  return `/**
 * hash-wasm's WebAssembly hash modules (hash-wasm ${installedVersion}, MIT License, © 2020 Dani Biró;
 * C sources derived from RHash), base64, byte for byte as that package embeds them. wasm-hasher.ts
 * instantiates them and calls their exports directly, without hash-wasm's per-call JavaScript.
 * The sha512 module also computes SHA-384 (Hash_Init(384)).
 *
 * Generated; do not edit. wasm-binaries.test.ts fails when the installed hash-wasm differs;
 * regenerate with \`UPDATE_WASM_BINARIES=1 npx vitest run src/core/hash/wasm-binaries.test.ts\`.
 */
export const HASH_WASM_VERSION = '${installedVersion}';

export type WasmModuleName = 'sha1' | 'sha256' | 'sha512' | 'sm3';

export const WASM_BINARIES: Readonly<Record<WasmModuleName, string>> = {
${lines.join('\n')}
};
`;
}

describe('wasm-binaries.ts', () => {
  it('holds the modules of the installed hash-wasm', () => {
    if (process.env.UPDATE_WASM_BINARIES === '1') {
      writeFileSync(join(dirname(fileURLToPath(import.meta.url)), 'wasm-binaries.ts'), generate());
      return;
    }
    expect(HASH_WASM_VERSION).toBe(installedVersion);
    for (const n of NAMES) expect(WASM_BINARIES[n], n).toBe(installedBase64(n));
  });
});
