import { done, problem, type Verb } from './clause.ts';

/**
 * The shortcuts MUD players type by habit. Those the game can answer become its actions ("exits" is
 * a look, which lists the ways out; "score" the inventory, which shows HP and xp); those it has no
 * action for ("wait", "rest", "quit") get an answer saying how this world does it instead.
 */
export const MUD_HABITS: readonly Verb[] = [
  {
    spellings: ['exits', 'ways', 'ways out', 'where can i go'],
    makes: 'look',
    alone: true,
    build: () => done({ action_type: 'look' }),
  },
  {
    spellings: ['score', 'status', 'stats', 'hp', 'health', 'sc'],
    makes: 'inventory',
    alone: true,
    build: () => done({ action_type: 'inventory' }),
  },
  {
    spellings: ['wait', 'z', 'wait here'],
    makes: 'look',
    build: () =>
      problem(
        'There is no need to wait: the world goes on in real time, and its people with it. Look around to see what has changed.',
        ['look'],
      ),
  },
  {
    spellings: ['rest', 'sleep', 'heal', 'meditate'],
    makes: 'look',
    build: () =>
      problem(
        'Resting does not mend wounds here: food and potions do (eat <food>, drink <potion>), and a fallen hero wakes healed.',
        ['inventory'],
      ),
  },
  {
    spellings: ['quit', 'logout', 'log out', 'log off', 'exit game'],
    makes: 'look',
    alone: true,
    build: () =>
      problem(
        'To leave, simply close the game: your character stays where it stands, and you find it there when you come back.',
        ['look'],
      ),
  },
];
