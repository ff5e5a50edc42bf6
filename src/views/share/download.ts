/**
 * Saves bytes made in this tab as a file: a Blob behind an object URL and a click on a
 * detached `<a download>`. Nothing is sent anywhere, and the page's CSP allows it (a download
 * is neither a fetch nor a navigation of the document). The URL is revoked once the browser
 * has had time to start the download.
 */
const REVOKE_AFTER_MS = 10_000;

export function downloadFile(contents: string | Uint8Array, fileName: string, type: string): void {
  // Worker results arrive in fresh ArrayBuffers (never shared), which Blob takes as they are.
  const part = typeof contents === 'string' ? contents : (contents as Uint8Array<ArrayBuffer>);
  const url = URL.createObjectURL(new Blob([part], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  link.click();
  window.setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS);
}
