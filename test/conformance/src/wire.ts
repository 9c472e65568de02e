// Sends a recorded request as its sender put it on the wire: node:http with exactly the recorded headers, in
// their order and spelling, and the recorded body bytes (an empty POST keeps its `Content-Length: 0` and
// gets no Transfer-Encoding). Node adds only `Host` and `Connection: close`, which no case depends on.
import http from 'node:http';
import net from 'node:net';
import { once } from 'node:events';
import type { Case } from './cases.js';

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/** The recorded headers, with `{origin}` standing for the server's own origin. */
export function headersOf(request: Case['request'], baseUrl: string): [string, string][] {
  const origin = new URL(baseUrl).origin;
  return request.headers.map(([name, value]) => [name, value.replaceAll('{origin}', origin)]);
}

/** One recorded request to `baseUrl`. An event stream is answered by its head only (it never ends). */
export function send(baseUrl: string, request: Case['request']): Promise<Answer> {
  const url = new URL(request.path, baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        method: request.method,
        path: url.pathname + url.search,
        headers: Object.fromEntries(headersOf(request, baseUrl)),
        agent: false,
      },
      (res) => {
        const head = { status: res.statusCode ?? 0, headers: res.headers };
        if ((res.headers['content-type'] ?? '').startsWith('text/event-stream')) {
          res.destroy();
          return resolve({ ...head, text: '' });
        }
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.once('end', () => resolve({ ...head, text: Buffer.concat(chunks).toString('utf8') }));
        res.once('error', reject);
      },
    );
    req.once('error', reject);
    req.end(Buffer.from(request.body, 'utf8'));
  });
}

/**
 * The bytes `send` puts on the wire for `request`, caught by a plain TCP server that answers one fixed
 * response: proof that what the suite sends is what the case records.
 */
export async function bytesSentFor(request: Case['request']): Promise<{ baseUrl: string; bytes: string }> {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const base = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  let received = '';
  server.on('connection', (socket) => {
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      received += chunk;
      const end = received.indexOf('\r\n\r\n');
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(received)?.[1] ?? 0);
      if (end !== -1 && received.length >= end + 4 + length) {
        socket.end('HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n');
      }
    });
  });
  try {
    await send(base, request);
    return { baseUrl: base, bytes: received };
  } finally {
    server.close();
  }
}
