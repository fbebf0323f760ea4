import { BatchGetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { StageClock } from './latency-stages.js';

const ALERTS_TABLE = 'coattail-alerts';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls DynamoDB for the alerts of the whales pushed, and records when each becomes readable. */
export class AlertWatch {
  readonly #waiting = new Map<string, number>();
  readonly latencies: number[] = [];
  #running = true;
  readonly #loop: Promise<void>;

  constructor(
    private readonly dynamodb: DynamoDBClient,
    private readonly stages: StageClock,
  ) {
    this.#loop = this.#poll();
  }

  expect(eventId: string): void {
    this.#waiting.set(`whale:${eventId}`, performance.now());
    this.stages.push(eventId);
  }

  get outstanding(): number {
    return this.#waiting.size;
  }

  /** Forgets what is still missing; returns how many. */
  giveUp(): number {
    const n = this.#waiting.size;
    this.#waiting.clear();
    return n;
  }

  async stop(): Promise<void> {
    this.#running = false;
    await this.#loop;
  }

  async #poll(): Promise<void> {
    while (this.#running) {
      const ids = [...this.#waiting.keys()].slice(0, 100);
      if (ids.length > 0) {
        const got = await this.dynamodb.send(
          new BatchGetItemCommand({
            RequestItems: {
              [ALERTS_TABLE]: { Keys: ids.map((id) => ({ alert_id: { S: id } })), ProjectionExpression: 'alert_id' },
            },
          }),
        );
        const now = performance.now();
        for (const item of got.Responses?.[ALERTS_TABLE] ?? []) {
          const id = item.alert_id?.S;
          const sent = id === undefined ? undefined : this.#waiting.get(id);
          if (sent === undefined) continue;
          this.latencies.push(now - sent);
          this.stages.seen(id!.slice('whale:'.length));
          this.#waiting.delete(id!);
        }
      }
      await sleep(10);
    }
  }
}
