import { describe, it } from 'vitest';
import { deciderSpec } from '../testing/decider-spec.ts';
import { fixtureWorld } from '../testing/fixture-world.ts';
import { type ContentEvent, contentDecider } from './content-decider.ts';

const spec = deciderSpec(contentDecider);
const contentA = fixtureWorld().content;
const contentB = { ...contentA, version: 'fixture-b' };
const loaded = (content: typeof contentA, checksum: string): ContentEvent => ({
  type: 'WorldContentLoaded',
  data: { version: content.version, name: content.name, checksum, source: 'file', content },
});
const load = (content: typeof contentA, checksum: string) =>
  ({ type: 'LoadContent', content, checksum, source: 'file' }) as const;

describe('content decider', () => {
  it('records the first content loaded', () => {
    spec
      .given([])
      .when(load(contentA, 'a'))
      .then([loaded(contentA, 'a')]);
  });
  it('records nothing when the content in force is loaded again', () => {
    spec
      .given([loaded(contentA, 'a'), loaded(contentB, 'b')])
      .when(load(contentB, 'b'))
      .thenNothingHappens();
  });
  it('records a return to an earlier content: A, then B, then A again', () => {
    spec
      .given([loaded(contentA, 'a'), loaded(contentB, 'b')])
      .when(load(contentA, 'a'))
      .then([loaded(contentA, 'a')]);
  });
});
