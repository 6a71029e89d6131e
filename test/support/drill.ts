import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ADMIN_TOKEN, bearer, type TestServer } from './app.js';

export const fixture = (name: string) =>
  readFileSync(join(fileURLToPath(new URL('../fixtures/', import.meta.url)), name), 'utf8');

export async function saveScenario(s: TestServer, yaml: string): Promise<{ id: string; version: number }> {
  const r = await s
    .http()
    .post('/api/scenarios')
    .set(bearer(ADMIN_TOKEN))
    .set('Content-Type', 'application/yaml')
    .send(yaml);
  if (r.status !== 201) throw new Error(`scenario: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

export async function createExercise(
  s: TestServer,
  body: Record<string, unknown>,
): Promise<{ id: string; [k: string]: unknown }> {
  const r = await s.http().post('/api/exercises').set(bearer(ADMIN_TOKEN)).send(body);
  if (r.status !== 201) throw new Error(`exercise: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

export async function act(s: TestServer, exerciseId: string, action: string): Promise<Record<string, any>> {
  const r = await s.http().post(`/api/exercises/${exerciseId}/${action}`).set(bearer(ADMIN_TOKEN)).send();
  if (r.status !== 200) throw new Error(`${action}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

export async function timeline(s: TestServer, exerciseId: string): Promise<any[]> {
  const r = await s.http().get(`/api/exercises/${exerciseId}/timeline`).set(bearer(ADMIN_TOKEN));
  if (r.status !== 200) throw new Error(`timeline: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.entries;
}

/** The exercise's scenario clock as the server reports it. */
export async function scenarioMs(s: TestServer, exerciseId: string): Promise<number> {
  const r = await s.http().get(`/api/exercises/${exerciseId}`).set(bearer(ADMIN_TOKEN));
  if (r.status !== 200) throw new Error(`exercise: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.clock.scenarioMs as number;
}

/**
 * Waits until nothing of the exercise is left to go out (no scheduled delivery, no armed one with a time) and every
 * released delivery has reached a client of its team (its receipt is recorded): after this no inject can still
 * arrive, so a test can assert on exactly what its clients received, without sleeping. `receipts: false` when a
 * client may have been cut off before its receipt was recorded (a server stopped mid-drill).
 */
export async function settled(
  s: TestServer,
  exerciseId: string,
  { receipts = true, ms = 15_000 }: { receipts?: boolean; ms?: number } = {},
): Promise<any[]> {
  const until = Date.now() + ms;
  for (;;) {
    const rows = (await timeline(s, exerciseId)).filter((e) => e.kind === 'delivery');
    const open = rows.filter(
      (r) =>
        r.status === 'scheduled' ||
        (r.status === 'armed' && r.dueScenarioMs !== null) ||
        (receipts && r.status === 'released' && !r.deliveredAt),
    );
    if (rows.length && !open.length) return rows;
    if (Date.now() > until)
      throw new Error(`timed out after ${ms} ms waiting for the exercise to settle; open: ${JSON.stringify(open)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
