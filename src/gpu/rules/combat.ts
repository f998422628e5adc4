import type { ActionOf } from '../../domain/actions.ts';
import { pick, rollBetween } from '../../domain/random.ts';
import { enemyHitRange, playerHitRange, weatherCombatModifier } from '../../domain/rules/combat.ts';
import { wieldedWeapon } from '../../domain/rules/gear.ts';
import { thereIsNo } from '../../domain/world/grammar.ts';
import { findByName } from '../../domain/world/lookup.ts';
import type { ActionContext, Proposal } from '../lane.ts';
import { skyNow } from './weather-line.ts';

const STRIKES = [
  'You strike the {enemy} with {weapon}',
  'You lunge at the {enemy} with {weapon}',
  'You catch the {enemy} with {weapon}',
];

/** What an enemy does when it answers a blow (its taunt is heard once, on the first blow). */
const ENEMY_ACTIONS = ['lunges at you', 'strikes back', 'lashes out', 'rounds on you'];

/** The words that open a line of third-person narration rather than speech. */
const NARRATION_OPENERS = new Set([
  'the',
  'a',
  'an',
  'it',
  'its',
  'he',
  'she',
  'his',
  'her',
  'they',
  'their',
]);

/**
 * How the enemy's taunt reads in the narration. Rule: a line starting with '*' is an action (stars
 * dropped); a line wholly in quotes is speech (quoted once, not twice); any other line with quotes
 * mixes action and speech and reads as written; an unquoted line is an action when it opens with a
 * determiner/pronoun or the enemy's name, or its second word is a third-person verb ("Silk hisses…");
 * anything else (a growl, a short shout) is speech.
 */
export function tauntLine(enemyName: string, taunt: string): { line: string; spoken?: string } {
  const text = taunt.trim();
  if (text.startsWith('*')) return { line: actionSentence(enemyName, text.replace(/\*/g, '').trim()) };
  const wholeQuote = /^"([^"]+)"$/.exec(text);
  if (wholeQuote) return { line: `The ${enemyName} snarls: "${wholeQuote[1]}"`, spoken: wholeQuote[1] };
  if (text.includes('"')) return { line: text };
  const words = text.toLowerCase().split(/\s+/);
  const second = (words[1] ?? '').replace(/[^a-z']/g, '');
  const opensNarration =
    NARRATION_OPENERS.has(words[0]!) ||
    text.toLowerCase().startsWith(enemyName.toLowerCase()) ||
    (/^[a-z]{3,}s$/.test(second) && !second.endsWith('ss'));
  return opensNarration ? { line: text } : { line: `The ${enemyName} snarls: "${text}"`, spoken: text };
}

/** An action written without its subject ("bares its teeth") is told of the enemy, as a sentence. */
function actionSentence(enemyName: string, action: string): string {
  const first = action.split(/\s+/)[0]!.toLowerCase();
  const hasSubject = NARRATION_OPENERS.has(first) || action.toLowerCase().startsWith(enemyName.toLowerCase());
  const sentence = hasSubject ? action[0]!.toUpperCase() + action.slice(1) : `The ${enemyName} ${action}`;
  return /[.!?…]$/.test(sentence) ? sentence : `${sentence}.`;
}

/** One round of combat: the player's blow, and the enemy's answer if it still stands. */
export function attack(context: ActionContext, action: ActionOf<'attack'>, random: () => number): Proposal {
  const { world, player, location, weather } = context;
  const answer = (narration: string): Proposal => ({
    effects: [],
    source: 'rules',
    result: { action_type: 'attack', narration, hp: player.hp, max_hp: player.maxHp },
  });

  if (location.safe) return answer('This is a peaceful place. You keep your hands from your weapons.');
  const target = findByName(
    context.enemiesHere.map((e) => e.enemy),
    action.target,
  );
  if (!target) {
    const npc = findByName(context.npcsHere, action.target);
    return answer(
      npc ? `You cannot bring yourself to attack ${npc.name}.` : thereIsNo(action.target, 'here to fight'),
    );
  }
  const hp = context.enemiesHere.find((e) => e.enemy.id === target.id)!.hp;
  const modifier = weatherCombatModifier(location, weather);
  const dealtRange = playerHitRange(world, player, target, modifier);
  const damageDealt = rollBetween(random, dealtRange.min, dealtRange.max);
  const defeated = damageDealt >= hp;
  const takenRange = enemyHitRange(world, player, target, modifier);
  const damageTaken = defeated ? 0 : rollBetween(random, takenRange.min, takenRange.max);
  const weapon = wieldedWeapon(world, player);
  const taunt = pick(random, target.taunts);
  // The fight's first blow (the enemy was unhurt): the weather and the taunt are told then, not every round.
  const firstBlow = hp >= target.hp;

  const lines = [
    `${pick(random, STRIKES)
      .replace('{enemy}', target.name)
      .replace('{weapon}', weapon ? `your ${weapon.name}` : 'your bare fists')} for ${damageDealt} damage.`,
  ];
  if (modifier !== 0 && firstBlow)
    lines.push(
      `(${skyNow(context.time.timeOfDay, weather.description) ?? (modifier < 0 ? 'The weather is against you.' : 'The weather is with you.')} ${modifier < 0 ? 'Your blows land poorly.' : 'Your blows land true.'})`,
    );
  let hpAfter = player.hp - damageTaken;
  let spoken: string | undefined;
  if (defeated) {
    lines.push(`The ${target.name} falls and moves no more. (+${target.xp} xp)`);
  } else {
    if (firstBlow) {
      const told = tauntLine(target.name, taunt);
      spoken = told.spoken;
      lines.push(told.line);
    }
    lines.push(
      `The ${target.name} ${pick(random, ENEMY_ACTIONS)} and hits you for ${damageTaken} damage. (${target.name}: ${hp - damageDealt}/${target.hp} HP)`,
    );
    if (hpAfter <= 0) {
      // Where the player wakes is added by the player's decider (it respawns them), whichever lane answered.
      lines.push('Darkness takes you…');
      hpAfter = player.maxHp;
    }
  }
  return {
    effects: [{ kind: 'attack', enemy: target.id, damageDealt, damageTaken }],
    source: 'rules',
    result: {
      action_type: 'attack',
      narration: lines.join('\n'),
      target: target.name,
      enemy_id: target.id,
      damage_dealt: damageDealt,
      damage_taken: damageTaken,
      enemy_hp: Math.max(0, hp - damageDealt),
      enemy_max_hp: target.hp,
      defeated,
      taunt: spoken,
      hp: hpAfter,
      max_hp: player.maxHp,
    },
  };
}
