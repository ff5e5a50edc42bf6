// The template table against ima-format.md §4.1 and §11, and the field walk on Appendix A.1.
import { describe, expect, it } from 'vitest';
import { fromHex } from '../util/bytes';
import {
  AlgorithmSource,
  countExactFields,
  createFieldScan,
  describeTemplate,
  FieldKind,
  scanTemplateFields,
} from './template-registry';

describe('describeTemplate', () => {
  it('knows the built-in templates of §4.1', () => {
    const table: Record<string, string> = {
      ima: 'd|n',
      'ima-ng': 'd-ng|n-ng',
      'ima-ngv2': 'd-ngv2|n-ng',
      'ima-sig': 'd-ng|n-ng|sig',
      'ima-sigv2': 'd-ngv2|n-ng|sig',
      'ima-buf': 'd-ng|n-ng|buf',
      'ima-modsig': 'd-ng|n-ng|sig|d-modsig|modsig',
      'evm-sig': 'd-ng|n-ng|evmsig|xattrnames|xattrlengths|xattrvalues|iuid|igid|imode',
    };
    for (const [name, format] of Object.entries(table)) {
      const d = describeTemplate(name);
      expect(d.info).toEqual({ name, fields: format.split('|'), known: true });
      expect(d.isLegacyIma).toBe(name === 'ima');
      expect(d.nameField).toBe(1);
      expect(d.fileDigestField).toBe(0);
    }
    expect(describeTemplate('evm-sig').widths.slice(6)).toEqual([4, 4, 2]);
  });

  it('reads custom templates from their format string (§11); `d|n` is not the legacy rule', () => {
    const custom = describeTemplate('n-ng|sig|d-ng');
    expect(custom.info.known).toBe(true);
    expect([custom.nameField, custom.fileDigestField]).toEqual([0, 2]);
    expect(describeTemplate('d|n').isLegacyIma).toBe(false);
    expect(describeTemplate('sig').info).toEqual({ name: 'sig', fields: ['sig'], known: true });
    expect(describeTemplate('sig').nameField).toBe(-1);
  });

  it('marks unknown names and field ids', () => {
    expect(describeTemplate('ima-dep-cgn').info).toEqual({ name: 'ima-dep-cgn', fields: [], known: false });
    const partial = describeTemplate('d-ng|foo');
    expect(partial.info).toEqual({ name: 'd-ng|foo', fields: ['d-ng', 'foo'], known: false });
    expect(partial.kinds).toEqual([FieldKind.DigestWithAlgo, FieldKind.Unknown]);
  });
});

describe('scanTemplateFields', () => {
  // Appendix A.1 template data (L = 63).
  const td = fromHex(
    '28000000 7368613235363a00 a948904f2f0f479b8f8197694b30184b0d2ed1c1cd2a1ec0fb85d299a192a447 ' +
      '0f000000 2f7573722f62696e2f68656c6c6f00',
  ) ?? new Uint8Array(0);

  it('finds the name (without NUL) and the digest after "sha256:" NUL', () => {
    const scan = createFieldScan();
    scanTemplateFields(td, 0, td.length, true, describeTemplate('ima-ng'), scan);
    expect(scan).toMatchObject({
      flags: 0,
      fieldCount: 2,
      nameOffset: 48,
      nameLength: 14,
      fileDigestOffset: 12,
      fileDigestLength: 32,
      algorithmSource: AlgorithmSource.Prefix,
      algOffset: 4,
      algLength: 6,
    });
    expect(countExactFields(td, 0, td.length, true)).toBe(2);
    expect(countExactFields(td, 0, td.length - 1, true)).toBe(-1);
  });

  it('flags a field count that differs from the template and an overrunning length', () => {
    const scan = createFieldScan();
    scanTemplateFields(td, 0, td.length, true, describeTemplate('ima-sig'), scan);
    expect(scan.flags).toBe(1 << 5);
    scanTemplateFields(td, 0, td.length - 1, true, describeTemplate('ima-ng'), scan);
    expect(scan.flags).toBe(1 << 5);
    scanTemplateFields(td, 0, td.length, false, describeTemplate('ima-ng'), scan);
    expect(scan.flags).toBe(1 << 5);
  });
});
