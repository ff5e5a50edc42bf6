import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { Ajv } from 'ajv';
import { parseImaKeys } from '../ima-signature/ima-key';
import { readSharedData } from '../testing/shared-data';
import { encodeText } from '../util/bytes';
import { checkEnvelope, dsseKeyId } from './dsse';
import { compileExcludes, parseExcludeList, startAnchoredExcludes } from './excludes';
import { RUNTIME_POLICY_SCHEMA, validatePolicySchema } from './policy-schema';
import { translatePythonRegex } from './python-regex';
import { parseRuntimePolicy, PolicyInputError } from './runtime-policy';
import { parseTenantKeyring } from './tenant-keyring';

const P = (...parts: string[]) => readSharedData('policy', 'keylime', ...parts);
const text = (s: string) => encodeText(s);
const ajv = new Ajv({ strict: false });
const schemaValid = ajv.compile(RUNTIME_POLICY_SCHEMA);

describe('runtime policy formats', () => {
  it('reads Keylime test/data/runtime-policy-test.json (21 digests, testload.mod, .ima keyring)', () => {
    const bytes = P('policies', 'runtime-policy-test.json');
    expect(createHash('sha256').update(bytes).digest('hex')).toBe('64608ceb82d6d6459e8ac5ffd19865d670d1fe99417e10f20446de5d125bc4ab');
    const { format, policy } = parseRuntimePolicy(bytes);
    expect(format).toBe('keylime-v1');
    expect(policy.digests.size).toBe(21);
    expect(policy.digests.get('/boot/grub2/i386-pc/testload.mod')?.[0]).toMatch(/^68e1d012/);
    expect(policy.keyrings.get('.ima')?.[0]).toMatch(/^a7d52aaa/);
  });

  it('unwraps the DSSE envelope to the same policy and checks its P-256 signature', () => {
    const plain = parseRuntimePolicy(P('policies', 'runtime-policy-test.json'));
    const signed = parseRuntimePolicy(P('policies', 'runtime-policy-test-signed.json'));
    expect(signed.format).toBe('keylime-dsse');
    expect(signed.envelope?.payload).toEqual(P('policies', 'runtime-policy-test.json'));
    expect([...signed.policy.digests]).toEqual([...plain.policy.digests]);
    const keys = parseImaKeys(P('policies', 'runtime-policy-pubkey.pub'));
    if (!keys.ok) throw new Error('key');
    expect(dsseKeyId(keys.keys[0])).toMatch(/^8114198d.*9e05$/);
    expect(checkEnvelope(signed.envelope!, keys.keys).status).toBe('valid');
    const bad = parseRuntimePolicy(P('policies', 'runtime-policy-test-signed-bad.json'));
    expect(checkEnvelope(bad.envelope!, keys.keys)).toEqual({ status: 'invalid', detail: 'Runtime policy failed DSSE signature verification!' });
    expect(checkEnvelope(signed.envelope!, []).status).toBe('unchecked');
  });

  it('converts the old JSON allowlist as keylime_convert_runtime_policy does', () => {
    const { format, policy } = parseRuntimePolicy(P('convert', 'legacy-allowlist.json'));
    expect(format).toBe('legacy-json');
    expect(policy.digests.get('/lib/modules/5.4.48-openpower1/kernel/drivers/gpu/drm/drm_panel_orientation_quirks.ko')?.[0]).toMatch(/^cd026b58/);
    expect(policy.keyrings.get('.ima')).toHaveLength(1);
    expect(parseExcludeList(new TextDecoder().decode(P('convert', 'excludelist.txt')))).toContain('/usr/bin/zmore');
  });

  it('reads a flat allowlist with %keyring: lines and digests copied verbatim', () => {
    const { format, policy } = parseRuntimePolicy(P('convert', 'ima-allowlist-short.txt'));
    expect(format).toBe('allowlist');
    expect(policy.digests.get('boot_aggregate')).toEqual(['sha256:4309217e9709def327c3409407f4d52907aeba46ef1b4f46529fd095f2ef9fb2']);
    expect(policy.digests.get('/boot/grub2/i386-pc/pata.mod')).toEqual(['ee4d2b601c0efc0ea97314c2818667a83272eac1']);
    expect(policy.keyrings.get('.ima')?.[0]).toMatch(/^a7d52aaa/);
  });

  it('a flat allowlist and an exclude list whose paths hold DEL and control characters, read as Keylime reads them', () => {
    // The converter's _convert_flat_format_allowlist and update_runtime_policy's exclude-file
    // loop, run by CPython 3.11 on these texts, give the maps and lists below: DEL, \x01 and ESC
    // are kept; \v, U+001C and U+0085 end a line (the path is cut there); U+001F is whitespace
    // (stripped, or the split between digest and path); a BOM is none.
    const flat = 'aa11  /usr/bin/del\u007fname\nbb22 /usr/bin/ctl\u0001a\u001f\ncc33\t/usr/bin/esc\u001b[0m\ndd44  /usr/bin/vt\u000bname\nee55  /usr/bin/fs\u001cname\nff66 /usr/bin/nel\u0085x\n\ufeff0077  /bom\n0088\u001f/us-sep\n';
    const { format, policy } = parseRuntimePolicy(text(flat));
    expect(format).toBe('allowlist');
    expect(Object.fromEntries(policy.digests)).toEqual({
      '/usr/bin/del\u007fname': ['aa11'],
      '/usr/bin/ctl\u0001a': ['bb22'],
      '/usr/bin/esc\u001b[0m': ['cc33'],
      '/usr/bin/vt': ['dd44'],
      '/usr/bin/fs': ['ee55'],
      '/usr/bin/nel': ['ff66'],
      '/bom': ['\ufeff0077'],
      '/us-sep': ['0088'],
    });
    // re.match(r'\s', c) for U+0085, U+001F: a match; for U+FEFF: none.
    const space = translatePythonRegex('a\\sb');
    if (space.kind !== 'ok') throw new Error(space.kind);
    expect(['a\u0085b', 'a\u001fb', 'a\ufeffb'].map((t) => ((space.regex.lastIndex = 0), space.regex.test(t)))).toEqual([true, true, false]);
    expect(parseExcludeList('/usr/bin/del\u007f\n\u001f/tmp/x\u001f\n\ufeff/bom\n# c\n\u0085/nel\n')).toEqual(['/usr/bin/del\u007f', '/tmp/x', '\ufeff/bom', '/nel']);
  });

  it('names the place of what is not a policy', () => {
    const err = (s: string) => {
      try {
        parseRuntimePolicy(text(s));
      } catch (e) {
        if (e instanceof PolicyInputError) return [e.message, e.place];
      }
      return undefined;
    };
    expect(err('{"digests": {"/a": ["ab"], }')?.[0]).toMatch(/not valid JSON/);
    // A place even where V8's message names none ("Unexpected token '}', … is not valid JSON").
    expect(err('{"digests": {"/a": ["ab"]},\n "excludes": [1,\n }')?.[1]).toBe('line 3, column 2');
    // Columns count characters, as Python's colno does: an emoji before the error is one.
    expect(err('{"digests": {"/\u{1F600}": ["ab"], }')?.[1]).toBe('line 1, column 28');
    expect(err('{"digests": {"/a": "ab"}}')?.[1]).toBe('/digests/~1a');
    expect(err('{"payload": "%%%"}')?.[1]).toBe('/payload');
    expect(err('{"payload": "aGVsbG8="}')?.[0]).toMatch(/DSSE payload is not valid JSON/);
  });
});

