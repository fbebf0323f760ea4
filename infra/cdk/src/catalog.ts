import { TABLES, athenaType, tablePartitionSpec, tableSchema, type TableDefinition } from '@coattail/iceberg';
import { Stack, aws_glue as glue } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { PREFIXES } from './access.js';

/** The Glue database: the tables' Iceberg namespace, the same for every table. */
export const GLUE_DATABASE = [...new Set(Object.values(TABLES).map((t) => t.namespace))].join();

/** `s3://<warehouse>/warehouse/<namespace>/<table>`: where the writer puts a table (its catalog's default location). */
export function tableLocation(warehouseBucket: string, def: TableDefinition): string {
  return `s3://${warehouseBucket}/${PREFIXES.table(def.namespace, def.name).replace(/\/$/, '')}`;
}

/**
 * The Glue database and one Iceberg table per definition in `@coattail/iceberg` (the writer's own
 * source of truth): Glue creates each table's first metadata file with the definition's field ids,
 * types and partition spec, at the location the writer uses, so the jobs' first commit finds the
 * table, and Athena reads what the jobs write.
 */
export class IcebergCatalog extends Construct {
  readonly database: glue.CfnDatabase;
  readonly tables: Record<string, glue.CfnTable> = {};

  constructor(scope: Construct, id: string, props: { warehouseBucket: string }) {
    super(scope, id);
    if (GLUE_DATABASE.includes(','))
      throw new Error(`the Iceberg tables span several namespaces (${GLUE_DATABASE}); deploy one Glue database each`);
    const catalogId = Stack.of(this).account;
    this.database = new glue.CfnDatabase(this, 'Database', {
      catalogId,
      databaseInput: {
        name: GLUE_DATABASE,
        description: 'Coat Tail Capital trades, windows and alerts (Iceberg)',
        locationUri: `s3://${props.warehouseBucket}/${PREFIXES.table(GLUE_DATABASE, '').replace(/\/+$/, '')}`,
      },
    });
    for (const def of Object.values(TABLES)) {
      const location = tableLocation(props.warehouseBucket, def);
      const schema = tableSchema(def);
      const spec = tablePartitionSpec(def);
      const table = new glue.CfnTable(this, def.name, {
        catalogId,
        databaseName: GLUE_DATABASE,
        tableInput: {
          name: def.name,
          description: def.doc,
          tableType: 'EXTERNAL_TABLE',
          storageDescriptor: {
            location,
            columns: def.columns.map((c) => ({ name: c.name, type: athenaType(c.type), comment: c.doc })),
          },
        },
        openTableFormatInput: {
          icebergInput: {
            metadataOperation: 'CREATE',
            version: '2',
            icebergTableInput: {
              location,
              schema: {
                schemaId: schema['schema-id'],
                type: 'struct',
                fields: schema.fields.map((f) => ({
                  id: f.id,
                  name: f.name,
                  required: f.required,
                  type: primitive(f.type, def),
                  ...(f.doc === undefined ? {} : { doc: f.doc }),
                })),
              },
              partitionSpec: {
                specId: spec['spec-id'],
                fields: spec.fields.map((p) => ({
                  sourceId: p['source-id'],
                  fieldId: p['field-id'],
                  name: p.name,
                  transform: p.transform,
                })),
              },
            },
          },
        },
      });
      table.node.addDependency(this.database);
      this.tables[def.name] = table;
    }
  }
}

function primitive(type: unknown, def: TableDefinition): string {
  if (typeof type !== 'string')
    throw new Error(`${def.namespace}.${def.name}: nested column types cannot be declared to Glue here`);
  return type;
}
