import type { FastifyInstance } from 'fastify';
import { ErrorBody, jsonSchema, OrigamiOfTheDay, RecommendationStatus } from '@craftista/contracts';
import { HttpError } from '@craftista/service-kit';
import { DatePickError, type Picker } from '../picker.js';
import type { PickStore } from '../repository/store.js';

export function registerOrigamiRoutes(app: FastifyInstance, picker: Picker, store: PickStore): void {
  app.get<{ Querystring: { date?: string } }>(
    '/api/origami-of-the-day',
    {
      schema: {
        summary: "The origami of the day (today's, or a past day's with ?date=YYYY-MM-DD)",
        querystring: {
          type: 'object',
          properties: { date: { type: 'string', description: 'a past or today’s date, YYYY-MM-DD' } },
        },
        response: { 200: jsonSchema(OrigamiOfTheDay), 400: jsonSchema(ErrorBody) },
      },
    },
    async (request, reply) => {
      const { date } = request.query;
      // Already JSON: a Buffer payload is sent as is, skipping the response serialiser. Once today's pick is
      // known, nothing is awaited.
      if (date === undefined) {
        const json = picker.pickTodayJson();
        return reply.type('application/json; charset=utf-8').send(json instanceof Buffer ? json : await json);
      }
      try {
        return await picker.pickOn(date);
      } catch (error) {
        if (error instanceof DatePickError) throw new HttpError(400, error.code, error.message);
        throw error;
      }
    },
  );

  app.get(
    '/api/recommendation-status',
    {
      schema: {
        summary: 'operational, or degraded while Redis is unreachable (still 200: the picks keep coming)',
        response: { 200: jsonSchema(RecommendationStatus) },
      },
    },
    async () => {
      const up = store.connected();
      return {
        status: up ? 'operational' : 'degraded',
        details: {
          store: store.kind,
          redis: store.kind === 'embedded' ? 'not configured' : up ? 'connected' : 'unreachable',
          ...(up ? {} : { message: 'Picks are computed locally until Redis is reachable again' }),
          ...(picker.lastStoreError ? { lastError: picker.lastStoreError } : {}),
          timeZone: picker.calendar.timeZone,
          date: picker.todayDate(),
          timestamp: new Date().toISOString(),
        },
      };
    },
  );
}
