/** Regenerates ddl/iceberg/*.sql from the table definitions: `npm run ddl -w @coattail/iceberg`. */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { athenaDdlFiles } from '../src/tables/athena-ddl.js';

const dir = fileURLToPath(new URL('../../ddl/iceberg/', import.meta.url));
for (const [name, sql] of Object.entries(athenaDdlFiles())) {
  await writeFile(`${dir}${name}`, sql);
  console.log(`wrote ddl/iceberg/${name}`);
}
