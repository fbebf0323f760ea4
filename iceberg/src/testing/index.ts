/**
 * @coattail/iceberg/testing — test doubles of the catalog's peers that cannot run on a developer
 * machine or in CI: AWS Glue, as an in-memory {@link FakeGlue} and served over Glue's wire protocol
 * on loopback by {@link startFakeGlueServer} for the real SDK client.
 *
 * @example
 * import { startFakeGlueServer } from '@coattail/iceberg/testing';
 * const glue = await startFakeGlueServer({ databases: ['coattail'] });
 * const catalog = openCatalog({ ICEBERG_CATALOG: 'glue', GLUE_ENDPOINT: glue.endpoint }, { store });
 */
export { FakeGlue, type FakeGlueOptions } from './fake-glue.js';
export { startFakeGlueServer, type FakeGlueServer } from './fake-glue-server.js';
