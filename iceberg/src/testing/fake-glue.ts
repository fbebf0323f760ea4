import type { GlueClient, GlueTable, GlueTableInput } from '../catalog/glue-pointer-store.js';

function awsError(name: string, message: string): Error {
  const e = new Error(message);
  e.name = name;
  return e;
}

/** Options of {@link FakeGlue}. */
export interface FakeGlueOptions {
  /**
   * Databases that exist; CreateTable in another fails with EntityNotFoundException, as in Glue.
   * @default any database exists
   */
  databases?: readonly string[];
}

/**
 * An in-memory stand-in for AWS Glue's table API, for tests. Nothing emulates Glue on this machine
 * (moto and LocalStack are Python, and npm has no Glue emulator), so the Glue catalog is tested
 * against this fake, which keeps Glue's documented semantics: a VersionId per table that every
 * update advances, UpdateTable with a stale VersionId fails with ConcurrentModificationException,
 * missing tables and databases with EntityNotFoundException, a second CreateTable with
 * AlreadyExistsException. {@link startFakeGlueServer} serves it over HTTP to the real SDK client.
 */
export class FakeGlue implements GlueClient {
  readonly tables = new Map<string, GlueTableInput & { VersionId: string }>();
  readonly databases: Set<string> | undefined;
  updates = 0;

  constructor(options: FakeGlueOptions = {}) {
    this.databases = options.databases ? new Set(options.databases) : undefined;
  }

  private key(db: string, name: string): string {
    return `${db}.${name}`;
  }

  createDatabase(name: string): void {
    this.databases?.add(name);
  }

  getTable(input: { DatabaseName: string; Name: string }): Promise<{ Table?: GlueTable }> {
    const t = this.tables.get(this.key(input.DatabaseName, input.Name));
    if (!t) return Promise.reject(awsError('EntityNotFoundException', `Table ${input.Name} not found`));
    return Promise.resolve({ Table: structuredClone(t) });
  }

  createTable(input: { DatabaseName: string; TableInput: GlueTableInput }): Promise<unknown> {
    if (this.databases && !this.databases.has(input.DatabaseName))
      return Promise.reject(awsError('EntityNotFoundException', `Database ${input.DatabaseName} not found`));
    const k = this.key(input.DatabaseName, input.TableInput.Name);
    if (this.tables.has(k)) return Promise.reject(awsError('AlreadyExistsException', 'Table already exists'));
    this.tables.set(k, { ...structuredClone(input.TableInput), VersionId: '1' });
    return Promise.resolve({});
  }

  updateTable(input: { DatabaseName: string; TableInput: GlueTableInput; VersionId?: string }): Promise<unknown> {
    const k = this.key(input.DatabaseName, input.TableInput.Name);
    const t = this.tables.get(k);
    if (!t) return Promise.reject(awsError('EntityNotFoundException', 'Table not found'));
    if (input.VersionId !== undefined && input.VersionId !== t.VersionId)
      return Promise.reject(awsError('ConcurrentModificationException', 'Version mismatch'));
    this.updates++;
    this.tables.set(k, { ...structuredClone(input.TableInput), VersionId: String(Number(t.VersionId) + 1) });
    return Promise.resolve({});
  }

  getTables(input: { DatabaseName: string; NextToken?: string }): Promise<{ TableList?: GlueTable[] }> {
    const list = [...this.tables.entries()]
      .filter(([k]) => k.startsWith(`${input.DatabaseName}.`))
      .map(([, t]) => structuredClone(t));
    return Promise.resolve({ TableList: list });
  }

  deleteTable(input: { DatabaseName: string; Name: string }): Promise<unknown> {
    this.tables.delete(this.key(input.DatabaseName, input.Name));
    return Promise.resolve({});
  }
}
