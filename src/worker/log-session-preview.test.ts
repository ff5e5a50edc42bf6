// Issue 14: a list longer than one push shows its first rows while it is still read. The
// open posts one preview (the entries parsed so far, `reading` set) and rows asked for then
// are the finished list's rows; an open that fails after its preview leaves the state before it.
import { describe, expect, it } from 'vitest';
import { DEFAULT_QUERY } from '../core/query/filter-entries';
import { hasSharedData, readSharedData } from '../core/testing/shared-data';
import type { RowPage } from '../core/query/row-page';
import { LogSession } from './log-session';
import type { InputFile, LoadSummary, RequestMap, RequestType, WorkerEvent, WorkerRequest } from './protocol';

const list = (): Uint8Array => readSharedData('realdata', 'embrave-2023-06-26', 'binary_runtime_measurements');

function input(id: string, bytes: Uint8Array): InputFile {
  return { id, name: id, file: new Blob([new Uint8Array(bytes)]) };
}

/** A session reading in 8 KiB pushes; `onEvent` runs as each event is posted (the page's side). */
function harness(onEvent: (event: WorkerEvent) => void = () => undefined) {
  const events: WorkerEvent[] = [];
  const session = new LogSession(
    (event) => {
      events.push(event);
      onEvent(event);
    },
    { progressIntervalMs: 0, pushSize: 8192, sliceSize: 8192 },
  );
  let nextId = 1;
  async function call<K extends RequestType>(type: K, params: RequestMap[K]['params']): Promise<RequestMap[K]['result']> {
    const id = nextId++;
    await session.handle({ type, id, params } as WorkerRequest);
    const last = events.filter((e) => e.id === id).at(-1);
    if (last?.type === 'result') return last.result as RequestMap[K]['result'];
    throw new Error(last?.type === 'error' ? `${last.code}: ${last.message}` : `request ${id} did not answer`);
  }
  return { session, events, call };
}

const rowsOf = (page: RowPage) => ({ totalRows: page.totalRows, index: [...page.index], name: page.name, digest: page.templateDigest });

