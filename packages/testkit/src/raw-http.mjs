// The floor every kit route is measured against: a raw node:http server answering every request with the
// status, headers and body it was given (RAW_ANSWER: JSON of the service's own answer), built once. Plain
// JavaScript, so it runs without any loader.
import http from 'node:http';

const { status, headers, body } = JSON.parse(process.env.RAW_ANSWER ?? '{}');
const bytes = Buffer.from(body, 'base64');
const head = [...headers.flat(), 'content-length', String(bytes.length)];
const server = http.createServer((_req, res) => {
  res.writeHead(status, head);
  res.end(bytes);
});
server.keepAliveTimeout = 72_000;
server.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1');
process.once('SIGTERM', () => server.close(() => process.exit(0)));
