// Prisma's schema engine, compiled to WebAssembly (@prisma/schema-engine-wasm):
// migrations run without a downloaded engine binary. The package only exports
// its wasm-bindgen glue, so the .wasm module is instantiated here by hand.
import { readFileSync } from 'node:fs';
import { bindMigrationAwareSqlAdapterFactory, type SqlDriverAdapter, type SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import * as bg from '@prisma/schema-engine-wasm/schema_engine_bg';

export type SchemaEngine = bg.SchemaEngine;
export type DiffTarget = Parameters<bg.SchemaEngine['diff']>[0]['from'];
export type MigrationList = Parameters<bg.SchemaEngine['applyMigrations']>[0]['migrationsList'];

export const NO_FILTERS = { externalTables: [], externalEnums: [] };

let initialised = false;

function initialiseWasm(): void {
  if (initialised) return;
  const wasmUrl = new URL('./schema_engine_bg.wasm', import.meta.resolve('@prisma/schema-engine-wasm/schema_engine_bg'));
  const module = new WebAssembly.Module(readFileSync(wasmUrl));
  const instance = new WebAssembly.Instance(module, { './schema_engine_bg.js': bg as unknown as WebAssembly.ModuleImports });
  (bg as unknown as { __wbg_set_wasm(exports: WebAssembly.Exports): void }).__wbg_set_wasm(instance.exports);
  (instance.exports as { __wbindgen_start?: () => void }).__wbindgen_start?.();
  initialised = true;
}

export interface SchemaFile {
  path: string;
  content: string;
}

// Runs `use` with an engine for one schema file and the database behind
// `adapterFactory`, then frees the engine and closes every connection it
// opened (the engine leaves them open, which keeps an SQLite file locked).
// Engine log lines go to `onLog`, never stdout: `patchbay token create` prints
// only the token there.
export async function withSchemaEngine<T>(
  schema: SchemaFile,
  adapterFactory: SqlMigrationAwareDriverAdapterFactory,
  use: (engine: SchemaEngine) => Promise<T>,
  onLog: (line: string) => void = () => {},
): Promise<T> {
  initialiseWasm();
  const opened: SqlDriverAdapter[] = [];
  const tracked: SqlMigrationAwareDriverAdapterFactory = {
    provider: adapterFactory.provider,
    adapterName: adapterFactory.adapterName,
    connect: async () => remember(await adapterFactory.connect()),
    connectToShadowDb: async () => remember(await adapterFactory.connectToShadowDb()),
  };
  function remember(adapter: SqlDriverAdapter): SqlDriverAdapter {
    opened.push(adapter);
    return adapter;
  }
  const engine = await bg.SchemaEngine.new({ datamodels: [[schema.path, schema.content]] }, onLog, bindMigrationAwareSqlAdapterFactory(tracked));
  try {
    return await use(engine);
  } finally {
    engine.free();
    await Promise.allSettled(opened.map((adapter) => adapter.dispose()));
  }
}
