import type { MessagePort } from 'node:worker_threads';
import { Channel, type ChannelEvent, type ChannelSender } from '../channel.js';
import { EventEncoder, type EncodedEvents } from './event-codec.js';
import { EventDecoder } from './event-decoder.js';

/**
 * What two threads of an exchange job send each other: channel events in batches (as bytes, see
 * event-codec.ts), and acks.
 */
type LinkMessage = { events: EncodedEvents } | { cloned: [string, ChannelEvent[]][] } | { acks: [string, number][] };

/**
 * The sending end of a channel into another thread. Events wait here until the thread's link is
 * flushed (once per pass of the task loop), then cross as one message per batch of channels.
 * Records count as buffered until the receiving task took them and said so (an ack), so
 * backpressure works as with a channel in this thread.
 */
export class RemoteChannel implements ChannelSender {
  #out: ChannelEvent[] = [];
  #sent = 0;
  #acked = 0;

  constructor(readonly name: string) {}

  get bufferedRecords(): number {
    return this.#sent - this.#acked;
  }

  send(event: ChannelEvent): void {
    this.#out.push(event);
    if (event.kind === 'records') this.#sent += event.values.length;
  }

  /** The events sent since the last flush. */
  drain(): ChannelEvent[] | undefined {
    if (this.#out.length === 0) return undefined;
    const out = this.#out;
    this.#out = [];
    return out;
  }

  ack(records: number): void {
    this.#acked += records;
  }
}

/** The receiving end of a channel from another thread: counts what its task took, for acks. */
export class InboundChannel extends Channel {
  #taken = 0;

  override take(): ChannelEvent | undefined {
    const event = super.take();
    if (event?.kind === 'records') this.#taken += event.values.length;
    return event;
  }

  /** Records taken since the last call. */
  takeAcks(): number {
    const taken = this.#taken;
    this.#taken = 0;
    return taken;
  }
}

/**
 * The channels between this thread and one other, over one MessagePort (FIFO, so each channel
 * keeps its order). Ends are created on first use by either the wiring or an arriving message,
 * as the other thread may start sending before this one built its tasks.
 */
export class ThreadLink {
  readonly #senders = new Map<string, RemoteChannel>();
  readonly #receivers = new Map<string, InboundChannel>();
  readonly #encoder = new EventEncoder();
  readonly #decoder = new EventDecoder();

  constructor(
    private readonly port: MessagePort,
    onMessage: () => void,
    /** How records cross: see `ExchangeThreads.records`. */
    private readonly records: 'bytes' | 'clone' = 'bytes',
  ) {
    port.on('message', (message: LinkMessage) => {
      if ('events' in message) this.#decoder.decode(message.events, (name, event) => this.receiver(name).send(event));
      else if ('cloned' in message) {
        for (const [name, events] of message.cloned) for (const event of events) this.receiver(name).send(event);
      } else for (const [name, records] of message.acks) this.sender(name).ack(records);
      onMessage();
    });
  }

  sender(name: string): RemoteChannel {
    let channel = this.#senders.get(name);
    if (channel === undefined) this.#senders.set(name, (channel = new RemoteChannel(name)));
    return channel;
  }

  receiver(name: string): InboundChannel {
    let channel = this.#receivers.get(name);
    if (channel === undefined) this.#receivers.set(name, (channel = new InboundChannel(name)));
    return channel;
  }

  /** Sends what the tasks of this thread sent into the other one, and acks what they took from it. */
  flush(): void {
    const events: [string, ChannelEvent[]][] = [];
    for (const [name, channel] of this.#senders) {
      const out = channel.drain();
      if (out !== undefined) events.push([name, out]);
    }
    if (events.length > 0 && this.records === 'clone') this.port.postMessage({ cloned: events } satisfies LinkMessage);
    else if (events.length > 0) {
      const encoded = this.#encoder.encode(events);
      this.port.postMessage({ events: encoded } satisfies LinkMessage, [encoded.bytes]);
    }
    const acks: [string, number][] = [];
    for (const [name, channel] of this.#receivers) {
      const taken = channel.takeAcks();
      if (taken > 0) acks.push([name, taken]);
    }
    if (acks.length > 0) this.port.postMessage({ acks } satisfies LinkMessage);
  }

  close(): void {
    this.port.close();
  }
}
