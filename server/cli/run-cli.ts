import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from '../config.ts';
import { createDb, type Db } from '../db/client.ts';
import { migrateDatabase } from '../db/migrate.ts';
import { ensureDefaultWorkspace } from '../demo/default-workspace.ts';
import { seedDemo } from '../demo/seed-demo.ts';
import { AppError } from '../http/app-error.ts';
import { createAdmin } from '../identity/create-admin.ts';
import { createApiToken } from '../identity/api-tokens.ts';
import { loadSecretKey } from '../secrets/load-secret-key.ts';
import { createSecretBox } from '../secrets/secret-box.ts';
import { localUrl, printDemoCredentials } from '../start-server.ts';

const USAGE = `Usage: patchbay <command> [options]

Commands:
  token create --name <name>          Create an API token for the workspace; prints only the token
  admin create --email <email> --password <password> [--name <name>] [--role admin|agent]
                                      Create a teammate who can sign in
  migrate                             Apply pending database migrations
  seed-demo                           Seed the demo workspace (only into an empty database)
  help                                Show this text

Settings come from the same environment variables as the server (DATABASE_URL, PATCHBAY_DATA_DIR, ...).
`;

class UsageError extends Error {}

interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

const defaultIo: Io = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

function options(args: string[], spec: Record<string, { required?: boolean }>) {
  const { values, positionals } = parseArgs({
    args,
    options: Object.fromEntries(Object.keys(spec).map((k) => [k, { type: 'string' as const }])),
    strict: true,
    allowPositionals: true,
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument: ${positionals[0]}`);
  for (const [name, rule] of Object.entries(spec)) {
    if (rule.required && !values[name]) throw new UsageError(`--${name} is required`);
  }
  return values as Record<string, string | undefined>;
}

async function withDb<T>(config: Config, run: (db: Db) => Promise<T>): Promise<T> {
  await migrateDatabase(config.databaseUrl);
  const db = createDb(config.databaseUrl);
  try {
    return await run(db);
  } finally {
    await db.$disconnect();
  }
}

export async function runCli(argv: string[], io: Io = defaultIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [command, sub, ...rest] = argv;
  try {
    if (!command || command === 'help' || command === '--help' || command === '-h') {
      io.out(USAGE);
      return command ? 0 : 2;
    }
    const config = loadConfig(env);
    switch (`${command} ${['token', 'admin'].includes(command) ? (sub ?? '') : ''}`.trim()) {
      case 'token create': {
        const { name } = options(rest, { name: { required: true } });
        const created = await withDb(config, async (db) => createApiToken(db, { workspaceId: (await ensureDefaultWorkspace(db)).id, name: name! }));
        io.out(`${created.token}\n`);
        return 0;
      }
      case 'admin create': {
        const o = options(rest, { email: { required: true }, password: { required: true }, name: {}, role: {} });
        const admin = await withDb(config, async (db) =>
          createAdmin(db, (await ensureDefaultWorkspace(db)).id, { email: o.email!, password: o.password!, name: o.name, role: o.role as 'admin' | 'agent' | undefined }),
        );
        io.out(`Created ${admin.role} ${admin.email} (id ${admin.id})\n`);
        return 0;
      }
      case 'migrate': {
        options([sub, ...rest].filter((a): a is string => a !== undefined), {});
        const { applied } = await migrateDatabase(config.databaseUrl);
        io.out(applied.length ? `Applied ${applied.length} migration(s):\n${applied.map((m) => `  ${m}\n`).join('')}` : 'Database is up to date\n');
        return 0;
      }
      case 'seed-demo': {
        options([sub, ...rest].filter((a): a is string => a !== undefined), {});
        const secrets = createSecretBox(loadSecretKey(config.secretKey, config.dataDir));
        const seeded = await withDb(config, (db) => seedDemo(db, secrets, { demoApiBaseUrl: `${localUrl(config)}/demo-api` }));
        if (!seeded) {
          io.out('The database already has a workspace; the demo is only seeded into an empty database.\n');
          return 0;
        }
        printDemoCredentials(seeded.accounts);
        io.out(`Seeded the demo workspace (id ${seeded.workspaceId})\n`);
        return 0;
      }
      default:
        throw new UsageError(`unknown command: ${[command, sub].filter(Boolean).join(' ')}`);
    }
  } catch (error) {
    if (error instanceof UsageError || (error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`patchbay: ${(error as Error).message}\n\n${USAGE}`);
      return 2;
    }
    if (error instanceof AppError) {
      io.err(`patchbay: ${error.errors.map((e) => e.message).join('\n')}\n`);
      return 1;
    }
    if (error instanceof ConfigError) {
      io.err(`patchbay: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}
