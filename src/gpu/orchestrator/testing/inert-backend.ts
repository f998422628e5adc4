import type { LlmBackend } from '../../backends/llm-backend.ts';

/** A backend for scheduler tests: the scheduler only hands it to the job, so generating is an error. */
export function inertBackend(name: string): LlmBackend {
  return {
    name,
    model: 'fake',
    async generate() {
      throw new Error('not used: the scheduler only hands the backend to the job');
    },
    async ping() {},
  };
}
