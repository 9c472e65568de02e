// One upstream connection to the voting service's event stream per frontend process, fanned out to every
// browser that listens. Reconnects with backoff. A missing or broken stream is not an outage: the original
// voting service has no stream route at all. While the stream is not live, counts are read every pollMs
// instead, and only those reads decide whether voting is up or down.
import type { IncomingMessage } from 'node:http';
import { VoteStreamStatus, type VoteEvent } from '@craftista/contracts';
import { createHttpClient, type AxiosInstance } from '@craftista/http-client';
import { VotingOrigami, type VoteCounts } from './backends.js';
import type { Result } from './cache.js';

export type VotingState = 'unknown' | 'up' | 'down';

export interface StreamListener {
  vote(event: VoteEvent): void;
  state(state: VotingState): void;
  /** Every count, read while the stream is not live (sent when any changed). */
  snapshot(counts: VoteCounts): void;
}

/** Stream events carry `{id, votes}`; ids may be JSON numbers, as the original voting service's are. */
const StreamEvent = VotingOrigami.pick({ id: true, votes: true });

export interface VoteStreamOptions {
  votingUrl: string;
  /** Reads every count from voting; while the stream is not live it alone says whether voting is up. */
  readCounts: () => Promise<Result<VoteCounts>>;
  /** How often counts are read while the stream is not live. */
  pollMs?: number;
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
  private pollTimer: NodeJS.Timeout | undefined;
  /** The counts last read, so that pages get a snapshot only when one changed (also across stream flaps). */
  private polled: VoteCounts | undefined;
  private live = false;
  private failures = 0;
  private started = false;
  private closed = false;

  constructor(private readonly options: VoteStreamOptions) {
    // No per-call timeout: the stream is long-lived; the idle watchdog below replaces it.
    this.client = createHttpClient({ baseURL: options.votingUrl, timeoutMs: 0, retries: 0 });
  }

  /** Whether voting is up: from the live stream, or else from the latest read of the counts. */
  get state(): VotingState {
    return this.current;
  }

  /** Whether counts arrive over the voting stream (false: they are read every pollMs). */
  get streaming(): boolean {
    return this.live;
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
    clearInterval(this.pollTimer);
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
      this.live = true;
      this.stopPolling();
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
      this.live = false;
    }
    if (this.closed) return;
    this.startPolling();
    this.failures += 1;
    const base = this.options.backoffMs ?? 500;
    const delay = Math.min(base * 2 ** (this.failures - 1), this.options.maxBackoffMs ?? 10_000);
    this.retryTimer = setTimeout(() => void this.connect(), delay);
    this.retryTimer.unref();
  }

  private startPolling(): void {
    if (this.pollTimer) return;
    void this.poll();
    this.pollTimer = setInterval(() => void this.poll(), this.options.pollMs ?? 5000);
    this.pollTimer.unref();
  }

  private stopPolling(): void {
    clearInterval(this.pollTimer);
    this.pollTimer = undefined;
  }

  private async poll(): Promise<void> {
    const counts = await this.options.readCounts();
    // The stream may have come back while the read was under way; it is the fresher source then.
    if (this.closed || this.live) return;
    if (!counts.ok) return this.setState('down');
    this.setState('up');
    const previous = this.polled;
    this.polled = counts.value;
    if (previous && sameCounts(previous, counts.value)) return;
    for (const listener of this.listeners) listener.snapshot(counts.value);
  }

  /** Our voting says its feed lost (or regained) PostgreSQL: the stream is not live meanwhile. */
  private handleStatus(data: string): void {
    let parsed;
    try {
      parsed = VoteStreamStatus.safeParse(JSON.parse(data));
    } catch {
      return;
    }
    if (!parsed.success) return;
    if (parsed.data.status === 'down') {
      this.live = false;
      this.startPolling();
    } else {
      this.live = true;
      this.stopPolling();
      this.setState('up');
    }
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
    if (event === 'status') return this.handleStatus(data.join('\n'));
    if (event !== 'message' && event !== 'vote') return;
    if (data.length === 0) return;
    let parsed;
    try {
      parsed = StreamEvent.safeParse(JSON.parse(data.join('\n')));
    } catch {
      return;
    }
    if (!parsed.success) return;
    this.options.onVote?.(parsed.data);
    for (const listener of this.listeners) listener.vote(parsed.data);
  }
}

function sameCounts(a: VoteCounts, b: VoteCounts): boolean {
  if (a.size !== b.size) return false;
  for (const [id, votes] of a) if (b.get(id) !== votes) return false;
  return true;
}