describe.skipIf(!hasSharedData())('open: the first rows of a list being read', () => {
  it('posts one preview whose rows are the finished list rows, then answers without `reading`', async () => {
    const previews: LoadSummary[] = [];
    let rowsDuringRead: Promise<RowPage> | undefined;
    const { call } = harness((event) => {
      if (event.type !== 'progress' || event.preview === undefined) return;
      previews.push(event.preview);
      // The page asks for rows as soon as the preview arrives, while the worker goes on reading.
      rowsDuringRead ??= call('getRows', { range: { start: 0, end: 40 }, query: DEFAULT_QUERY });
    });
    const summary = await call('open', { inputs: [input('log', list())] });
    expect(previews).toHaveLength(1);
    const preview = previews[0];
    expect(preview.reading).toBe(true);
    expect(summary.reading).toBeUndefined();
    expect(preview.log?.inputId).toBe('log');
    const shown = preview.log?.entryCount ?? 0;
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThan(summary.log?.entryCount ?? 0);
    expect(summary.log?.entryCount).toBe(922);
    if (rowsDuringRead === undefined) throw new Error('no rows were asked for');
    const early = rowsOf(await rowsDuringRead);
    expect(early.totalRows).toBe(shown);
    const late = rowsOf(await call('getRows', { range: { start: 0, end: Math.min(40, shown) }, query: DEFAULT_QUERY }));
    expect(early.name).toEqual(late.name);
    expect(early.digest).toEqual(late.digest);
    expect(early.name[0]).toBe('boot_aggregate');
  });

  it('sends the preview first, with its first rows as getRows answers them, and reads no byte twice', async () => {
    const bytes = list();
    const reads: Array<[number, number]> = [];
    /** A file that records the ranges read from it (the sniffed head, then the rest). */
    class RecordingBlob extends Blob {
      override slice(start = 0, end = this.size, type?: string): Blob {
        reads.push([start, Math.min(end, this.size)]);
        return super.slice(start, end, type);
      }
    }
    const { call, events } = harness();
    const summary = await call('open', { inputs: [{ id: 'log', name: 'log', file: new RecordingBlob([new Uint8Array(bytes)]) }] });
    // No progress screen before the rows: the open's first event is its preview.
    const first = events[0];
    if (first?.type !== 'progress' || first.preview === undefined) throw new Error('the first event is not the preview');
    const preview = first.preview;
    const firstRows = preview.firstRows;
    if (firstRows === undefined) throw new Error('the preview has no rows');
    const shown = preview.log?.entryCount ?? 0;
    expect(firstRows.start).toBe(0);
    expect(firstRows.totalRows).toBe(shown);
    expect(firstRows.index.length).toBe(Math.min(shown, 256));
    expect(summary.firstRows).toBeUndefined();
    const late = rowsOf(await call('getRows', { range: { start: 0, end: firstRows.index.length }, query: DEFAULT_QUERY }));
    expect({ ...rowsOf(firstRows), totalRows: late.totalRows }).toEqual(late);
    // The head read to recognise the list is parsed, not read again.
    expect(reads).toEqual([
      [0, 64 * 1024],
      [64 * 1024, bytes.length],
    ]);
  });

  it('a list read in one push gets no preview', async () => {
    const events: WorkerEvent[] = [];
    const session = new LogSession((e) => events.push(e), { progressIntervalMs: 0 });
    await session.handle({ type: 'open', id: 1, params: { inputs: [input('log', list())] } });
    expect(events.some((e) => e.type === 'progress' && e.preview !== undefined)).toBe(false);
    expect(events.at(-1)?.type).toBe('result');
  });

  it('an open cancelled after its preview leaves the list open before it', async () => {
    const first = list().subarray(0, 20_000);
    const cancel = { of: (id: number): void => void id };
    const { call, session } = harness((event) => {
      if (event.type === 'progress' && event.preview !== undefined && event.id === 2) cancel.of(2);
    });
    cancel.of = (id) => void session.handle({ type: 'cancel', id });
    const before = await call('open', { inputs: [input('small', first)] });
    await expect(call('open', { inputs: [input('log', list())] })).rejects.toThrow(/cancelled/);
    const rows = await call('getRows', { range: { start: 0, end: 5 }, query: DEFAULT_QUERY });
    expect(rows.totalRows).toBe(before.log?.entryCount);
  });

  it('an open cancelled for the next one (as the page does) never puts its old case over the next open', async () => {
    // Case 1 is committed; open 2 is cancelled on its preview and open 3 sent at once. While
    // 3 reads, its rows are its own: 2's unwinding must not restore case 1 over 3's preview.
    let third: Promise<LoadSummary> | undefined;
    let rowsDuringThird: Promise<RowPage> | undefined;
    let thirdPreview: LoadSummary | undefined;
    const { call, session } = harness((event) => {
      if (event.type !== 'progress' || event.preview === undefined) return;
      if (event.id === 2) {
        void session.handle({ type: 'cancel', id: 2 });
        third = call('open', { inputs: [input('third', list())] });
      } else if (event.id === 3) {
        thirdPreview = event.preview;
        // After 2 has unwound: its cleanup ran between the pushes of 3.
        rowsDuringThird = new Promise((resolve) => setTimeout(resolve, 0)).then(() => call('getRows', { range: { start: 0, end: 40 }, query: DEFAULT_QUERY }));
      }
    });
    const swtpm = readSharedData('swtpm', 'binary_runtime_measurements');
    const first = await call('open', { inputs: [input('first', swtpm)] });
    expect(first.log?.entryCount).toBe(6);
    await expect(call('open', { inputs: [input('second', list())] })).rejects.toThrow(/cancelled/);
    if (third === undefined) throw new Error('the third open was not sent');
    const summary = await third;
    if (rowsDuringThird === undefined || thirdPreview === undefined) throw new Error('the third open showed no preview');
    const during = await rowsDuringThird;
    expect(during.totalRows).toBeGreaterThan(6);
    expect(during.name[0]).toBe('boot_aggregate');
    expect(during.totalRows).toBeLessThanOrEqual(summary.log?.entryCount ?? 0);
    const after = await call('getRows', { range: { start: 0, end: 5 }, query: DEFAULT_QUERY });
    expect(after.totalRows).toBe(922);
  });
});
