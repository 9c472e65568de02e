// The one way a Craftista service calls another: axios with a per-call timeout, bounded retries for
// idempotent reads, and the caller's request id and trace context forwarded.
import { context, propagation } from '@opentelemetry/api';
import axios, { AxiosError, type AxiosInstance, type InternalAxiosRequestConfig } from 'axios';
import { requestContext } from './context.js';

export { requestContext, type RequestContext } from './context.js';

export interface HttpClientOptions {
  baseURL: string;
  /** Per-call timeout; default 2 s. */
  timeoutMs?: number;
  /** Retries for idempotent GETs only; default 2, never more than 2. */
  retries?: number;
  /** First backoff delay; doubles per attempt. */
  backoffMs?: number;
}

interface RetryState {
  attempt?: number;
}

const RETRYABLE_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'ECONNABORTED',
  'EAI_AGAIN',
]);

function isRetryable(error: AxiosError): boolean {
  if (error.response) return error.response.status >= 500 || error.response.status === 429;
  return RETRYABLE_CODES.has(error.code ?? '');
}

export function createHttpClient(options: HttpClientOptions): AxiosInstance {
  const retries = Math.min(options.retries ?? 2, 2);
  const backoffMs = options.backoffMs ?? 100;
  const client = axios.create({
    baseURL: options.baseURL,
    timeout: options.timeoutMs ?? 2000,
    headers: { accept: 'application/json' },
  });

  client.interceptors.request.use((config: InternalAxiosRequestConfig) => {
    const current = requestContext.getStore();
    if (current?.requestId) config.headers.set('x-request-id', current.requestId);
    for (const [name, value] of Object.entries(current?.headers ?? {})) config.headers.set(name, value);
    const carrier: Record<string, string> = {};
    propagation.inject(context.active(), carrier);
    for (const [name, value] of Object.entries(carrier)) config.headers.set(name, value);
    return config;
  });

  client.interceptors.response.use(undefined, async (error: AxiosError) => {
    const config = error.config as (InternalAxiosRequestConfig & RetryState) | undefined;
    if (!config || (config.method ?? 'get').toLowerCase() !== 'get' || !isRetryable(error)) throw error;
    const attempt = (config.attempt ?? 0) + 1;
    if (attempt > retries) throw error;
    config.attempt = attempt;
    const delay = backoffMs * 2 ** (attempt - 1) * (0.5 + Math.random() / 2);
    await new Promise((r) => setTimeout(r, delay));
    return client.request(config);
  });

  return client;
}

export { AxiosError, axios, type AxiosInstance };
export { CLIENT_ID_HEADER, signClientId, verifyClientId } from './client-id.js';
