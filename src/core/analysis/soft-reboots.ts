/**
 * The log cut at each `boot_aggregate`, and for each later boot — a kexec soft reboot whose
 * new kernel appended to the carried list (ima-format.md §7.4) — what the kexec records
 * (§7.3, 6.16+) say about the copy: whether `kexec_execute` followed the last `kexec_load`,
 * the command line measured for it (`kexec-cmdline`), and their counters compared with the
 * entries and bytes actually before them in the list.
 *
 * Counters (§7.3): `ima_runtime_measurements_count` is the number of entries in the list when
 * the record was made, `ima_binary_runtime_size` the kernel's running size of that list with
 * the 24-byte kexec header (`KexecMarker.runtimeSizeBefore` recomputes it), and
 * `kexec_segment_size` the bytes reserved at load. From 6.16 the copy happens at execute,
 * after the execute record joined the list, and stops when the segment is full.
 */
import type { BootFact, KexecCmdline, KexecMarker, LogFacts } from './log-facts';

/**
 * complete: kexec_load then kexec_execute before the new boot; no-execute: the last
 * kexec_load has no kexec_execute after it (the carried list stops early); no-markers: no
 * kexec record at all (a kernel before 6.16, which copied the list at load).
 */
export type SoftRebootOutcome = 'complete' | 'no-execute' | 'no-markers';

export interface SoftReboot {
  /** 2 for the first soft reboot: the boot_aggregate's rank in the list. */
  readonly ordinal: number;
  /** The old kernel's boot_aggregate. */
  readonly previousBoot: BootFact;
  /** The new kernel's boot_aggregate. */
  readonly boot: BootFact;
  /** The last kexec_load of the old kernel (the one that was executed). */
  readonly load?: KexecMarker;
  /** The first kexec_execute after that load. */
  readonly execute?: KexecMarker;
  /** The command line measured for this kexec: the last kexec-cmdline before the load. */
  readonly cmdline?: KexecCmdline;
  readonly outcome: SoftRebootOutcome;
  /**
   * Entries after which measurements may be missing, both included: the load to the last
   * carried entry when execute is missing; the last carried entry alone without markers.
   */
  readonly suspect?: { readonly first: number; readonly last: number };
  /** Counter comparisons that disagree, as sentences. */
  readonly notes: readonly string[];
  /**
   * The counters prove entries missing from the carried list (a record counts more entries
   * than precede it, or the list outgrew its segment at execute), whatever the outcome.
   */
  readonly entriesMissing: boolean;
}

/** Entries a record counts beyond those before it in the list: measured, then lost. */
export function entriesMissingBefore(m: KexecMarker): number {
  return m.count !== undefined && m.count > m.entriesBefore ? m.count - m.entriesBefore : 0;
}

/** Slack under which a carried list counts as having filled its segment (one large entry). */
const FULL_SEGMENT_SLACK = 1024;

/** `findLast`, which lib ES2022 lacks. */
function lastWhere<T>(items: readonly T[], test: (item: T) => boolean): T | undefined {
  for (let k = items.length - 1; k >= 0; k--) if (test(items[k])) return items[k];
  return undefined;
}

/** What one record's counters say against the list before it; empty when they agree. */
export function kexecMarkerNotes(m: KexecMarker): string[] {
  const notes: string[] = [];
  if (m.count !== undefined && m.count !== m.entriesBefore) {
    const diff = m.count - m.entriesBefore;
    notes.push(
      diff > 0
        ? `${m.event} at entry ${m.index} counts ${m.count} entries but ${m.entriesBefore} precede it: ${diff} measured before it are missing from the list.`
        : `${m.event} at entry ${m.index} counts ${m.count} entries but ${m.entriesBefore} precede it: the list holds ${-diff} entries the kernel did not count (lists joined or trimmed).`,
    );
  }
  if (m.binarySize !== undefined && m.binarySize !== m.runtimeSizeBefore) {
    notes.push(
      `${m.event} at entry ${m.index} reports a ${m.binarySize}-byte list, but the entries before it serialize to ${m.runtimeSizeBefore} bytes (with the 24-byte kexec header).`,
    );
  }
  return notes;
}

