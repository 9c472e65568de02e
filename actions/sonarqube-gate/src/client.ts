// A minimal SonarQube Web API client: GET JSON with the token, errors turned into sentences.
export type AuthScheme = 'bearer' | 'basic';

export interface SonarClientOptions {
  baseUrl: string;
  token: string;
  /** bearer (user tokens, SonarQube >= 10.0) or basic (token as login, empty password; every version). */
  scheme: AuthScheme;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export class SonarError extends Error {
  override name = 'SonarError';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export function parseScheme(value: string): AuthScheme {
  const v = value.trim().toLowerCase();
  if (v === 'bearer' || v === 'basic') return v;
  throw new Error(`input "auth-scheme" must be bearer or basic, got "${value}"`);
}

export function authorization(token: string, scheme: AuthScheme): string {
  return scheme === 'bearer' ? `Bearer ${token}` : `Basic ${Buffer.from(`${token}:`).toString('base64')}`;
}

export class SonarClient {
  private readonly base: string;
  constructor(private readonly opts: SonarClientOptions) {
    this.base = opts.baseUrl.replace(/\/+$/, '');
  }

  async get<T>(path: string, query: Record<string, string>): Promise<T> {
    const url = `${this.base}/${path}?${new URLSearchParams(query).toString()}`;
    const doFetch = this.opts.fetch ?? fetch;
    let res: Response;
    try {
      res = await doFetch(url, {
        headers: {
          authorization: authorization(this.opts.token, this.opts.scheme),
          accept: 'application/json',
        },
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 30_000),
      });
    } catch (err) {
      throw new SonarError(`cannot reach SonarQube at ${this.base}: ${(err as Error).message}`, 0);
    }
    const text = await res.text();
    if (!res.ok) {
      let detail = '';
      try {
        detail = ((JSON.parse(text) as { errors?: Array<{ msg?: string }> }).errors ?? [])
          .map((e) => e.msg)
          .filter(Boolean)
          .join('; ');
      } catch {
        detail = text.slice(0, 200);
      }
      const hint =
        res.status === 401
          ? 'the token was rejected (missing, expired or revoked)'
          : res.status === 403
            ? 'the token lacks Browse or Execute Analysis permission on the project'
            : res.status === 404
              ? 'not found'
              : `HTTP ${res.status}`;
      throw new SonarError(`GET ${path}: ${hint}${detail !== '' ? ` (${detail})` : ''}`, res.status);
    }
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new SonarError(
        `GET ${path}: the answer is not JSON (is ${this.base} a SonarQube server?)`,
        res.status,
      );
    }
  }
}
