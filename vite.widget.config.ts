import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The messenger widget (client/widget): one self-contained IIFE script that
// customers' pages load with a script tag, served at /messenger/widget.js.
// No React and no shared chunks, so it stays small and has nothing else to fetch.
export default defineConfig({
  root: fileURLToPath(new URL('./client/widget', import.meta.url)),
  publicDir: false,
  // Library mode leaves process.env.NODE_ENV in dependencies as is; a host page has no `process`.
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  build: {
    outDir: fileURLToPath(new URL('./dist/widget', import.meta.url)),
    emptyOutDir: true,
    target: 'es2019',
    sourcemap: false,
    lib: {
      entry: fileURLToPath(new URL('./client/widget/main.ts', import.meta.url)),
      formats: ['iife'],
      name: 'PatchbayMessenger',
      fileName: () => 'widget.js',
    },
  },
});
