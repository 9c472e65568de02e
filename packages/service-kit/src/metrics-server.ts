import http from 'node:http';
import { once } from 'node:events';
import type { Registry } from 'prom-client';

/**
 * Serves `registry` at GET /metrics on a port of its own (METRICS_PORT), so metrics are reachable where the
 * operator opens that port (a scrape network, a pod port) and not on the service's public one. Anything
 * else on it is a 404. Resolves once listening.
 */
export async function serveMetrics(
  registry: Registry,
  { port, host = '0.0.0.0' }: { port: number; host?: string },
): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found: metrics are at GET /metrics');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      () => res.writeHead(500).end(),
    );
  });
  server.listen(port, host);
  await once(server, 'listening');
  return server;
}
