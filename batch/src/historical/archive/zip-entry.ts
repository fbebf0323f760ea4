import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import { BatchJobError } from '../errors.js';

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
/** The end-of-central-directory record is 22 bytes plus a comment of at most 65 535. */
const EOCD_SEARCH = 22 + 0xffff;

/** The one file inside a zip archive, located but not yet read. */
export interface ZipEntry {
  name: string;
  method: 'stored' | 'deflate';
  compressedSize: number;
  dataOffset: number;
}

function refuse(path: string, what: string): BatchJobError {
  return new BatchJobError('INVALID_RESPONSE', `${path} is not a zip archive we can read: ${what}`, {
    domain: 'external',
  });
}

/**
 * Locates the single entry of a zip archive (Binance's daily archives hold exactly one CSV) from
 * its central directory. ZIP64 and encrypted archives are refused by name rather than misread.
 */
export async function singleZipEntry(path: string): Promise<ZipEntry> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    const tailLength = Math.min(size, EOCD_SEARCH);
    const tail = Buffer.alloc(tailLength);
    await file.read(tail, 0, tailLength, size - tailLength);
    let eocd = -1;
    for (let i = tailLength - 22; i >= 0; i--)
      if (tail.readUInt32LE(i) === EOCD_SIGNATURE) {
        eocd = i;
        break;
      }
    if (eocd < 0) throw refuse(path, 'no end-of-central-directory record');
    const entries = tail.readUInt16LE(eocd + 10);
    const centralOffset = tail.readUInt32LE(eocd + 16);
    if (entries !== 1) throw refuse(path, `expected one file inside, found ${entries}`);
    if (centralOffset === 0xffffffff) throw refuse(path, 'ZIP64 archives are not supported');
    const central = Buffer.alloc(46);
    await file.read(central, 0, 46, centralOffset);
    if (central.readUInt32LE(0) !== CENTRAL_SIGNATURE) throw refuse(path, 'central directory not where it says');
    const flags = central.readUInt16LE(8);
    const methodCode = central.readUInt16LE(10);
    const compressedSize = central.readUInt32LE(20);
    const nameLength = central.readUInt16LE(28);
    const localOffset = central.readUInt32LE(42);
    if ((flags & 1) !== 0) throw refuse(path, 'the entry is encrypted');
    if (compressedSize === 0xffffffff || localOffset === 0xffffffff)
      throw refuse(path, 'ZIP64 archives are not supported');
    if (methodCode !== 0 && methodCode !== 8) throw refuse(path, `compression method ${methodCode}`);
    const nameBuffer = Buffer.alloc(nameLength);
    await file.read(nameBuffer, 0, nameLength, centralOffset + 46);
    const local = Buffer.alloc(30);
    await file.read(local, 0, 30, localOffset);
    if (local.readUInt32LE(0) !== LOCAL_SIGNATURE) throw refuse(path, 'local header not where it says');
    return {
      name: nameBuffer.toString('utf8'),
      method: methodCode === 8 ? 'deflate' : 'stored',
      compressedSize,
      dataOffset: localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28),
    };
  } finally {
    await file.close();
  }
}

/** The uncompressed bytes of an entry as a stream: memory stays flat however large the day was. */
export function openZipEntry(path: string, entry: ZipEntry): Readable {
  if (entry.compressedSize === 0) return Readable.from([]);
  const raw = createReadStream(path, {
    start: entry.dataOffset,
    end: entry.dataOffset + entry.compressedSize - 1,
  });
  if (entry.method === 'stored') return raw;
  const inflate = createInflateRaw();
  raw.on('error', (error) => inflate.destroy(error));
  return raw.pipe(inflate);
}
