import type { Decider, DomainEvent } from '../decider.ts';
import { buildWorld, type WorldContent } from './world.ts';

export const WORLD_CONTENT_STREAM = 'world-content';

export type ContentEvent = DomainEvent<
  'WorldContentLoaded',
  { version: string; name: string; checksum: string; source: string; content: WorldContent }
>;
export type ContentCommand = { type: 'LoadContent'; content: WorldContent; checksum: string; source: string };

export interface ContentState {
  checksum: string | undefined;
  content: WorldContent | undefined;
}

/**
 * The world players live in is itself recorded: each content version loaded is an event holding the
 * whole content, so a replay knows which world every action happened in.
 */
export const contentDecider: Decider<ContentState, ContentCommand, ContentEvent> = {
  initialState: () => ({ checksum: undefined, content: undefined }),
  decide(command, state) {
    if (command.checksum === state.checksum) return [];
    buildWorld(command.content, command.source);
    const { content, checksum, source } = command;
    return [
      {
        type: 'WorldContentLoaded',
        data: { version: content.version, name: content.name, checksum, source, content },
      },
    ];
  },
  evolve(_state, event) {
    return { checksum: event.data.checksum, content: event.data.content };
  },
};
