/**
 * Where tests find the outside data: `../shared/data` beside the clone (never copied into
 * the project). Paths are relative to the repository root, which is vitest's cwd.
 */
import { readFileSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';

export const SHARED_DATA_DIR = resolve(process.cwd(), '..', 'shared', 'data');

export function sharedDataPath(...parts: string[]): string {
  return resolve(SHARED_DATA_DIR, ...parts);
}

export function readSharedData(...parts: string[]): Uint8Array {
  return new Uint8Array(readFileSync(sharedDataPath(...parts)));
}

export function readSharedText(...parts: string[]): string {
  return readFileSync(sharedDataPath(...parts), 'utf8');
}

export function hasSharedData(): boolean {
  return existsSync(SHARED_DATA_DIR);
}
