/**
 * The page-object helper every spec uses (Perfetto's test helper): loading inputs by the file
 * input or a real drop event, waiting for states, reading rows — and watching the page for
 * errors, dialogs, CSP violations and requests that leave the preview origin, which each spec
 * asserts are absent when it ends.
 */
import { expect, test as base, type Locator, type Page } from '@playwright/test';
import type { TestFile } from './fixtures';

export class InspectorPage {
  /** console.error, page errors, dialogs and CSP violations seen so far. */
  readonly problems: string[] = [];
  /** Requests to anything but the preview origin (data: and blob: URLs are local). */
  readonly foreignRequests: string[] = [];

  constructor(
    readonly page: Page,
    baseURL: string,
  ) {
    const origin = new URL(baseURL).origin;
    page.on('console', (m) => {
      if (m.type() === 'error') this.problems.push(`console.error: ${m.text()}`);
    });
    page.on('pageerror', (e) => this.problems.push(`pageerror: ${e.message}`));
    page.on('dialog', (d) => {
      this.problems.push(`dialog: ${d.type()} ${d.message()}`);
      void d.dismiss();
    });
    page.on('request', (r) => {
      const url = new URL(r.url());
      if (url.protocol !== 'data:' && url.protocol !== 'blob:' && url.origin !== origin) this.foreignRequests.push(r.url());
    });
    void page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
      });
    });
  }

  get root(): Locator {
    return this.page.locator('[data-app-state]');
  }

  async open(search = ''): Promise<void> {
    await this.page.goto(`./${search}`);
    await expect(this.root).toBeVisible();
  }

  async loadFiles(files: readonly TestFile[]): Promise<void> {
    await this.page.getByTestId('file-input').setInputFiles(files.map((f) => ({ ...f })));
  }

  /** Drops files on the page with real DragEvents carrying a DataTransfer. */
  async dropFiles(files: readonly TestFile[]): Promise<void> {
    const payload = files.map((f) => ({ name: f.name, type: f.mimeType, bytes: [...f.buffer] }));
    await this.page.evaluate((items) => {
      const transfer = new DataTransfer();
      for (const item of items) transfer.items.add(new File([new Uint8Array(item.bytes)], item.name, { type: item.type }));
      const target = document.elementFromPoint(window.innerWidth / 2, window.innerHeight / 2) ?? document.body;
      for (const type of ['dragenter', 'dragover', 'drop']) {
        target.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: transfer }));
      }
    }, payload);
  }

  async waitForState(state: 'idle' | 'loading' | 'ready' | 'error'): Promise<void> {
    await expect(this.root).toHaveAttribute('data-app-state', state);
  }

  /** Ready, with the analysis finished (the verdict no longer pending). */
  async waitForReady(): Promise<void> {
    await this.waitForState('ready');
    await expect(this.page.getByTestId('verdict')).not.toHaveAttribute('data-tone', 'pending');
  }

  /** Opens the replay panel's details: short windows (the suite's 1280×720 among them) start with them folded. */
  async showReplayDetails(): Promise<void> {
    const toggle = this.page.getByTestId('replay-toggle');
    await expect(toggle).toBeVisible();
    if ((await toggle.getAttribute('aria-expanded')) === 'false') await toggle.click();
    await expect(toggle).toHaveAttribute('aria-expanded', 'true');
  }

  get table(): Locator {
    return this.page.getByTestId('entry-table');
  }

  get rows(): Locator {
    return this.page.getByTestId('entry-row');
  }

  row(index: number): Locator {
    return this.page.locator(`[data-testid="entry-row"][data-index="${index}"]`);
  }

  get entryCount(): Locator {
    return this.page.getByTestId('entry-count');
  }

  get details(): Locator {
    return this.page.getByTestId('entry-details');
  }

  get selectedRow(): Locator {
    return this.page.locator('[data-testid="entry-row"][aria-selected="true"]');
  }

  assertClean(): void {
    expect(this.problems, 'page errors, console errors, dialogs or CSP violations').toEqual([]);
    expect(this.foreignRequests, 'requests leaving the preview origin').toEqual([]);
  }
}

/** `test` with an `inspector` fixture that fails the spec on any page problem or foreign request. */
export const test = base.extend<{ inspector: InspectorPage }>({
  inspector: async ({ page, baseURL }, use) => {
    const inspector = new InspectorPage(page, baseURL ?? 'http://127.0.0.1/');
    await use(inspector);
    inspector.assertClean();
  },
});

export { expect };
