import { z } from 'zod';
import { EventFormatError } from '../errors.js';

/** One object-created event, whatever shape it arrived in. */
export interface ObjectEvent {
  readonly bucket: string;
  /** The object key, decoded (S3 notifications URL-encode it). */
  readonly key: string;
  readonly lastModified?: Date;
  readonly size?: number;
  /** When S3 emitted the event. */
  readonly eventTime?: Date;
}

const isoDate = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const date = new Date(v);
  if (Number.isNaN(date.getTime())) {
    ctx.addIssue({ code: 'custom', message: `not a date: ${String(v)}` });
    return z.NEVER;
  }
  return date;
});

/** The real S3 notification record (`Records[]`), as S3 sends it to SQS, SNS or Lambda. */
const s3Record = z.object({
  eventName: z.string().optional(),
  eventTime: isoDate.optional(),
  s3: z.object({
    bucket: z.object({ name: z.string().min(1) }),
    object: z.object({ key: z.string().min(1), size: z.number().nonnegative().optional() }),
  }),
});

/** The simplified shape: `{bucket, key, last_modified?, size?}`. */
const simple = z.object({
  bucket: z.string().min(1),
  key: z.string().min(1),
  last_modified: isoDate.optional(),
  lastModified: isoDate.optional(),
  size: z.number().nonnegative().optional(),
});

/** EventBridge "Object Created". */
const eventBridge = z.object({
  'detail-type': z.string(),
  time: isoDate.optional(),
  detail: z.object({
    bucket: z.object({ name: z.string().min(1) }),
    object: z.object({ key: z.string().min(1), size: z.number().nonnegative().optional() }),
  }),
});

/** S3 keys in notifications are URL-encoded with '+' for spaces. */
export function decodeS3Key(key: string): string {
  try {
    return decodeURIComponent(key.replaceAll('+', ' '));
  } catch {
    return key;
  }
}

function fromOne(value: unknown, path: string, depth: number): ObjectEvent[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => fromOne(v, `${path}[${i}]`, depth));
  if (typeof value !== 'object' || value === null)
    throw new EventFormatError(`${path}: expected an S3 event object, got ${typeof value}`);
  const record = value as Record<string, unknown>;
  // S3's test message on subscribe, and SNS envelopes around the real thing.
  if (record.Event === 's3:TestEvent') return [];
  if (record.Type === 'Notification' && typeof record.Message === 'string' && depth < 3)
    return fromOne(parseJson(record.Message, `${path}.Message`), `${path}.Message`, depth + 1);
  if (Array.isArray(record.Records)) {
    return record.Records.flatMap((r, i) => {
      const parsed = s3Record.safeParse(r);
      if (!parsed.success)
        throw new EventFormatError(`${path}.Records[${i}]: not an S3 event record (${issues(parsed.error)})`);
      const { eventName, eventTime, s3 } = parsed.data;
      if (eventName !== undefined && !eventName.startsWith('ObjectCreated')) return [];
      return [
        {
          bucket: s3.bucket.name,
          key: decodeS3Key(s3.object.key),
          ...(s3.object.size === undefined ? {} : { size: s3.object.size }),
          ...(eventTime === undefined ? {} : { eventTime }),
        },
      ];
    });
  }
  if ('detail-type' in record) {
    const parsed = eventBridge.safeParse(record);
    if (!parsed.success) throw new EventFormatError(`${path}: not an EventBridge S3 event (${issues(parsed.error)})`);
    if (parsed.data['detail-type'] !== 'Object Created') return [];
    const { detail, time } = parsed.data;
    return [
      {
        bucket: detail.bucket.name,
        key: detail.object.key,
        ...(detail.object.size === undefined ? {} : { size: detail.object.size }),
        ...(time === undefined ? {} : { eventTime: time }),
      },
    ];
  }
  const parsed = simple.safeParse(record);
  if (!parsed.success)
    throw new EventFormatError(
      `${path}: expected {bucket, key, last_modified?, size?} or an S3 notification with Records[] (${issues(parsed.error)})`,
    );
  const lastModified = parsed.data.last_modified ?? parsed.data.lastModified;
  return [
    {
      bucket: parsed.data.bucket,
      key: parsed.data.key,
      ...(lastModified === undefined ? {} : { lastModified }),
      ...(parsed.data.size === undefined ? {} : { size: parsed.data.size }),
    },
  ];
}

function issues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}

function parseJson(text: string, path: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new EventFormatError(`${path}: not JSON: ${(error as Error).message}`, error);
  }
}

/**
 * Reads object-created events from any shape we accept: an S3 notification (`{Records: [...]}`,
 * keys URL-decoded, non-create events skipped), the simplified `{bucket, key, last_modified, size}`,
 * an EventBridge "Object Created", an SNS envelope around any of these, or an array of them.
 * JSON text is parsed first; a text of several lines that is not one JSON value is read as JSONL.
 * Throws {@link EventFormatError} naming the offending path.
 *
 * @example
 * parseS3Events({ bucket: 'b', key: 'agency/a/files/f/2026-01-04/12/data.csv', size: 10 })
 */
export function parseS3Events(input: unknown): ObjectEvent[] {
  if (typeof input !== 'string') return fromOne(input, '$', 0);
  const text = input.trim();
  if (text === '') return [];
  try {
    return fromOne(JSON.parse(text) as unknown, '$', 0);
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    const lines = text.split('\n').filter((l) => l.trim() !== '');
    if (lines.length < 2) throw new EventFormatError(`$: not JSON: ${error.message}`, error);
    return lines.flatMap((line, i) => fromOne(parseJson(line, `line ${i + 1}`), `line ${i + 1}`, 0));
  }
}
