// One upstream connection to the voting service's event stream per frontend process, fanned out to every
// browser that listens. Reconnects with backoff; tells listeners when voting goes down or comes back.
import type { IncomingMessage } from 'node:http';
import { VoteEvent } from '@craftista/contracts';
import { createHttpClient, type AxiosInstance } from '@craftista/http-client';

export type VotingState = 'unknown' | 'up' | 'down';

export interface StreamListener {
  vote(event: VoteEvent): void;
  state(state: VotingState): void;
}

export interface VoteStreamOptions {
  votingUrl: string;
  /** Reconnect delays grow from this to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** No byte (event or heartbeat) for this long: the connection is considered dead and replaced. */
  idleTimeoutMs?: number;
  /** Called for every valid vote, listeners or not (keeps the read cache current). */
  onVote?: (event: VoteEvent) => void;
  onError?: (message: string) => void;
}

export class VoteStream {
  private readonly client: AxiosInstance;
  private readonly listeners = new Set<StreamListener>();
  private current: VotingState = 'unknown';
  private response: IncomingMessage | undefined;
  private abort: AbortController | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private failures = 0;
  private started = false;
  private closed = false;

  constructor(private readonly options: VoteStreamOptions) {
    // No per-call timeout: the stream is long-lived; the idle watchdog below replaces it.
    this.client = createHttpClient({ baseURL: options.votingUrl, timeoutMs: 0, retries: 0 });
  }

  get state(): VotingState {
    return this.current;
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  /** Adds a listener and connects upstream on first use; returns the function that removes it. */
  subscribe(listener: StreamListener): () => void {
    this.listeners.add(listener);
    if (!this.started) {
      this.started = true;
      void this.connect();
    }
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.idleTimer);
    this.abort?.abort();
    this.response?.destroy();
    this.listeners.clear();
  }

  private setState(state: VotingState): void {
    if (state === this.current) return;
    this.current = state;
    for (const listener of this.listeners) listener.state(state);
  }

  private armIdle(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      this.options.onError?.('voting stream idle; reconnecting');
      this.response?.destroy(new Error('idle'));
    }, this.options.idleTimeoutMs ?? 45_000);
    this.idleTimer.unref();
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    this.abort = new AbortController();
    const connectTimer = setTimeout(() => this.abort?.abort(), 5000);
    try {
      const res = await this.client.get<IncomingMessage>('/api/origamis/stream', {
        responseType: 'stream',
        headers: { accept: 'text/event-stream' },
        signal: this.abort.signal,
      });
      clearTimeout(connectTimer);
      this.response = res.data;
      this.failures = 0;
      this.setState('up');
      this.armIdle();
      await this.consume(res.data);
      this.options.onError?.('voting stream ended');
    } catch (error) {
      clearTimeout(connectTimer);
      this.options.onError?.(`voting stream: ${(error as Error).message}`);
    } finally {
      clearTimeout(this.idleTimer);
      this.response = undefined;
    }
    if (this.closed) return;
    this.setState('down');
    this.failures += 1;
    const base = this.options.backoffMs ?? 500;
    const delay = Math.min(base * 2 ** (this.failures - 1), this.options.maxBackoffMs ?? 10_000);
    this.retryTimer = setTimeout(() => void this.connect(), delay);
    this.retryTimer.unref();
  }

  /** Reads `text/event-stream` frames: `data:` lines make one JSON vote event; comments are heartbeats. */
  private async consume(stream: IncomingMessage): Promise<void> {
    stream.setEncoding('utf8');
    let buffer = '';
    for await (const chunk of stream as AsyncIterable<string>) {
      this.armIdle();
      buffer += chunk;
      let end: number;
      while ((end = buffer.search(/\r?\n\r?\n/)) !== -1) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, '');
        this.handleFrame(frame);
      }
      if (buffer.length > 64 * 1024) buffer = '';
    }
  }

  private handleFrame(frame: string): void {
    let event = 'message';
    const data: string[] = [];
    for (const line of frame.split(/\r?\n/)) {
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
    }
    if (event !== 'message' && event !== 'vote') return;
    if (data.length === 0) return;
    let parsed;
    try {
      parsed = VoteEvent.safeParse(JSON.parse(data.join('\n')));
    } catch {
      return;
    }
    if (!parsed.success) return;
    this.options.onVote?.(parsed.data);
    for (const listener of this.listeners) listener.vote(parsed.data);
  }
}
