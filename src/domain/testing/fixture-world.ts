import { buildWorld, type World } from '../world/world.ts';

/**
 * A small world for the domain's tests: independent of the shipped content, so rules tests do not
 * change when the writers change the starter world.
 */
export function fixtureWorld(): World {
  return buildWorld({
    version: 'fixture-1',
    name: 'Fixture Vale',
    startLocation: 'square',
    player: { maxHp: 20, unarmedDamage: { min: 1, max: 2 } },
    time: { secondsPerGameHour: 60, weatherHours: 3 },
    regions: [
      {
        id: 'village',
        name: 'The Village',
        weather: [{ id: 'clear', description: 'The sky is clear.', weight: 1 }],
      },
      {
        id: 'woods',
        name: 'The Woods',
        weather: [{ id: 'fog', description: 'Fog hangs low.', weight: 1, combatModifier: -1 }],
      },
    ],
    locations: [
      {
        id: 'square',
        name: 'Square',
        region: 'village',
        description: 'A square.',
        exits: { north: 'hut', south: 'woods' },
        items: ['dagger', 'herb'],
        safe: true,
      },
      {
        id: 'hut',
        name: "Elder's Hut",
        region: 'village',
        description: 'A hut.',
        exits: { south: 'square' },
        safe: true,
      },
      {
        id: 'woods',
        name: 'Dark Woods',
        region: 'woods',
        description: 'Trees.',
        exits: { north: 'square' },
        items: ['petal'],
        enemies: ['wolf'],
      },
    ],
    items: [
      {
        id: 'dagger',
        name: 'dagger',
        description: 'Sharp.',
        kind: 'weapon',
        weight: 1,
        value: 5,
        damage: { min: 3, max: 5 },
      },
      {
        id: 'herb',
        name: 'healing herb',
        description: 'Green.',
        kind: 'consumable',
        weight: 0.1,
        value: 2,
        use: { heal: 8, message: 'You feel better.' },
      },
      { id: 'petal', name: 'moon petal', description: 'Pale.', kind: 'quest', weight: 0.1, value: 0 },
      {
        id: 'vest',
        name: 'leather vest',
        description: 'Tough.',
        kind: 'armor',
        weight: 3,
        value: 8,
        defense: 1,
      },
      { id: 'fang', name: 'wolf fang', description: 'Long.', kind: 'misc', weight: 0.1, value: 1 },
    ],
    npcs: [
      {
        id: 'elder',
        name: 'Elder Zorathian',
        location: 'hut',
        description: 'An old man.',
        personality: { traits: ['wise'], mood: 'thoughtful' },
        speechStyle: 'slow and archaic',
        greetings: ['Welcome, child.'],
        knowledge: [{ topic: 'the prophecy', keywords: ['prophecy'], text: 'A star shall fall.' }],
        smallTalk: ['Hmm.'],
      },
    ],
    enemies: [
      {
        id: 'wolf',
        name: 'grey wolf',
        description: 'Hungry.',
        hp: 6,
        damage: { min: 2, max: 4 },
        xp: 10,
        loot: [{ item: 'fang', chance: 1 }],
        taunts: ['Grrr.'],
        respawnSeconds: 60,
      },
    ],
    quests: [
      {
        id: 'prophecy',
        name: "The Elder's Prophecy",
        giver: 'elder',
        description: 'Help the elder.',
        steps: [
          {
            id: 'visit-woods',
            description: 'Visit the woods.',
            condition: { type: 'visit', location: 'woods' },
            hint: 'South.',
          },
          {
            id: 'slay-wolf',
            description: 'Defeat the wolf.',
            condition: { type: 'defeat', enemy: 'wolf' },
            hint: 'In the woods.',
          },
          {
            id: 'bring-petal',
            description: 'Bring the petal.',
            condition: { type: 'deliver', item: 'petal', npc: 'elder' },
            hint: 'Give it.',
          },
        ],
        rewards: { xp: 50, items: ['vest'], relationships: [{ npc: 'elder', change: 10 }] },
        completion: 'The prophecy stirs.',
      },
    ],
  });
}
