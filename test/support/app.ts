import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { createDrillApp, type DrillApp } from '../../apps/drill-server/src/app.factory.js';

export const ADMIN_TOKEN = 'drl_test-admin-token-0123456789';

export interface TestServer extends DrillApp {
  url: string;
  http: () => ReturnType<typeof request>;
  close: () => Promise<void>;
}

/** Starts a real server on an ephemeral port with an in-memory SQLite database unless told otherwise. */
export async function startServer(env: Record<string, string | undefined> = {}): Promise<TestServer> {
  const drill = await createDrillApp({
    DATABASE_URL: 'sqlite::memory:',
    LOG_LEVEL: 'silent',
    DRILL_ADMIN_TOKEN: ADMIN_TOKEN,
    LOAD_SAMPLE_SCENARIOS: 'false',
    REDIS_URL: '',
    ...env,
  });
  await drill.app.listen(0, '127.0.0.1');
  const port = (drill.app.getHttpServer().address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  return { ...drill, url, http: () => request(drill.app.getHttpServer()), close: () => drill.app.close() };
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** Creates a team and returns its id. */
export async function createTeam(s: TestServer, code: string, tags: string[] = []): Promise<string> {
  const r = await s
    .http()
    .post('/api/teams')
    .set(bearer(ADMIN_TOKEN))
    .send({ code, name: `${code} CERT`, tags });
  if (r.status !== 201) throw new Error(`team ${code}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.id as string;
}

export async function createUser(
  s: TestServer,
  role: string,
  teamId?: string,
  name = `${role} user`,
): Promise<{ id: string; token: string }> {
  const r = await s
    .http()
    .post('/api/users')
    .set(bearer(ADMIN_TOKEN))
    .send({ name, role, ...(teamId ? { teamId } : {}) });
  if (r.status !== 201) throw new Error(`user ${role}: ${r.status} ${JSON.stringify(r.body)}`);
  return { id: r.body.id, token: r.body.token };
}
