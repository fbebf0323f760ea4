import { DeleteMessageCommand, ReceiveMessageCommand, type Message } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { FileQualityError } from '../errors.js';
import type { ProcessResult } from '../processor.js';
import type { ObjectEvent } from './s3-events.js';
import { SqsEventConsumer } from './sqs-consumer.js';

// Nothing here emulates SQS (no ElasticMQ or LocalStack on this machine), so the consumer is
// tested against a fake client that records the commands it is sent; the real SQSClient is used
// unchanged in production (`coattail dq poll`).
class FakeSqs {
  readonly deleted: string[] = [];
  readonly receives: ReceiveMessageCommand[] = [];
  constructor(private readonly batches: Message[][]) {}
  send(command: unknown): Promise<unknown> {
    if (command instanceof ReceiveMessageCommand) {
      this.receives.push(command);
      return Promise.resolve({ Messages: this.batches.shift() ?? [] });
    }
    if (command instanceof DeleteMessageCommand) {
      this.deleted.push(command.input.ReceiptHandle ?? '');
      return Promise.resolve({});
    }
    return Promise.reject(new Error('unexpected command'));
  }
}

const message = (id: string, body: unknown): Message => ({
  MessageId: id,
  ReceiptHandle: `rh-${id}`,
  Body: typeof body === 'string' ? body : JSON.stringify(body),
});
const s3Body = (key: string) => ({
  Records: [{ eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'landing' }, object: { key, size: 1 } } }],
});

function processor(fail: Record<string, FileQualityError> = {}) {
  const seen: string[] = [];
  return {
    seen,
    process(event: ObjectEvent): Promise<ProcessResult> {
      seen.push(event.key);
      const error = fail[event.key];
      if (error !== undefined) return Promise.reject(error);
      return Promise.resolve({
        status: 'skipped',
        bucket: event.bucket,
        key: event.key,
        reason: 'key_unmatched',
        message: '',
      });
    },
  };
}

describe('SqsEventConsumer (fake SQS client)', () => {
  it('long-polls with the configured wait and deletes messages whose events were handled', async () => {
    const sqs = new FakeSqs([[message('1', s3Body('a.csv')), message('2', s3Body('b.csv'))]]);
    const p = processor();
    const consumer = new SqsEventConsumer({
      client: sqs,
      queueUrl: 'https://sqs/q',
      processor: p,
      waitTimeSeconds: 20,
      maxMessages: 5,
      visibilityTimeoutSeconds: 60,
    });
    expect(await consumer.pollOnce()).toEqual({ received: 2, deleted: 2, retried: 0 });
    expect(sqs.receives[0]?.input).toEqual({
      QueueUrl: 'https://sqs/q',
      WaitTimeSeconds: 20,
      MaxNumberOfMessages: 5,
      VisibilityTimeout: 60,
    });
    expect(p.seen).toEqual(['a.csv', 'b.csv']);
    expect(sqs.deleted).toEqual(['rh-1', 'rh-2']);
  });

  it('leaves a message on the queue when an event failed retryably, deletes it when it failed for good', async () => {
    const sqs = new FakeSqs([[message('1', s3Body('db-down.csv')), message('2', s3Body('gone.csv'))]]);
    const p = processor({
      'db-down.csv': new FileQualityError('DATABASE_FAILED', 'connection refused', {
        domain: 'external',
        retryable: true,
      }),
      'gone.csv': new FileQualityError('OBJECT_UNAVAILABLE', 'NoSuchKey', { domain: 'user', retryable: false }),
    });
    const consumer = new SqsEventConsumer({ client: sqs, queueUrl: 'q', processor: p });
    expect(await consumer.pollOnce()).toEqual({ received: 2, deleted: 1, retried: 1 });
    expect(sqs.deleted).toEqual(['rh-2']);
  });

  it('deletes a message that is not an S3 event instead of looping on it', async () => {
    const sqs = new FakeSqs([[message('1', 'hello'), message('2', { Service: 'Amazon S3', Event: 's3:TestEvent' })]]);
    const consumer = new SqsEventConsumer({ client: sqs, queueUrl: 'q', processor: processor() });
    expect(await consumer.pollOnce()).toEqual({ received: 2, deleted: 2, retried: 0 });
  });

  it('runs until stopped', async () => {
    const sqs = new FakeSqs([[message('1', s3Body('a.csv'))], [], []]);
    const p = processor();
    const consumer = new SqsEventConsumer({ client: sqs, queueUrl: 'q', processor: p, waitTimeSeconds: 0 });
    const running = consumer.run();
    await new Promise((resolve) => setTimeout(resolve, 20));
    consumer.stop();
    await running;
    expect(p.seen).toEqual(['a.csv']);
    expect(sqs.receives.length).toBeGreaterThanOrEqual(2);
  });
});
