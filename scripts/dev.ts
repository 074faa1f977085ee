// `npm run dev`: the API server, restarted when server code changes, next to the
// Vite dev server (hot module reload for the client, proxying /api, /healthz,
// /demo-api and /socket.io to the API server; see vite.config.ts).
// Open the Vite URL printed below; the API server's own port serves only a
// "client not built" page unless `npm run build` was run.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import concurrently from 'concurrently';

const root = fileURLToPath(new URL('..', import.meta.url));
const apiPort = process.env.PORT || '3000';
const vitePort = process.env.VITE_PORT || '5173';
// The commands run through a shell; make the local binaries (tsx, vite) findable
// even when this script is started without npm.
const binPath = `${path.join(root, 'node_modules', '.bin')}${path.delimiter}${process.env.PATH ?? ''}`;

const { commands, result } = concurrently(
  [
    {
      name: 'api',
      prefixColor: 'cyan',
      // tsx only watches the files server/index.ts imports; the excludes keep
      // client edits (Vite's job) and database writes from restarting it.
      command: 'tsx watch --clear-screen=false --exclude "./client/**" --exclude "./data/**" --exclude "./dist/**" server/index.ts',
      env: { PATH: binPath, PORT: apiPort },
    },
    {
      name: 'web',
      prefixColor: 'magenta',
      command: 'vite',
      env: { PATH: binPath, PORT: apiPort, VITE_PORT: vitePort },
    },
  ],
  {
    cwd: root,
    prefix: 'name',
    padPrefix: true,
    // When either stops, stop the other: a lone Vite without an API, or an API
    // without the client, is only confusing. (A crashing API server does not
    // stop: tsx watch waits for the next change and restarts it.)
    killOthersOn: ['success', 'failure'],
  },
);

// Said once Vite is ready, so the line is not buried under the start-up logs.
const web = commands.find((command) => command.name === 'web');
const announce = web?.stdout.subscribe((chunk) => {
  if (!/ready in/i.test(chunk.toString())) return;
  announce?.unsubscribe();
  process.stdout.write(
    `\n  Patchbay dev: open http://localhost:${vitePort}\n` +
      `  (the API server listens on http://localhost:${apiPort}; Vite proxies /api, /healthz, /demo-api and /socket.io to it)\n\n`,
  );
});

result.then(
  () => process.exit(0),
  () => process.exit(1),
);
