// A bare Fastify server with one route: the baseline every benchmark compares against. Plain JavaScript,
// so it runs without any loader, as fast as Fastify can.
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/bare', async () => ({ status: 'ok' }));
await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
