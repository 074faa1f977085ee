#!/bin/sh
# Prisma's CLI insists on finding a schema-engine binary even for `generate`,
# which needs none. Patchbay runs migrations through the WASM schema engine
# (server/db/schema-engine.ts), so this stand-in only explains that.
echo "migrations run through the WASM schema engine (npm run db:migrate)" >&2
exit 1
