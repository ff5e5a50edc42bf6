/**
 * A list's own checks, as `analyze` makes them before any replay: its framing (parse errors),
 * template hashes, byte order, templates and digest sizes, and buffers against their digests. `imascope compare` makes them on
 * each list it aligns that no PCR values or quote came with (those go through `analyze`
 * whole): a tampered or damaged list is no evidence of what changed.
 */
import type { HashProvider } from '../hash/hash-provider';
import { verifyTemplateHashes } from '../ima/template-digests';
import { bufferDigestFindings, checkBufferDigests } from '../policy/buffer-digest';
import type { ImaLog } from '../model/ima-log';
import type { Finding } from '../report/report';
import { compareFindings } from './finding-help';
import { logFindings } from './findings';
import { computeLogFacts } from './log-facts';

/** The findings, worst first; sets the entries' verification flags as `analyze` does. */
export function listFindings(log: ImaLog, name: string, provider: HashProvider): Finding[] {
  const hashes = verifyTemplateHashes(log, provider);
  return [...logFindings(log, computeLogFacts(log, hashes), hashes, name), ...bufferDigestFindings(checkBufferDigests(log, provider))].sort(compareFindings);
}
