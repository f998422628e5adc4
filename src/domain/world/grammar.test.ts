import { describe, expect, it } from 'vitest';
import { soundsPlural, thereIsNo } from './grammar.ts';
import { findByName } from './lookup.ts';

describe('what is not here, in the number the player used', () => {
  it('follows the number of what was typed', () => {
    expect(thereIsNo('wolves')).toBe('There are no wolves here.');
    expect(thereIsNo('the bats', 'here to fight')).toBe('There are no bats here to fight.');
    expect(thereIsNo('wolf')).toBe('There is no wolf here.');
    expect(thereIsNo('a dagger')).toBe('There is no dagger here.');
  });

  it('knows words ending in s that are one thing', () => {
    expect(['boss', 'moss', 'compass', 'cactus', 'ibis', 'grass'].filter(soundsPlural)).toEqual([]);
    expect(['wolves', 'rats', 'old coins'].every(soundsPlural)).toBe(true);
  });
});

describe('finding what a player means by part of a name', () => {
  const items = [
    { id: 'oak-quarterstaff', name: 'oak quarterstaff' },
    { id: 'rusty-dagger', name: 'rusty dagger' },
  ];
  it('finds the oak quarterstaff by "staff", and the dagger by "the dagger"', () => {
    expect(findByName(items, 'staff')?.id).toBe('oak-quarterstaff');
    expect(findByName(items, 'the dagger')?.id).toBe('rusty-dagger');
    expect(findByName(items, 'quarterstaff')?.id).toBe('oak-quarterstaff');
  });
});
