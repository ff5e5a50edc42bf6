// Template and field names come from the log: names that are also properties of
// Object.prototype must be plain data everywhere (registry look-ups, counts, the report's JSON).
import { beforeAll, describe, expect, it } from 'vitest';
import { createWasmHashProvider, type HashProvider } from '../hash/hash-provider';
import { analyzeRaw } from '../analysis/analyze';
import { buildImaLog } from '../testing/build-ima-log';
import { encodeText } from '../util/bytes';
import { describeTemplate } from './template-registry';

let provider: HashProvider;
beforeAll(async () => {
  provider = await createWasmHashProvider();
});

const KEYS = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'prototype'];

describe('names that are Object.prototype keys', () => {
  it('are unknown templates and unknown fields, never built-ins', () => {
    for (const key of KEYS) {
      expect(describeTemplate(key).info).toEqual({ name: key, fields: [], known: false });
      const custom = describeTemplate(`d-ng|n-ng|${key}`);
      expect(custom.info.known).toBe(false);
      expect(custom.nameField).toBe(1);
    }
  });

  for (const form of ['binary', 'ascii'] as const) {
    for (const template of [...KEYS, ...KEYS.map((k) => `d-ng|n-ng|${k}`), `${KEYS[1]}|n-ng`]) {
      it(`${form} list with template "${template}": every entry kept and counted in the report`, async () => {
        const extraFields = Object.fromEntries(KEYS.map((k) => [k, Uint8Array.of(0xab)]));
        const built = buildImaLog([{ path: '/a' }, { template, path: '/x', extraFields }, { path: '/b' }], { provider });
        const bytes = form === 'binary' ? built.binary : encodeText(built.ascii);
        const report = (await analyzeRaw([{ name: 'list', bytes }], {}, provider)).report;
        expect(report.log?.entries).toBe(3);
        expect(report.log?.errors).toEqual([]);
        const back = JSON.parse(JSON.stringify(report)) as typeof report;
        const templates = back.log?.templates ?? {};
        expect(Object.hasOwn(templates, template)).toBe(true);
        expect(Object.hasOwn(templates, 'ima-ng')).toBe(true);
        expect(Object.entries(templates)).toEqual([['ima-ng', 2], [template, 1]]);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      });
    }
  }
});
