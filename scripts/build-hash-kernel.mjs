// Builds the batch hash kernel (wasm/hash-kernel.ts, AssemblyScript) and writes its bytes, base64,
// to src/core/hash/kernel-binary.ts; with --stdout, prints that file instead (kernel-binary.test.ts
// compares it with the committed one).
import { writeFileSync } from 'node:fs';
import { compileHashKernel, kernelBinarySource } from './hash-kernel-build.mjs';

const source = kernelBinarySource(await compileHashKernel());
if (process.argv.includes('--stdout')) process.stdout.write(source);
else writeFileSync('src/core/hash/kernel-binary.ts', source);
