import type { TimeOfDay } from '../../domain/world/clock.ts';

/** Where a place sits under the sky: only outdoor places see the sky's weather. */
export type Setting = 'outdoors' | 'indoors' | 'underground';

const SUN_WORDS = /\b(sun|sunlight|sunlit|sunshine|daylight|sky is clear|clear and high)\b/i;
const NIGHT_SKY_WORDS = /\b(stars?|starlight|starlit|moon|moonlight)\b/i;
/** Weather that falls or blows from the sky, heard from under a roof. */
const RAIN_WORDS = /\b(rain|drizzle|downpour|storm)\b/i;
const WIND_WORDS = /\b(wind|gale|gust|gusty)\b/i;
/** Weather that hides the sky: no sun, moon or stars are seen through it. */
const SKY_HIDING_WORDS = /\b(rain|drizzle|downpour|storm|fog|mist|haze)\b/i;
/** A sentence that sees the sky itself (not a carved star or a star chart). */
const SEEN_SKY_WORDS = /\b(sun|sunlight|sunshine|moon|moonlight|under the stars|one star)\b/i;

const TIME_OPENING: Record<TimeOfDay, string> = {
  morning: 'Morning light',
  day: 'Daylight',
  evening: 'Evening',
  night: 'Night',
};

/** What the sky looks like when the region's weather line would contradict the hour. */
const PLAIN_SKY: Record<TimeOfDay, string> = {
  morning: 'The morning is quiet and pale.',
  day: 'The day is mild and still.',
  evening: 'The light is failing, and shadows lengthen.',
  night: 'The dark is deep and still.',
};

/**
 * The time-and-weather sentence of a description, composed from state only:
 * outdoors, the hour and the weather (never sun by night nor stars by day);
 * indoors, at most how the weather outside is heard; underground, nothing.
 */
export function weatherLine(timeOfDay: TimeOfDay, setting: Setting, weather: string): string {
  if (setting === 'underground') return '';
  if (setting === 'indoors') return heardIndoors(weather);
  return `${TIME_OPENING[timeOfDay]}. ${skyNow(timeOfDay, weather) ?? PLAIN_SKY[timeOfDay]}`;
}

/** The region's weather line as the open sky shows it at this hour, or nothing when it contradicts the hour. */
export function skyNow(timeOfDay: TimeOfDay, weather: string): string | undefined {
  const lit = timeOfDay === 'morning' || timeOfDay === 'day';
  const contradicts = lit ? NIGHT_SKY_WORDS.test(weather) : SUN_WORDS.test(weather);
  return contradicts ? undefined : weather;
}

function heardIndoors(weather: string): string {
  if (RAIN_WORDS.test(weather)) return 'Rain drums on the roof.';
  if (WIND_WORDS.test(weather)) return 'The wind worries at the walls outside.';
  return '';
}

/**
 * A place's description as the weather lets it be seen: where rain, fog or haze hides the sky, the
 * sentences that see the sun, the moon or the stars are left out (the rest is told as written).
 */
export function seenThroughWeather(description: string, setting: Setting, weather: string): string {
  if (setting === 'underground' || !SKY_HIDING_WORDS.test(weather)) return description;
  const sentences = description.match(/[^.!?]+[.!?]+["”’']?\s*/g) ?? [description];
  return sentences
    .filter((sentence) => !SEEN_SKY_WORDS.test(sentence))
    .join('')
    .trim();
}