/** The list needed more bytes at kexec_execute than the segment reserved at load holds. */
function outgrewSegment(r: Pick<SoftReboot, 'execute' | 'load'>): boolean {
  const segment = r.execute?.segmentSize ?? r.load?.segmentSize;
  return r.execute !== undefined && segment !== undefined && r.execute.runtimeSizeBefore + r.execute.runtimeSize > segment;
}

function softRebootNotes(r: Omit<SoftReboot, 'notes' | 'entriesMissing'>, markers: readonly KexecMarker[]): string[] {
  const notes = markers.flatMap(kexecMarkerNotes);
  const segment = r.execute?.segmentSize ?? r.load?.segmentSize;
  if (r.execute !== undefined) {
    const { execute } = r;
    // The copy at execute takes the list with the execute record itself.
    if (outgrewSegment(r)) {
      notes.push(
        `At kexec_execute (entry ${execute.index}) the list needed ${execute.runtimeSizeBefore + execute.runtimeSize} bytes but the segment reserved at load holds ${segment}: its tail was cut in the copy.`,
      );
    }
    const carried = r.boot.index - execute.index - 1;
    if (carried > 0) {
      notes.push(`${carried} entries lie between kexec_execute (entry ${execute.index}) and the new boot_aggregate (entry ${r.boot.index}), where none should.`);
    }
  } else if (r.load !== undefined && segment !== undefined && r.boot.runtimeSizeBefore !== undefined) {
    const carried = r.boot.runtimeSizeBefore;
    const room = segment - carried;
    notes.push(
      room >= 0 && room < FULL_SEGMENT_SLACK
        ? `The carried list (${carried} bytes) filled the ${segment}-byte segment reserved at kexec_load to within ${room} bytes: it was cut when copied at execute.`
        : `The carried list is ${carried} bytes of the ${segment}-byte segment reserved at kexec_load: it ends early although the segment had room, so it was taken before kexec_execute was measured (a copy at load, as before 6.16).`,
    );
  }
  return notes;
}

/** Every soft reboot of the list, in order (none for a single boot). */
export function computeSoftReboots(facts: Pick<LogFacts, 'boots' | 'kexec' | 'cmdlines'>): SoftReboot[] {
  const out: SoftReboot[] = [];
  const { boots, kexec, cmdlines } = facts;
  for (let k = 1; k < boots.length; k++) {
    const previousBoot = boots[k - 1];
    const boot = boots[k];
    const markers = kexec.filter((m) => m.index > previousBoot.index && m.index < boot.index);
    const load = lastWhere(markers, (m) => m.event === 'kexec_load');
    const execute = markers.find((m) => m.event === 'kexec_execute' && (load === undefined || m.index > load.index));
    const cmdline = lastWhere(cmdlines, (c) => c.index > previousBoot.index && c.index < (load?.index ?? boot.index));
    const outcome: SoftRebootOutcome =
      markers.length === 0 ? 'no-markers' : load !== undefined && execute === undefined ? 'no-execute' : 'complete';
    const lastCarried = boot.index - 1;
    const suspect =
      outcome === 'no-execute' && load !== undefined
        ? { first: load.index, last: lastCarried }
        : outcome === 'no-markers' && lastCarried >= 0
          ? { first: lastCarried, last: lastCarried }
          : undefined;
    const reboot = {
      ordinal: k + 1,
      previousBoot,
      boot,
      ...(load !== undefined && { load }),
      ...(execute !== undefined && { execute }),
      ...(cmdline !== undefined && { cmdline }),
      outcome,
      ...(suspect !== undefined && { suspect }),
    };
    out.push({
      ...reboot,
      notes: softRebootNotes(reboot, markers),
      entriesMissing: markers.some((m) => entriesMissingBefore(m) > 0) || outgrewSegment(reboot),
    });
  }
  return out;
}
