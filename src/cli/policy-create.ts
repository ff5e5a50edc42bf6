/**
 * `imascope policy create [--exclude FILE]... LOG...`: writes a Keylime runtime policy v1 built
 * from known-good measurement lists to stdout (CONTRACT §5.2). Exit 0, or 2 for a usage error
 * or a file that is not an IMA list / exclude list.
 */
import { plural } from '../core/util/count-text';
import { readFileSync } from 'node:fs';
import { imaListOptions, recogniseInput } from '../core/inputs/registry';
import { createHashProvider } from '../core/hash/hash-provider';
import { parseImaLog } from '../core/ima/parse-ima-log';
import { verifyTemplateHashes } from '../core/ima/template-digests';
import type { ImaLog } from '../core/model/ima-log';
import { createPolicy, policyJsonText, policyTimestamp } from '../core/policy/create-policy';
import { parseExcludeList } from '../core/policy/excludes';
import { translatePythonRegex } from '../core/policy/python-regex';
import { decodeExactText } from '../core/util/bytes';
import { say } from './say';

export const POLICY_USAGE = `usage: imascope policy create [--exclude FILE]... LOG... > policy.json

Writes a Keylime runtime policy (format version 1) accepting every file, key and buffer
measured in the given known-good IMA lists. --exclude adds the regular expressions of an
exclude list (one per line).`;

export async function policyMain(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${POLICY_USAGE}\n`);
    return 0;
  }
  const [sub, ...rest] = argv;
  if (sub !== 'create') return usage(sub === undefined ? 'policy needs a subcommand' : `unknown policy subcommand '${sub}'`);
  const excludes: string[] = [];
  const logs: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '--exclude') {
      const file = rest[++i];
      if (file === undefined) return usage('--exclude needs a file');
      const read = readText(file);
      if (read === undefined) return 2;
      for (const [n, pattern] of parseExcludeList(read).entries()) {
        // keylime-policy validates each exclude with re.compile and stops at the first bad one.
        if (translatePythonRegex(pattern).kind === 'rejected') {
          // The line is the file's, maybe binary: its controls are marked, never sent to the terminal.
          say(`${file}: exclude ${n + 1} "${pattern}" is not a valid Python regular expression`);
          return 2;
        }
        excludes.push(pattern);
      }
    } else if (rest[i].startsWith('-')) return usage(`unknown option '${rest[i]}'`);
    else logs.push(rest[i]);
  }
  if (logs.length === 0) return usage('no IMA lists given');
  const provider = await createHashProvider();
  const parsed: ImaLog[] = [];
  for (const file of logs) {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(readFileSync(file));
    } catch (e) {
      say(`cannot read ${file}: ${(e as Error).message}`);
      return 2;
    }
    const recognised = recogniseInput(bytes, true);
    const options = imaListOptions(recognised);
    if (options === undefined) {
      const kind = recognised?.module.kind;
      say(`${file}: not an IMA measurement list${kind === undefined ? '' : ` (it reads as ${kind})`}`);
      return 2;
    }
    const log = parseImaLog(bytes, options);
    if (log.errors.length > 0) {
      say(`${file}: byte ${log.errors[0].offset}: ${log.errors[0].message}`);
      return 2;
    }
    // Also settles the template-hash algorithm. A tampered or corrupted list is no known-good
    // reference: its altered entries would be written into the policy as accepted digests.
    const { mismatches } = verifyTemplateHashes(log, provider);
    if (mismatches.length > 0) {
      say(`${file}: ${plural(mismatches.length, 'entry has', 'entries have')} a template digest that is not the hash of the template data (#${mismatches.slice(0, 5).join(', #')}${mismatches.length > 5 ? ', …' : ''}); a known-good list must verify`);
      return 2;
    }
    parsed.push(log);
  }
  const created = createPolicy(parsed, provider, { excludes, timestamp: policyTimestamp(new Date().toISOString()) });
  if ('refused' in created) {
    say(`no policy written: ${created.refused}`);
    return 2;
  }
  for (const s of created.skipped) say(`left out ${s}`);
  process.stdout.write(policyJsonText(created.policy));
  return 0;
}

/** The exclude list's text; keylime-policy reads it as UTF-8 text and stops on other bytes. */
function readText(file: string): string | undefined {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    say(`cannot read ${file}: ${(e as Error).message}`);
    return undefined;
  }
  const text = decodeExactText(bytes);
  if (text === undefined) say(`${file}: not an exclude list: its bytes are not UTF-8 text`);
  return text;
}

function usage(message: string): number {
  say(message);
  process.stderr.write(`${POLICY_USAGE}\n`);
  return 2;
}
