import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

// Relative base: the built app works from any path (a file share, a sub-directory).
// The preview port follows PORT (CONTRACT §1: 4173 by default).
const port = Number(process.env.PORT ?? 4173);

/**
 * index.html carries the strict Content-Security-Policy that the built app ships with. The
 * dev server needs an inline script (React Fast Refresh's preamble), so only there is the
 * policy taken out; `vite build` and `vite preview`, which the e2e suite runs, keep it.
 */
function relaxCspForDevServer(): Plugin {
  return {
    name: 'imascope:relax-csp-for-dev-server',
    apply: 'serve',
    transformIndexHtml: (html) => html.replace(/<meta\s+http-equiv="Content-Security-Policy"[^>]*>/s, ''),
  };
}

export default defineConfig({
  base: './',
  plugins: [react(), relaxCspForDevServer()],
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    // Inline data: URLs for assets would need CSP exceptions; keep every asset a file.
    assetsInlineLimit: 0,
    sourcemap: true,
  },
  preview: { port, strictPort: true, host: '127.0.0.1' },
  server: { port: 5173, host: '127.0.0.1' },
});
