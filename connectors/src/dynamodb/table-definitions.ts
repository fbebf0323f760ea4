import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CreateTableCommand,
  DescribeTableCommand,
  UpdateTimeToLiveCommand,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { z } from 'zod';
import { awsErrorName } from '../aws/aws-errors.js';
import { ConnectorConfigError } from '../errors.js';
import { sleep } from '../retry.js';

const keySchema = z.array(z.object({ AttributeName: z.string(), KeyType: z.enum(['HASH', 'RANGE']) }));

/** A `CreateTable` request as stored in `ddl/dynamodb/*.json`, plus an optional TTL attribute. */
export const tableDefinitionSchema = z
  .object({
    TableName: z.string().min(3),
    BillingMode: z.enum(['PAY_PER_REQUEST', 'PROVISIONED']).default('PAY_PER_REQUEST'),
    AttributeDefinitions: z.array(z.object({ AttributeName: z.string(), AttributeType: z.enum(['S', 'N', 'B']) })),
    KeySchema: keySchema,
    GlobalSecondaryIndexes: z
      .array(
        z.object({
          IndexName: z.string(),
          KeySchema: keySchema,
          Projection: z.object({
            ProjectionType: z.enum(['ALL', 'KEYS_ONLY', 'INCLUDE']),
            NonKeyAttributes: z.array(z.string()).optional(),
          }),
        }),
      )
      .optional(),
    TimeToLiveSpecification: z.object({ AttributeName: z.string(), Enabled: z.boolean() }).optional(),
  })
  .strict();

export type TableDefinition = z.infer<typeof tableDefinitionSchema>;

/** The repository's `ddl/dynamodb` folder (the package runs from source, so it sits beside us). */
export const DEFAULT_DDL_DIR = fileURLToPath(new URL('../../../ddl/dynamodb/', import.meta.url));

/** Reads and validates every `*.json` table definition in `dir`. */
export async function loadTableDefinitions(dir: string = DEFAULT_DDL_DIR): Promise<TableDefinition[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  const out: TableDefinition[] = [];
  for (const file of files) {
    const parsed = tableDefinitionSchema.safeParse(JSON.parse(await readFile(join(dir, file), 'utf8')));
    if (!parsed.success) throw new ConnectorConfigError(`table definition ${file} is invalid: ${parsed.error.message}`);
    out.push(parsed.data);
  }
  return out;
}

/**
 * Creates a table (or leaves an existing one alone), waits for it to be ACTIVE and applies its TTL.
 * Returns true if it was created now.
 */
export async function ensureTable(
  client: DynamoDBClient,
  definition: TableDefinition,
  renameTo?: string,
): Promise<boolean> {
  const { TimeToLiveSpecification: ttl, ...create } = definition;
  const TableName = renameTo ?? create.TableName;
  let created = true;
  try {
    await client.send(new CreateTableCommand({ ...(create as CreateTableCommandInput), TableName }));
  } catch (error) {
    if (awsErrorName(error) !== 'ResourceInUseException') throw error;
    created = false;
  }
  for (let i = 0; i < 600; i++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName }));
    if (Table?.TableStatus === 'ACTIVE') break;
    await sleep(50);
  }
  if (ttl !== undefined && created) {
    try {
      await client.send(new UpdateTimeToLiveCommand({ TableName, TimeToLiveSpecification: ttl }));
    } catch (error) {
      // dynalite has no UpdateTimeToLive; items then simply never expire locally.
      if (awsErrorName(error) !== 'UnknownOperationException') throw error;
    }
  }
  return created;
}
