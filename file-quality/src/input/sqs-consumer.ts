import { DeleteMessageCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import { silentLogger, type Logger } from '@coattail/runtime';
import { describeError } from '../errors.js';
import type { FileQualityProcessor } from '../processor.js';
import { runEvents } from './run-events.js';
import { parseS3Events } from './s3-events.js';

/** Options of {@link SqsEventConsumer}. */
export interface SqsEventConsumerOptions {
  /** An SQS client (only `send` is used). */
  readonly client: Pick<SQSClient, 'send'>;
  readonly queueUrl: string;
  readonly processor: Pick<FileQualityProcessor, 'process'>;
  /** Long-poll wait. @default 20 */
  readonly waitTimeSeconds?: number;
  /** Messages per receive (1–10). @default 10 */
  readonly maxMessages?: number;
  /** Visibility timeout asked for on receive; the queue's default when absent. */
  readonly visibilityTimeoutSeconds?: number;
  /** Events processed at once within one received batch. @default 2 */
  readonly concurrency?: number;
  readonly logger?: Logger;
}

/** What one poll did. */
export interface PollSummary {
  readonly received: number;
  /** Handled (scored, parse-failed, skipped, or failed for good) and deleted. */
  readonly deleted: number;
  /** Left on the queue to come back after the visibility timeout (a retryable failure). */
  readonly retried: number;
}

/**
 * Long-polls an SQS queue of S3 event notifications. A message is deleted once every event in it
 * is handled; a retryable failure (database or S3 unavailable) leaves it on the queue, so SQS
 * delivers it again after the visibility timeout (and, with a redrive policy, moves it to a DLQ
 * after the queue's maxReceiveCount). A message that is not an S3 event is logged and deleted.
 *
 * @example
 * const consumer = new SqsEventConsumer({ client: new SQSClient({}), queueUrl, processor });
 * process.once('SIGTERM', () => consumer.stop());
 * await consumer.run();
 */
export class SqsEventConsumer {
  readonly #o: SqsEventConsumerOptions;
  readonly #log: Logger;
  #stopping = false;
  #abort = new AbortController();

  constructor(options: SqsEventConsumerOptions) {
    this.#o = options;
    this.#log = (options.logger ?? silentLogger).child({ component: 'sqs-consumer', queue_url: options.queueUrl });
  }

  /** Polls until {@link stop}; a failed receive is logged and retried after a short pause. */
  async run(): Promise<void> {
    while (!this.#stopping) {
      try {
        const { received } = await this.pollOnce();
        // An empty answer from a short poll (or a fake client) must still let timers and I/O run.
        if (received === 0) await new Promise((resolve) => setImmediate(resolve));
      } catch (error) {
        if (this.#stopping) break;
        this.#log.error({ error: describeError(error) }, 'receive failed; retrying in 5 s');
        await new Promise((resolve) => setTimeout(resolve, 5_000));
      }
    }
  }

  /** Stops after the current poll (aborting its long wait). */
  stop(): void {
    this.#stopping = true;
    this.#abort.abort();
    this.#abort = new AbortController();
  }

  /** One long poll and the handling of what it received. */
  async pollOnce(): Promise<PollSummary> {
    const response = await this.#o.client.send(
      new ReceiveMessageCommand({
        QueueUrl: this.#o.queueUrl,
        WaitTimeSeconds: this.#o.waitTimeSeconds ?? 20,
        MaxNumberOfMessages: this.#o.maxMessages ?? 10,
        ...(this.#o.visibilityTimeoutSeconds === undefined
          ? {}
          : { VisibilityTimeout: this.#o.visibilityTimeoutSeconds }),
      }),
      { abortSignal: this.#abort.signal },
    );
    const messages = response.Messages ?? [];
    let deleted = 0;
    let retried = 0;
    for (const message of messages) {
      if (await this.#handle(message)) {
        if (message.ReceiptHandle !== undefined)
          await this.#o.client.send(
            new DeleteMessageCommand({ QueueUrl: this.#o.queueUrl, ReceiptHandle: message.ReceiptHandle }),
          );
        deleted += 1;
      } else {
        retried += 1;
      }
    }
    return { received: messages.length, deleted, retried };
  }

  /** True when the message is done with (delete it), false to let SQS redeliver it. */
  async #handle(message: Message): Promise<boolean> {
    const log = this.#log.child({ message_id: message.MessageId });
    let events;
    try {
      events = parseS3Events(message.Body ?? '');
    } catch (error) {
      log.error(
        { error: describeError(error), body: (message.Body ?? '').slice(0, 500) },
        'message is not an S3 event; deleting it',
      );
      return true;
    }
    const summary = await runEvents(this.#o.processor, events, this.#o.concurrency ?? 2);
    const retry = summary.outcomes.some((o) => o.status === 'failed' && o.retryable);
    if (retry) log.warn({ failed: summary.failed }, 'leaving message on the queue for a retry');
    return !retry;
  }
}
