import type { SqlProjection } from '../runner/projection.ts';
import { conversationsProjection } from './conversations.ts';
import { eventLogProjection } from './event-log.ts';
import { locationsProjection } from './locations.ts';
import { npcsProjection } from './npcs.ts';
import { playersProjection } from './players.ts';
import { questsProjection } from './quests.ts';

/** Every PostgreSQL read model, each kept by its own runner. */
export const sqlReadModels: SqlProjection[] = [
  playersProjection,
  questsProjection,
  npcsProjection,
  conversationsProjection,
  locationsProjection,
  eventLogProjection,
];
