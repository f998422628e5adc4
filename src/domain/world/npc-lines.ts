import { toldKeyPart } from '../npc/told-lines.ts';
import type { TimeOfDay } from './clock.ts';
import type { Npc, SituationalLine } from './world-schema.ts';

/** Where and when a line is said: the place, its setting, the hour, the weather. */
export interface LineSituation {
  locationId: string;
  setting: 'outdoors' | 'indoors' | 'underground';
  timeOfDay: TimeOfDay;
  weatherId: string;
}

/** Whether a situational line may be said here and now: every condition it names holds. */
export function lineFits(line: SituationalLine, situation: LineSituation): boolean {
  return (
    (!line.at || line.at.includes(situation.locationId)) &&
    (!line.setting || line.setting.includes(situation.setting)) &&
    (!line.time || line.time.includes(situation.timeOfDay)) &&
    (!line.weather || line.weather.includes(situation.weatherId))
  );
}

/**
 * The NPC's lines of one kind that may be said here and now, those written for this very situation
 * first (most conditions met), then the plain ones that fit anywhere.
 */
export function linesFor(
  npc: Npc,
  kind: SituationalLine['kind'],
  situation: LineSituation,
): { text: string; specificity: number; weather: boolean; key: string }[] {
  const plain = kind === 'greeting' ? npc.greetings : kind === 'farewell' ? npc.farewells : npc.smallTalk;
  const situated = npc.situational
    .map((line, index) => ({ line, index }))
    .filter(({ line }) => line.kind === kind && lineFits(line, situation))
    .map(({ line, index }) => ({
      text: line.text,
      specificity: [line.at, line.setting, line.time, line.weather].filter((c) => c !== undefined).length,
      weather: line.weather !== undefined,
      key: `situational:${index}`,
    }));
  return [
    ...situated.sort((a, b) => b.specificity - a.specificity),
    ...plain.map((text, index) => ({ text, specificity: 0, weather: false, key: `${kind}:${index}` })),
  ];
}

/** The key of a knowledge line, by its place among the entry's lines (a told line's id in NpcConversationHeld). */
export function knowledgeKey(entry: Npc['knowledge'][number], index: number): string {
  return `knowledge:${toldKeyPart(entry.topic)}:${index}`;
}

/** A knowledge entry's lines, in the order they are told. */
export function knowledgeLines(entry: Npc['knowledge'][number]): string[] {
  return [entry.text, ...entry.more];
}
