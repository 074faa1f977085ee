#!/usr/bin/env node
// The operator CLI. Patchbay runs its TypeScript sources directly through tsx.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../server/cli/run-cli.ts');
process.exitCode = await runCli(process.argv.slice(2));
