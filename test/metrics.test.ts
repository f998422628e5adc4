import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GameClient, httpPacer, register } from './support/game-client.ts';
import { startTestSystem, type TestSystem } from './support/start-test-system.ts';

const ADMIN_TOKEN = 'operator-secret-metrics-0123456789';

/** The value of one sample in Prometheus' text format, e.g. `langomni_active_players{scope="world"}`. */
function sample(text: string, series: string): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(series)) continue;
    const rest = line.slice(series.length);
    if (rest.startsWith(' ')) return Number(rest.trim());
  }
  return undefined;
}

/** The seed's metrics, scraped from GET /metrics after playing: each one moves with what was done. */
describe('the seed monitoring metrics', () => {
  let server: TestSystem;
  const scrape = async () => {
    await httpPacer.slot();
    const response = await fetch(`${server.baseUrl}/metrics`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(response.status).toBe(200);
    return response.text();
  };
  /** Scrapes until `check` passes (presence and read models follow the log a little later). */
  const scrapeUntil = async (check: (text: string) => boolean) => {
    for (let attempt = 0; attempt < 50; attempt++) {
      const text = await scrape();
      if (check(text)) return text;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('the metrics never showed what was expected');
  };

  beforeAll(async () => {
    server = await startTestSystem({ env: { ADMIN_TOKEN } });
  });
  afterAll(() => server?.stop());

  it('counts active players, actions, every refusal code, appends, pool use and session lengths', async () => {
    const before = await scrape();
    expect(sample(before, 'langomni_active_players{scope="world"}')).toBe(0);
    expect(sample(before, 'langomni_session_duration_seconds_count')).toBe(0);

    const { token } = await register(server.baseUrl, 'gauge');
    const client = await GameClient.connect(server.baseUrl, token);
    await client.waitFor((f) => f.type === 'welcome');
    expect((await client.act({ action_type: 'look' })).type).toBe('action_result');
    expect(await client.act({ action_type: 'dance' })).toMatchObject({ code: 'unknown_action' });
    // More frames in one instant than the per-player rate allows: the excess is rate_limited.
    const ids = Array.from({ length: 8 }, () => randomUUID());
    for (const id of ids)
      client.sendRaw(JSON.stringify({ type: 'action', id, data: { action_type: 'look' } }));
    await client.waitFor((f) => f.type === 'error' && f.code === 'rate_limited');
    client.sendRaw(JSON.stringify({ type: 'dance', id: 'd1' }));
    await client.waitFor((f) => f.id === 'd1' && f.type === 'error');
    client.sendRaw('{not json');
    await client.waitFor((f) => f.type === 'error' && f.code === 'malformed_frame');

    const playing = await scrapeUntil(
      (text) => sample(text, 'langomni_active_players{scope="process"}') === 1,
    );
    expect(sample(playing, 'langomni_active_players{scope="world"}')).toBe(1);
    expect(
      sample(playing, 'langomni_actions_total{action_type="look",source="rules"}'),
    ).toBeGreaterThanOrEqual(1);
    expect(sample(playing, 'langomni_actions_refused_total{code="unknown_action"}')).toBe(1);
    expect(sample(playing, 'langomni_actions_refused_total{code="rate_limited"}')).toBeGreaterThanOrEqual(1);
    expect(sample(playing, 'langomni_actions_refused_total{code="unknown_frame_type"}')).toBe(1);
    expect(sample(playing, 'langomni_actions_refused_total{code="malformed_frame"}')).toBe(1);
    expect(sample(playing, 'langomni_event_append_seconds_count')).toBeGreaterThan(0);
    expect(sample(playing, 'langomni_events_appended_total')).toBeGreaterThan(0);
    expect(sample(playing, 'langomni_db_pool_connections{state="total"}')).toBeGreaterThanOrEqual(1);
    expect(sample(playing, 'langomni_db_pool_connections{state="idle"}')).toBeGreaterThanOrEqual(0);
    expect(sample(playing, 'langomni_db_pool_connections{state="waiting"}')).toBeGreaterThanOrEqual(0);
    expect(sample(playing, 'langomni_session_duration_seconds_count')).toBe(0);

    await client.close();
    const left = await scrapeUntil((text) => sample(text, 'langomni_session_duration_seconds_count') === 1);
    expect(sample(left, 'langomni_session_duration_seconds_sum')).toBeGreaterThan(0);
    await scrapeUntil((text) => sample(text, 'langomni_active_players{scope="world"}') === 0);
  });

  it('shows the business figures from the read models (none to measure yet: NaN, and no talks)', async () => {
    const text = await scrape();
    expect(sample(text, 'langomni_quest_completion_ratio')).toBeNaN();
    expect(sample(text, 'langomni_npc_interactions_total')).toBe(0);
    expect(sample(text, 'langomni_retention_ratio{day="1"}')).toBeNaN();
    expect(sample(text, 'langomni_retention_ratio{day="7"}')).toBeNaN();
  });
});
