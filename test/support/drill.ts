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
