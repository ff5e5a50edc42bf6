/**
 * The app's worker and `imascope analyze --json` on the same files give the same verdict and
 * findings: of two IMA lists of one bank, both analyse the list the evidence chooses (its
 * replay reproduces the PCR values: core analyze), whichever the table showed first.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verdictOf } from '../core/analysis/verdict';
import type { Report } from '../core/report/report';
import { hasSharedData, sharedDataPath } from '../core/testing/shared-data';
import { LogSession, type PostEvent } from './log-session';
import type { AnalysisSummary, LoadSummary, WorkerEvent, WorkerRequest } from './protocol';

/** The CLI as users run it (a separate Node process, from source through tsx). */
function cliReport(paths: readonly string[]): Report {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/imascope.ts', 'analyze', '--json', ...paths], { encoding: 'utf8', timeout: 60_000 });
  if (r.stdout === '') throw new Error(`imascope analyze gave no report (status ${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as Report;
}

/** The app: the files opened in one drop, then analysed, as the page asks. */
async function appAnalysis(paths: readonly string[]): Promise<{ opened: LoadSummary; analysed: AnalysisSummary }> {
  const events: WorkerEvent[] = [];
  const post: PostEvent = (event) => events.push(event);
  const session = new LogSession(post, { progressIntervalMs: 0 });
  const answer = async (request: WorkerRequest): Promise<unknown> => {
    await session.handle(request);
    const last = events.filter((e) => e.id === request.id).at(-1);
    if (last?.type !== 'result') throw new Error(last?.type === 'error' ? last.message : 'no answer');
    return last.result;
  };
  const inputs = paths.map((path, k) => ({ id: String(k), name: basename(path), drop: 1, file: new Blob([readFileSync(path)]) }));
  const opened = (await answer({ type: 'open', id: 1, params: { inputs } })) as LoadSummary;
  const analysed = (await answer({ type: 'analyze', id: 2, params: { pastes: [] } })) as AnalysisSummary;
  return { opened, analysed };
}

const judged = (report: Report) => ({ verdict: verdictOf(report), findings: report.findings.map((f) => [f.code, f.severity, f.message]) });

const swtpmList = sharedDataPath('swtpm', 'binary_runtime_measurements');
const sha1Log = sharedDataPath('realdata', 'ibmtss', 'sha1.log');

describe.skipIf(!hasSharedData())('two IMA lists of one bank: the app analyses the list imascope analyze does', () => {
  it.each([
    // swtpm/README: its 6-entry list's replay gives pcrread_all.yaml; the app first shows the longer sha1.log.
    ['the shorter list reproduces the PCR values', [swtpmList, sha1Log, sharedDataPath('swtpm', 'pcrread_all.yaml')], 'binary_runtime_measurements'],
    // ibmtss: the vTPM's PCR 10 is sha1.log's replay.
    ['the list shown reproduces them', [swtpmList, sha1Log, sharedDataPath('realdata', 'ibmtss', 'imakvtpcr10.txt')], 'sha1.log'],
    ['no PCR values (lists-disagree)', [swtpmList, sha1Log], 'sha1.log'],
  ])('%s', async (_, paths, analysedList) => {
    const cli = cliReport(paths);
    const { opened, analysed } = await appAnalysis(paths);
    expect(opened.log?.name).toBe('sha1.log');
    expect(judged(analysed.report)).toEqual(judged(cli));
    expect(analysed.report.pcrChecks).toEqual(cli.pcrChecks);
    // The table shows the list analysed.
    expect(analysed.shown?.log?.name ?? opened.log?.name).toBe(analysedList);
  });
});
