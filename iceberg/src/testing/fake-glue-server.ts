import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import type { GlueTableInput } from '../catalog/glue-pointer-store.js';
import { FakeGlue, type FakeGlueOptions } from './fake-glue.js';

/** A running {@link startFakeGlueServer}. */
export interface FakeGlueServer {
  /** `http://127.0.0.1:<port>`, for `GLUE_ENDPOINT`. */
  endpoint: string;
  /** The tables it holds, to assert on. */
  glue: FakeGlue;
  /** Requests served, by operation (`GetTable`, `UpdateTable`, ...). */
  calls: Map<string, number>;
  close(): Promise<void>;
}

const tableInput = z.custom<GlueTableInput>(
  (v) => typeof v === 'object' && v !== null && typeof (v as { Name?: unknown }).Name === 'string',
);
const requests = {
  GetTable: z.object({ DatabaseName: z.string(), Name: z.string() }).loose(),
  GetTables: z.object({ DatabaseName: z.string(), NextToken: z.string().optional() }).loose(),
  DeleteTable: z.object({ DatabaseName: z.string(), Name: z.string() }).loose(),
  CreateTable: z.object({ DatabaseName: z.string(), TableInput: tableInput }).loose(),
  UpdateTable: z.object({ DatabaseName: z.string(), TableInput: tableInput, VersionId: z.string().optional() }).loose(),
  CreateDatabase: z.object({ DatabaseInput: z.object({ Name: z.string() }).loose() }).loose(),
};

async function body(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text === '' ? {} : JSON.parse(text);
}

function reply(res: ServerResponse, status: number, payload: unknown): void {
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
  res.end(JSON.stringify(payload));
}

async function dispatch(glue: FakeGlue, op: string, input: unknown): Promise<unknown> {
  switch (op) {
    case 'GetTable':
      return glue.getTable(requests.GetTable.parse(input));
    case 'GetTables':
      return glue.getTables(requests.GetTables.parse(input));
    case 'DeleteTable':
      return glue.deleteTable(requests.DeleteTable.parse(input));
    case 'CreateTable':
      return glue.createTable(requests.CreateTable.parse(input));
    case 'UpdateTable':
      return glue.updateTable(requests.UpdateTable.parse(input));
    case 'CreateDatabase':
      glue.createDatabase(requests.CreateDatabase.parse(input).DatabaseInput.Name);
      return {};
    default:
      throw Object.assign(new Error(`the fake Glue does not implement ${op}`), { name: 'InvalidInputException' });
  }
}

/**
 * Serves {@link FakeGlue} over Glue's wire protocol (AWS JSON 1.1: `POST /` with
 * `X-Amz-Target: AWSGlue.<Operation>`, errors as HTTP 400 with `__type`) on loopback, so tests run
 * the real `@aws-sdk/client-glue` client — serialization, error mapping and all — against Glue's
 * VersionId semantics. A fake because no Glue emulator runs here (none on npm; moto and LocalStack
 * are Python). Implements GetTable, GetTables, CreateTable, UpdateTable, DeleteTable, CreateDatabase.
 *
 * @example
 * const server = await startFakeGlueServer({ databases: ['coattail'] });
 * process.env.GLUE_ENDPOINT = server.endpoint;
 */
export async function startFakeGlueServer(
  options: FakeGlueOptions = { databases: ['coattail'] },
): Promise<FakeGlueServer> {
  const glue = new FakeGlue(options);
  const calls = new Map<string, number>();
  const server = createServer((req, res) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const op = target.startsWith('AWSGlue.') ? target.slice('AWSGlue.'.length) : target;
    calls.set(op, (calls.get(op) ?? 0) + 1);
    body(req)
      .then((input) => dispatch(glue, op, input))
      .then(
        (out) => reply(res, 200, out ?? {}),
        (error: unknown) => {
          const e = error instanceof Error ? error : new Error(String(error));
          const name = e instanceof z.ZodError ? 'InvalidInputException' : e.name;
          reply(res, 400, { __type: name, Message: e.message });
        },
      );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    glue,
    calls,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}
