/**
 * Which kind of input a file is, by its content alone (CONTRACT §2: never by name). The
 * order matters: the binary formats have magic or structure that text cannot imitate, so
 * they are tried first; text forms last, most specific first.
 */
import { sniffImaLog } from '../ima/sniff-ima';
import { sniffFirmwareLog } from '../eventlog/event-log';
import { sniffTpmArtefact } from '../tpm/classify-tpm';
import type { InputKind } from '../report/report';
import { classifyPolicyInput, looksLikeExcludeList } from '../policy/policy-inputs';

/** `head`: the first bytes of the file (64 KiB is plenty for every format). */
export function classifyInput(head: Uint8Array): InputKind | undefined {
  if (head.length === 0) return undefined;
  if (sniffFirmwareLog(head)) return 'tcg-eventlog';
  const ima = sniffImaLog(head);
  if (ima !== undefined) return ima.kind;
  const policy = classifyPolicyInput(head);
  if (policy !== undefined) return policy;
  return sniffTpmArtefact(head) ?? (looksLikeExcludeList(head) ? 'exclude-list' : undefined);
}

/** How much of a file `classifyInput` needs. */
export const CLASSIFY_HEAD_BYTES = 64 * 1024;
