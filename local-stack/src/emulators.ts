import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';

// The three in-process AWS emulators are CommonJS and ship no types: we load them here and give
// them the few signatures we use (a typed facade instead of ambient module declarations, which
// would not follow this package into the programs of packages that import it).
const load = createRequire(import.meta.url);

export interface KinesaliteOptions {
  path?: string;
  createStreamMs?: number;
  deleteStreamMs?: number;
  updateStreamMs?: number;
  shardLimit?: number;
}

export interface DynaliteOptions {
  path?: string;
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
}

export interface S3rverOptions {
  address?: string;
  port?: number;
  silent?: boolean;
  directory?: string;
}

export interface S3rverServer {
  run(): Promise<AddressInfo>;
  /** The HTTP server once running. */
  httpServer?: Server;
  close(): Promise<void>;
}

/** kinesalite: an HTTP server speaking the Kinesis API, in memory or on LevelDB at `path`. */
export const kinesalite = load('kinesalite') as (options?: KinesaliteOptions) => Server;
/** dynalite: an HTTP server speaking the DynamoDB API, in memory or on LevelDB at `path`. */
export const dynalite = load('dynalite') as (options?: DynaliteOptions) => Server;
/** s3rver: an S3 API over a folder. */
export const S3rver = load('s3rver') as new (options?: S3rverOptions) => S3rverServer;
