/**
 * The export menu's runtime-policy files: a Keylime policy made from the open log (as
 * `imascope policy create`), or the judged policy with the entries it failed added, for the
 * user to review before downloading (core/policy/create-policy.ts, policy-patch.ts).
 */
import { createPolicy, policyJsonText, policyTimestamp } from '../../core/policy/create-policy';
import { failingEntriesPatch } from '../../core/policy/policy-patch';
import { EntryFlag } from '../../core/model/ima-log';
import { encodeText } from '../../core/util/bytes';
import { plural } from '../../core/util/count-text';
import { SessionError, type Handlers } from '../session';

/** Policy entries sent to the page for review; the file holds them all. */
const REVIEW_LIMIT = 500;

/** Why no policy file is made (create-policy.ts policyBase), in the export menu's words. */
function refusal(refused: string): SessionError {
  return new SessionError('noLog', `No policy can be made from this list: ${refused}.`);
}

export const policyHandlers: Handlers<'exportPolicy'> = {
  exportPolicy: async (session, { kind }) => {
    const opened = session.requireLog();
    const timestamp = policyTimestamp(new Date().toISOString());
    if (kind === 'from-log') {
      // As `policy create`: a list whose template hashes fail is no known-good reference.
      let altered = 0;
      for (const f of opened.log.entries.flags) if ((f & EntryFlag.HashMismatch) !== 0) altered++;
      if (altered > 0) {
        throw new SessionError('noLog', `${plural(altered, 'entry has', 'entries have')} a template digest that is not the hash of the template data; a policy is made only from a list that verifies.`);
      }
      const created = createPolicy([opened.log], await session.hashProvider(), { timestamp });
      if ('refused' in created) throw refusal(created.refused);
      const { policy, added, skipped } = created;
      return { bytes: encodeText(policyJsonText(policy)), addedCount: added.length, added: added.slice(0, REVIEW_LIMIT), skipped, notFixable: [], wasSigned: false };
    }
    const run = session.state.policyRun;
    if (run?.policy === undefined) throw new SessionError('noLog', 'No runtime policy was judged: give one with the log first.');
    const patch = failingEntriesPatch(run, opened.log, await session.hashProvider());
    if ('refused' in patch) throw refusal(patch.refused);
    (patch.policy.meta as Record<string, unknown>).timestamp = timestamp;
    return {
      bytes: encodeText(policyJsonText(patch.policy)),
      addedCount: patch.added.length,
      added: patch.added.slice(0, REVIEW_LIMIT),
      skipped: patch.skipped,
      notFixable: patch.notFixable.slice(0, REVIEW_LIMIT),
      wasSigned: run.policy.format === 'keylime-dsse',
    };
  },
};
