import { OrigamiOfTheDay, RecommendationStatus, z } from '@craftista/contracts';
import { errorResponses, HttpError, sendEncodedJson, type ServicePlugin } from '@craftista/service-kit';
import { DatePickError, type Picker } from '../picker.js';
import type { PickStore } from '../repository/types.js';

const DayQuery = z.object({
  date: z.iso
    .date()
    .optional()
    .describe('a calendar date, YYYY-MM-DD; days before 1970 or after today have no pick (404)'),
});

export const origamiRoutes: ServicePlugin<{ picker: Picker; store: PickStore }> = async (
  app,
  { picker, store },
) => {
  app.get(
    '/api/origami-of-the-day',
    {
      schema: {
        summary: "The origami of the day (today's, or a past day's with ?date=YYYY-MM-DD)",
        querystring: DayQuery,
        response: { 200: OrigamiOfTheDay, ...errorResponses(400, 404) },
      },
      // Today's pick, answered before Fastify routes the request (the kit's fast path).
      config: { fastPath: () => picker.pickTodayJson() },
    },
    async (request, reply) => {
      const { date } = request.query;
      // Already JSON. Once today's pick is known, nothing is awaited.
      if (date === undefined) {
        const json = picker.pickTodayJson();
        return sendEncodedJson(reply, json instanceof Buffer ? json : await json);
      }
      try {
        return await picker.pickOn(date);
      } catch (error) {
        // A real date without a pick is a resource that does not exist (yet): 404, as the schema allows it.
        if (error instanceof DatePickError)
          throw new HttpError(error.code === 'invalid_date' ? 400 : 404, error.code, error.message);
        throw error;
      }
    },
  );

  app.get(
    '/api/recommendation-status',
    {
      schema: {
        summary: 'operational, or degraded while Redis is unreachable (still 200: the picks keep coming)',
        response: { 200: RecommendationStatus },
      },
    },
    async () => {
      const up = store.connected();
      const status: 'operational' | 'degraded' = up ? 'operational' : 'degraded';
      return {
        status,
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
};
