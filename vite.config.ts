import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type ProxyOptions } from 'vite';

// The browser talks to Vite in development; everything the Express server
// answers is proxied to it (started by `npm run dev` on PORT, 3000 by default).
const apiTarget = `http://127.0.0.1:${process.env.PORT || 3000}`;
const toApi: ProxyOptions = { target: apiTarget, changeOrigin: false };

export default defineConfig({
  // Resolved from this file, not the working directory, so `vite` works from anywhere.
  root: fileURLToPath(new URL('./client', import.meta.url)),
  plugins: [react()],
  build: {
    outDir: '../dist/client',
    emptyOutDir: true,
  },
  server: {
    port: Number(process.env.VITE_PORT) || 5173,
    // Fail instead of silently moving to another port: scripts/dev.ts prints this URL.
    strictPort: true,
    proxy: {
      '/api': toApi,
      '/auth': toApi,
      '/healthz': toApi,
      '/demo-api': toApi,
      // The messenger widget's endpoints and script, and the demo host page that embeds it.
      '/messenger': toApi,
      '/demo': toApi,
      '/socket.io': { ...toApi, ws: true },
    },
  },
});
