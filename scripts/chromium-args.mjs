// The flags Debian's Chromium runs with in the e2e suite (playwright.config.ts) and the browser
// benchmark (bench-browser.mjs): no sandbox (CI runs as root), no GPU, and nothing that would
// reach the network on its own.
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
