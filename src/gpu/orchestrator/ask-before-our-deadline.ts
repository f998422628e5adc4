import { generateBeforeOurDeadline } from '../backends/backend-support.ts';
import type { LlmRequest } from '../backends/llm-backend.ts';
import type { LaneScheduler, Priority } from './lane-scheduler.ts';

/**
 * One generation on the lane within `timeoutMs` of now, a deadline of the caller's own: waiting for a
 * slot spends it too, and running out of it is not held against the backend's breaker.
 */
export function askBeforeOurDeadline<T>(
  lane: Pick<LaneScheduler, 'submit'>,
  priority: Priority,
  timeoutMs: number,
  request: Omit<LlmRequest<T>, 'timeoutMs'>,
  doing: string,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  return lane.submit(
    priority,
    (backend) => generateBeforeOurDeadline(backend, request, deadline, doing),
    deadline,
  );
}
