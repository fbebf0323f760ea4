import { Glue } from '@aws-sdk/client-glue';
import { LOCAL_CREDENTIALS, type ObjectStore } from '@coattail/connectors';
import type { Logger } from '@coattail/runtime';
import { z } from 'zod';
import { IcebergUsageError } from '../errors.js';
import { WAREHOUSE_PREFIX } from '../tables/warehouse.js';
import { IcebergCatalog } from './catalog.js';
import { GluePointerStore, type GlueClient } from './glue-pointer-store.js';
import { LocalPointerStore } from './local-pointer-store.js';

/**
 * Which catalog every reader and writer of the platform's tables uses, from the environment.
 * Stream jobs, batch jobs, recon's Iceberg inputs and `coattail iceberg` all parse this, so a
 * deployment switches all of them with one variable.
 */
export const catalogConfigSchema = z.object({
  /**
   * `local`: pointers in a folder of this machine (the embedded default, `npm start`).
   * `glue`: AWS Glue, the shared catalog Athena reads; what every deployed task uses.
   * @default 'local'
   */
  ICEBERG_CATALOG: z.enum(['local', 'glue']).default('local'),
  /** Glue endpoint override (an emulator or test double on loopback); unset: real AWS Glue. */
  GLUE_ENDPOINT: z.url().optional(),
  /** Glue Data Catalog id (account) when it is not the caller's own; unset: the caller's account. */
  GLUE_CATALOG_ID: z
    .string()
    .regex(/^\d{12}$/, 'a 12-digit AWS account id')
    .optional(),
});

/** The parsed {@link catalogConfigSchema}. */
export type CatalogConfig = z.infer<typeof catalogConfigSchema>;

/** Parses the catalog settings from the environment, listing every problem. */
export function parseCatalogConfig(env: Record<string, string | undefined>): CatalogConfig {
  const known = Object.fromEntries(
    Object.keys(catalogConfigSchema.shape).map((k) => [k, env[k] === '' ? undefined : env[k]]),
  );
  const parsed = catalogConfigSchema.safeParse(known);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map(
    (i) => `  ${i.path.join('.')}=${JSON.stringify(env[String(i.path[0])])}: ${i.message}`,
  );
  throw new IcebergUsageError(`invalid catalog configuration:\n${problems.join('\n')}`);
}

/** What {@link openCatalog} needs besides the configuration. */
export interface OpenCatalogOptions {
  /** Where table files live (the warehouse bucket, or a folder). */
  store: ObjectStore;
  /** Folder of the local catalog's pointers; required when `ICEBERG_CATALOG=local`. */
  localDir?: string;
  /** A Glue client to use instead of one built from the configuration. */
  glue?: GlueClient;
  /** Local cache for data files of remote stores. @default OS temp folder */
  cacheDir?: string;
  logger?: Logger;
}

/** A Glue client for real AWS or, with `GLUE_ENDPOINT`, for a stand-in on that endpoint. */
export function createGlueClient(config: Pick<CatalogConfig, 'GLUE_ENDPOINT' | 'GLUE_CATALOG_ID'>): GlueClient {
  const glue = new Glue({
    region: process.env.AWS_REGION ?? 'us-east-1',
    maxAttempts: 3,
    ...(config.GLUE_ENDPOINT !== undefined ? { endpoint: config.GLUE_ENDPOINT, credentials: LOCAL_CREDENTIALS } : {}),
  });
  const catalogId = config.GLUE_CATALOG_ID;
  if (catalogId === undefined) return glue;
  return {
    getTable: (i) => glue.getTable({ ...i, CatalogId: catalogId }),
    getTables: (i) => glue.getTables({ ...i, CatalogId: catalogId }),
    createTable: (i) => glue.createTable({ ...i, CatalogId: catalogId }),
    updateTable: (i) => glue.updateTable({ ...i, CatalogId: catalogId }),
    deleteTable: (i) => glue.deleteTable({ ...i, CatalogId: catalogId }),
  };
}

/**
 * The one way the platform opens its catalog: local pointers under `localDir`, or Glue, as the
 * configuration says; table files in `store` under `warehouse/<namespace>/<name>`.
 *
 * @example
 * const catalog = openCatalog(parseCatalogConfig(process.env), {
 *   store: new S3ObjectStore({ client: s3, bucket: 'coattail-warehouse' }),
 *   localDir: '.coattail/catalog',
 * });
 */
export function openCatalog(config: CatalogConfig, options: OpenCatalogOptions): IcebergCatalog {
  const common = {
    store: options.store,
    warehouse: WAREHOUSE_PREFIX,
    ...(options.cacheDir !== undefined ? { cacheDir: options.cacheDir } : {}),
    ...(options.logger !== undefined ? { logger: options.logger } : {}),
  };
  switch (config.ICEBERG_CATALOG) {
    case 'glue':
      return new IcebergCatalog({
        ...common,
        pointers: new GluePointerStore(options.glue ?? createGlueClient(config)),
      });
    case 'local':
      if (options.localDir === undefined)
        throw new IcebergUsageError('ICEBERG_CATALOG=local needs the folder of the local catalog (localDir)');
      return new IcebergCatalog({ ...common, pointers: new LocalPointerStore(options.localDir) });
  }
}

/** Where a catalog lives, for messages: `glue` or the local folder. */
export function describeCatalog(config: CatalogConfig, localDir?: string): string {
  return config.ICEBERG_CATALOG === 'glue'
    ? `Glue${config.GLUE_ENDPOINT !== undefined ? ` at ${config.GLUE_ENDPOINT}` : ''}`
    : `local catalog ${localDir ?? ''}`.trim();
}