describe("Keylime's JSON schema", () => {
  const cases = ['policy-empty.json', 'policy-test.json', 'policy-with-excludes.json', 'policy-with-verification-keys.json', 'runtime-policy-test.json'];
  it.each(cases)('agrees with ajv on %s', (file) => {
    const doc = JSON.parse(new TextDecoder().decode(P('policies', file))) as unknown;
    expect(validatePolicySchema(doc).length === 0).toBe(schemaValid(doc));
  });
  it('refuses policy-test.json for its missing release (as PROVENANCE says)', () => {
    const doc = JSON.parse(new TextDecoder().decode(P('policies', 'policy-test.json'))) as unknown;
    expect(validatePolicySchema(doc)).toContainEqual({ place: '', message: "'release' is a required property" });
  });
  it('tenant keyring: the good one gives f3452d23 and 531f4025, the one without keyids is dropped', () => {
    const good = parseTenantKeyring(new TextDecoder().decode(P('keys', 'tenant-keyring.json')), 'k');
    expect(good.keys?.map((k) => k.keyId.toString(16))).toEqual(['f3452d23', '531f4025']);
    const bad = parseTenantKeyring(new TextDecoder().decode(P('keys', 'tenant-keyring-bad.json')), 'k');
    expect(bad.keys).toBeUndefined();
    expect(bad.problems[0]).toMatch(/'keyids' is a required property/);
  });
});

describe('Python exclude patterns', () => {
  const m = (patterns: string[], path: string) => compileExcludes(patterns).match(path);
  it('matches at the start only, like re.match', () => {
    expect(m(['/tmp'], '/tmpfoo')).toBe(true);
    expect(m(['/tmp'], '/x/tmp')).toBe(false);
    expect(m(['/tmp$'], '/tmpfoo')).toBe(false);
    expect(m(['/tmp$'], '/tmp\n')).toBe(true); // Python's $ also matches before a final newline
    expect(m(['/tmp\\Z'], '/tmp\n')).toBe(false);
    expect(m(['boot_aggregate'], 'boot_aggregate_x')).toBe(true);
    expect(m(['/a', '/b.*'], '/bin')).toBe(true);
  });
  it('translates Python-only syntax exactly', () => {
    expect(m(['(?P<dir>/usr)/(?P=dir)'], '/usr//usr')).toBe(true);
    expect(m(['\\A/var/log'], '/var/log/x')).toBe(true);
    expect(m(['/x{,2}y'], '/xxy')).toBe(true);
    expect(m(['/a{b'], '/a{b')).toBe(true);
    expect(m(['[]a]'], ']')).toBe(true);
    expect(m(['/d\\d'], '/d٣')).toBe(true); // Python \d is Unicode
    expect(m(['/.'], '/\r')).toBe(true); // . is anything but \n in Python
  });
  it('ignores every exclude when Python would not compile the joined pattern', () => {
    const c = compileExcludes(['/tmp', '(?i)/VAR']);
    expect(c.status).toBe('ignored');
    expect(c.match('/tmp')).toBe(false);
    expect(compileExcludes(['/a(']).status).toBe('ignored');
    expect(compileExcludes(['\\q']).status).toBe('ignored');
    expect(compileExcludes(['*x']).status).toBe('ignored');
  });
  it('flags what has no exact JavaScript form', () => {
    expect(translatePythonRegex('(?>a)').kind).toBe('inexact');
    expect(translatePythonRegex('a*+').kind).toBe('inexact');
    expect(translatePythonRegex('(?i:a)').kind).toBe('inexact');
    expect(compileExcludes(['/ok', '(?>a)']).status).toBe('inexact');
  });
  it('explains start-only anchoring with an example', () => {
    expect(startAnchoredExcludes(['/tmp', '/var/.*$', '/etc/x.conf'])).toEqual([
      ['/tmp', '/tmpfoo'],
      ['/etc/x.conf', '/etc/x.conffoo'],
    ]);
  });
});
