import { slotOf } from '../../domain/rules/gear.ts';
import type { ActionContext, Proposal } from '../lane.ts';
import { answer, itemsOf } from './answer.ts';

interface Command {
  verb: string;
  /** What to type, with the names of what is here when there is something to name. */
  example: string;
  about: string;
}

/**
 * What a player can do, one example per verb built from the world's own names where they stand: an
 * exit here, someone here, something lying here or carried, an enemy here, a player here. Placeholders
 * (<someone>) only where nothing here fits.
 */
export function help(context: ActionContext): Proposal {
  const { world, location, player } = context;
  const lying = itemsOf(context, context.itemsHere);
  const carried = itemsOf(context, player.inventory);
  const [direction, destination] = Object.entries(location.exits)[0] ?? [];
  const place = destination === undefined ? undefined : world.locations.get(destination)?.name;
  const npc = context.npcsHere[0]?.name;
  const other = context.online.here()[0]?.name;
  const enemy = location.safe ? undefined : context.enemiesHere[0]?.enemy.name;
  const gear = carried.find((item) => slotOf(item));
  const drinkable = carried.find((item) => item.use?.how === 'drink');
  const edible = carried.find((item) => item.use?.how === 'eat');
  const usable = carried.find((item) => item.use) ?? carried[0];
  const something = lying[0]?.name ?? carried[0]?.name ?? npc ?? '<thing>';

  const equipped = carried.find((item) => Object.values(player.equipped ?? {}).includes(item.id)) ?? gear;
  // Verbs that go together share a line, so the whole help fits on a screen.
  const lines: Command[][] = [
    [{ verb: 'look', example: 'look', about: 'look around, and the ways out (l, exits)' }],
    [
      {
        verb: 'move',
        example: direction ? `go ${direction}` : 'go <direction>',
        about: `leave by an exit (${Object.keys(location.exits).join(', ') || 'none here'})${place ? `, or go to ${place}` : ''}`,
      },
    ],
    [{ verb: 'talk', example: `talk ${npc ?? '<someone>'}: hello`, about: 'speak with someone here' }],
    [
      { verb: 'say', example: 'say well met', about: 'speak to everyone here' },
      { verb: 'emote', example: 'emote waves', about: 'a gesture everyone here sees (me waves)' },
    ],
    [
      {
        verb: 'whisper',
        example: `whisper ${other ?? '<player>'}: hello`,
        about: 'words only that player hears',
      },
    ],
    [{ verb: 'examine', example: `examine ${something}`, about: 'a close look (x)' }],
    [
      {
        verb: 'take',
        example: `take ${lying[0]?.name ?? '<item>'}`,
        about: 'pick up what lies here (take all)',
      },
      { verb: 'drop', example: `drop ${carried[0]?.name ?? '<item>'}`, about: 'set down what you carry' },
    ],
    [
      {
        verb: 'give',
        example: `give ${carried[0]?.name ?? '<item>'} to ${npc ?? other ?? '<someone>'}`,
        about: 'hand something you carry to someone here',
      },
    ],
    [
      {
        verb: 'trade',
        example: `trade ${carried[0]?.name ?? '<your item>'} with ${other ?? '<player>'} for <their item>`,
        about: 'offer a swap to a player here (accept, decline)',
      },
    ],
    [
      {
        verb: 'use',
        example: `use ${usable?.name ?? '<item>'}`,
        about: 'use what you carry (on someone: use <item> on <someone>)',
      },
    ],
    [
      {
        verb: 'equip',
        example: `equip ${gear?.name ?? '<weapon or armour>'}`,
        about: 'wield a weapon or wear armour (wield, wear)',
      },
      {
        verb: 'unequip',
        example: `unequip ${equipped?.name ?? '<item>'}`,
        about: 'back to your best gear (remove, take off)',
      },
    ],
    [
      {
        verb: 'drink',
        example: `drink ${drinkable?.name ?? '<potion>'}`,
        about: 'drink a potion you carry (quaff)',
      },
      { verb: 'eat', example: `eat ${edible?.name ?? '<food>'}`, about: 'eat food you carry' },
    ],
    [
      {
        verb: 'attack',
        example: `attack ${enemy ?? '<enemy>'}`,
        about: location.safe ? 'fight (nobody fights in this safe place)' : 'fight',
      },
    ],
    [{ verb: 'inventory', example: 'inventory', about: 'what you carry, your health (i, score)' }],
    [{ verb: 'quest', example: 'quest status', about: 'your quests (quest accept, quest abandon <name>)' }],
    [{ verb: 'who', example: 'who', about: 'who is in the world, and where' }],
  ];
  // No columns padded with spaces: the client shows narration in a proportional font.
  const text = [
    'What you can do (examples from where you stand):',
    ...lines.map(
      (line) => `  ${line.map((c) => c.example).join(', ')} — ${line.map((c) => c.about).join('; ')}`,
    ),
    `You can also type plain sentences: ${lying[0] ? `take the ${lying[0].name}` : 'look around'}${direction ? ` and go ${direction}` : ''}; again (g) repeats your last.`,
  ];
  return answer('help', text.join('\n'), { commands: lines.flat() });
}
