import type { LocationView } from '../../domain/world/location-view.ts';
import { seenThroughWeather, weatherLine } from './weather-line.ts';

/** A view from before places had a setting reads as outdoors. */
export type NarratedView = Omit<LocationView, 'setting'> & { setting?: LocationView['setting'] };

function list(names: string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** The text a player reads on arriving or looking around. */
export function narrateLocation(view: NarratedView): string {
  const setting = view.setting ?? 'outdoors';
  const lines = [headingLine(view), seenThroughWeather(view.description, setting, view.weather.description)];
  const sky = weatherLine(view.time_of_day, setting, view.weather.description);
  if (sky) lines.push(sky);
  return [...lines, ...whoAndWhatIsHereLines(view), exitsLine(view)].join('\n');
}

export function headingLine(view: NarratedView): string {
  return `${view.name} — ${view.region}`;
}

/** Who and what is here this moment: people, enemies and their state, items lying, other players. */
export function whoAndWhatIsHereLines(view: NarratedView): string[] {
  const lines: string[] = [];
  if (view.npcs.length > 0)
    lines.push(`${list(view.npcs.map((n) => n.name))} ${view.npcs.length === 1 ? 'is' : 'are'} here.`);
  for (const enemy of view.enemies) {
    const wounded = enemy.hp < enemy.max_hp ? ' It is wounded.' : '';
    // An enemy is a kind of creature, even when its name is capitalised ("a Black Fox bandit").
    lines.push(
      `${/^[aeiou]/i.test(enemy.name) ? 'An' : 'A'} ${enemy.name} prowls here, watching you.${wounded}`,
    );
  }
  if (view.items.length > 0)
    lines.push(`You see ${list(counted(view.items.map((i) => withArticle(i.name))))}.`);
  const unnamed = view.players_count - view.players.length;
  if (unnamed > 0)
    lines.push(`Also here: ${view.players.join(', ')} and ${unnamed} other${unnamed === 1 ? '' : 's'}.`);
  else if (view.players.length > 0) lines.push(`Also here: ${list(view.players)}.`);
  return lines;
}

export function exitsLine(view: NarratedView): string {
  return `Exits: ${view.exits.map((e) => `${e.direction} (${e.name})`).join(', ') || 'none'}.`;
}

function withArticle(name: string): string {
  if (/^[A-Z]/.test(name)) return name;
  return `${/^[aeiou]/i.test(name) ? 'an' : 'a'} ${name}`;
}

/** Alike things told once with their count ("a starglass shard (×2)"), in the order first seen. */
function counted(names: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const name of names) counts.set(name, (counts.get(name) ?? 0) + 1);
  return [...counts].map(([name, count]) => (count > 1 ? `${name} (×${count})` : name));
}
