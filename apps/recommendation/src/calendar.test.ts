import { describe, expect, it } from 'vitest';
import { addDays, Calendar, dayNumber, fromDayNumber, isValidTimeZone, parseDate } from './calendar.js';

describe('calendar', () => {
  it('counts days from 1970-01-01 both ways', () => {
    expect(dayNumber('1970-01-01')).toBe(0);
    expect(dayNumber('1970-01-05')).toBe(4);
    expect(fromDayNumber(dayNumber('2024-02-29'))).toBe('2024-02-29');
    expect(addDays('2024-02-28', 2)).toBe('2024-03-01');
    expect(addDays('2025-01-01', -1)).toBe('2024-12-31');
  });

  it('accepts only real YYYY-MM-DD dates', () => {
    expect(parseDate('2024-02-29')).toBe('2024-02-29');
    for (const bad of ['2023-02-29', '2024-13-01', '2024-1-01', '20240101', 'yesterday', '1969-12-31', ''])
      expect(parseDate(bad), bad).toBeUndefined();
  });

  it('knows IANA zones and refuses made-up ones', () => {
    expect(isValidTimeZone('Asia/Kolkata')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
  });

  it('gives the local date of an instant in the configured zone', () => {
    const instant = Date.parse('2024-06-30T20:00:00Z');
    expect(new Calendar('UTC').dateAt(instant)).toBe('2024-06-30');
    expect(new Calendar('Asia/Kolkata').dateAt(instant)).toBe('2024-07-01'); // 01:30 IST
    expect(new Calendar('America/Los_Angeles').dateAt(instant)).toBe('2024-06-30');
  });

  it('ends a day at the next local midnight, across DST changes', () => {
    expect(new Calendar('UTC').endOfDay('2024-06-30')).toBe(Date.parse('2024-07-01T00:00:00Z'));
    expect(new Calendar('Asia/Kolkata').endOfDay('2024-06-30')).toBe(Date.parse('2024-06-30T18:30:00Z'));
    const berlin = new Calendar('Europe/Berlin');
    // 2024-03-31 has 23 hours in Berlin, 2024-10-27 has 25.
    expect(berlin.startOfDay('2024-03-31')).toBe(Date.parse('2024-03-30T23:00:00Z'));
    expect(berlin.endOfDay('2024-03-31')).toBe(Date.parse('2024-03-31T22:00:00Z'));
    expect(berlin.endOfDay('2024-10-27') - berlin.startOfDay('2024-10-27')).toBe(25 * 3_600_000);
    // Santiago skips midnight when summer time starts: 2024-09-08 begins at 01:00 local.
    const santiago = new Calendar('America/Santiago');
    const start = santiago.startOfDay('2024-09-08');
    expect(santiago.dateAt(start)).toBe('2024-09-08');
    expect(santiago.dateAt(start - 1)).toBe('2024-09-07');
  });
});
