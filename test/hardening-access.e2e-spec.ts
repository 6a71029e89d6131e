// Issue 15, the access half: tokens that can be listed, revoked and expire (and take their sockets with them), no
// token in a URL or a log, throttled sign-ins and reports, security headers and origins, /metrics behind a token,
// a configurable bind address, deep JSON refused, and acknowledgements closed at ENDEX.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { io } from 'socket.io-client';
import { ADMIN_TOKEN, bearer, createTeam, createUser, startServer, type TestServer } from './support/app.js';
import {
  createDatabase,
  deleteRedisKeys,
  redisPrefix,
  remote,
  startReplica,
  type Replica,
  type ScratchDatabase,
} from './support/cluster.js';
import { DrillClient, waitUntil } from './support/drill-client.js';
import { act, createExercise, fixture, saveScenario } from './support/drill.js';
import { expectAs } from './support/expect.js';
import { requireService } from './support/services.js';

const redisUp = await requireService('Redis', 6379);
const postgresUp = await requireService('PostgreSQL', 5432);

/** A socket's fate: connected, or refused with the server's reason. */
function handshake(url: string, auth: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const socket = io(`${url}/drill`, { auth, transports: ['websocket'], reconnection: false, forceNew: true, ...extra });
  return new Promise<string>((resolve) => {
    socket.once('connect', () => {
      socket.disconnect();
      resolve('connected');
    });
    socket.once('connect_error', (e: Error) => resolve(e.message));
  });
}

/** n levels of {"a": …}. */
const nested = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);

describe('tokens, throttles, headers and limits', () => {
  let s: TestServer;
  let exerciseId: string;
  let teamId: string;
  let analyst: { id: string; token: string };

  beforeAll(async () => {
    s = await startServer({ REPORTS_PER_MINUTE: '5', TRUST_PROXY: 'loopback', METRICS_TOKEN: 'prometheus-0123456789' });
    teamId = await createTeam(s, 'SG', ['tier1']);
    analyst = await createUser(s, 'participant', teamId, 'analyst');
    await saveScenario(s, fixture('runtime-drill.yaml'));
    exerciseId = (
      await createExercise(s, { scenarioId: 'runtime-test-drill', name: 'h', speed: 600, teamIds: [teamId] })
    ).id;
    await act(s, exerciseId, 'start');
  });
  afterAll(async () => {
    await s.close();
  });

  describe('tokens', () => {
    it('lists, issues and revokes tokens; a revoked token stops at once, over HTTP and on its open socket', async () => {
      const u = await createUser(s, 'participant', teamId, 'two devices');
      const second = await s.http().post(`/api/users/${u.id}/tokens`).set(bearer(ADMIN_TOKEN)).send({ label: 'phone' });
      expect(second.status).toBe(201);
      expect(second.body).toMatchObject({ userId: u.id, label: 'phone', status: 'active', expiresAt: null });
      expect(second.body.token).toMatch(/^drl_/);
      expect(second.body.prefix).toBe(second.body.token.slice(0, 8));

      const list = await s.http().get(`/api/users/${u.id}/tokens`).set(bearer(u.token));
      expect(list.status).toBe(200);
      expect(list.body.map((t: { label: string }) => t.label)).toEqual(['phone', 'first token']);
      expect(JSON.stringify(list.body)).not.toContain(u.token); // listed, never shown again
      const first = list.body[1] as { id: string };

      const client = await new DrillClient(s.url, u.token, exerciseId).connect();
      const closed = new Promise<number>((resolve) => client.socket.once('disconnect', () => resolve(Date.now())));
      // A user revokes their own token (a lost laptop); the socket opened with it is told why and closed.
      const t0 = Date.now();
      const revoked = await s.http().post(`/api/users/${u.id}/tokens/${first.id}/revoke`).set(bearer(u.token));
      expect(revoked.status).toBe(200);
      expect(revoked.body).toMatchObject({ id: first.id, status: 'revoked' });
      expect((await closed) - t0).toBeLessThan(1000);
      expect(client.events).toContainEqual({ event: 'session.ended', data: { reason: 'token revoked' } });
      expect((await s.http().get('/api/me').set(bearer(u.token))).status).toBe(401);
      expect(await handshake(s.url, { token: u.token, exerciseId })).toMatch(/^unauthorized/);
      // The other token of the same user is untouched.
      expect((await s.http().get('/api/me').set(bearer(second.body.token))).status).toBe(200);
      // Revoke all: the phone goes too.
      const all = await s.http().post(`/api/users/${u.id}/tokens/revoke`).set(bearer(ADMIN_TOKEN));
      expect(all.body.map((t: { status: string }) => t.status)).toEqual(['revoked']);
      expect((await s.http().get('/api/me').set(bearer(second.body.token))).status).toBe(401);
    });

    it('expires tokens: HTTP refuses them and their sockets close at the expiry', async () => {
      const expiresAt = new Date(Date.now() + 1500).toISOString();
      const u = await s
        .http()
        .post('/api/users')
        .set(bearer(ADMIN_TOKEN))
        .send({ name: 'short-lived', role: 'participant', teamId, expiresAt });
      expect(u.status).toBe(201);
      const client = await new DrillClient(s.url, u.body.token, exerciseId).connect();
      const closed = new Promise<number>((resolve) => client.socket.once('disconnect', () => resolve(Date.now())));
      expect((await s.http().get('/api/me').set(bearer(u.body.token))).status).toBe(200);
      const at = await closed;
      expect(at).toBeGreaterThanOrEqual(Date.parse(expiresAt));
      expect(at - Date.parse(expiresAt)).toBeLessThan(1000);
      expect(client.events).toContainEqual({ event: 'session.ended', data: { reason: 'token expired' } });
      expect((await s.http().get('/api/me').set(bearer(u.body.token))).status).toBe(401);
      const tokens = await s.http().get(`/api/users/${u.body.id}/tokens`).set(bearer(ADMIN_TOKEN));
      expect(tokens.body[0]).toMatchObject({ status: 'expired', expiresAt });
    });

    it('refuses bad expiries naming the field, and other users’ tokens', async () => {
      const past = await s
        .http()
        .post(`/api/users/${analyst.id}/tokens`)
        .set(bearer(ADMIN_TOKEN))
        .send({ expiresAt: '2020-01-01T00:00:00Z' });
      expect(past.status).toBe(422);
      expect(past.body.details).toEqual([
        { path: '/expiresAt', message: expect.stringContaining('not in the future') },
      ]);
      const bad = await s
        .http()
        .post('/api/users')
        .set(bearer(ADMIN_TOKEN))
        .send({ name: 'x', role: 'observer', expiresAt: 'tomorrow' });
      expect(bad.status).toBe(400);
      expect(bad.body.details[0].path).toBe('/expiresAt');
      const other = await createUser(s, 'participant', teamId, 'other');
      expect((await s.http().get(`/api/users/${other.id}/tokens`).set(bearer(analyst.token))).status).toBe(403);
      expect((await s.http().post(`/api/users/${other.id}/tokens/revoke`).set(bearer(analyst.token))).status).toBe(403);
      expect((await s.http().post(`/api/users/${other.id}/tokens`).set(bearer(analyst.token)).send({})).status).toBe(
        403,
      );
      const users = await s.http().get('/api/users').set(bearer(ADMIN_TOKEN));
      expect(users.body.map((x: { name: string }) => x.name)).toEqual(expect.arrayContaining(['analyst', 'other']));
      expect(JSON.stringify(users.body)).not.toMatch(/drl_|tokenHash/);
    });

    it('refuses tokens in the URL, over HTTP and socket.io', async () => {
      const r = await s.http().get(`/api/me?token=${analyst.token}`);
      expect(r.status).toBe(400);
      expect(r.body.details).toEqual([{ path: '/query/token', message: 'credentials are not accepted in the URL' }]);
      expect(await handshake(s.url, { exerciseId }, { query: { token: analyst.token } })).toMatch(
        /^refused: a token in the URL/,
      );
    });
  });

  describe('throttling', () => {
    it('answers 429 with Retry-After after too many failed sign-ins from one address, HTTP and socket alike', async () => {
      const from = { 'X-Forwarded-For': '198.51.100.7' };
      for (let i = 0; i < 20; i++) {
        const r = await s
          .http()
          .get('/api/me')
          .set(from)
          .set(bearer(`drl_wrong${i}-aaaaaaaaaaaaaaaaaaaa`));
        expect(r.status).toBe(401);
      }
      const blocked = await s.http().get('/api/me').set(from).set(bearer(analyst.token));
      expect(blocked.status).toBe(429);
      expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(blocked.headers['retry-after'])).toBeLessThanOrEqual(60);
      expect(blocked.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
      // Another address is not held back by that one.
      const other = await s.http().get('/api/me').set({ 'X-Forwarded-For': '198.51.100.8' }).set(bearer(analyst.token));
      expect(other.status).toBe(200);
      const socketFrom = { extraHeaders: { 'X-Forwarded-For': '198.51.100.9' } };
      for (let i = 0; i < 20; i++)
        expect(await handshake(s.url, { token: `drl_bad${i}`, exerciseId }, socketFrom)).toMatch(/^unauthorized/);
      expect(await handshake(s.url, { token: analyst.token, exerciseId }, socketFrom)).toMatch(/^rate-limited/);
    });

    it('counts failures per token prefix too, across addresses', async () => {
      for (let i = 0; i < 20; i++) {
        const r = await s
          .http()
          .get('/api/me')
          .set({ 'X-Forwarded-For': `203.0.113.${i}` })
          .set(bearer(`drl_SAME-prefix-${i}`));
        expect(r.status).toBe(401);
      }
      const r = await s.http().get('/api/me').set({ 'X-Forwarded-For': '203.0.113.99' }).set(bearer('drl_SAMExyz'));
      expect(r.status).toBe(429);
    });

    it('limits reports per user per minute (REPORTS_PER_MINUTE), over HTTP and socket', async () => {
      const u = await createUser(s, 'participant', teamId, 'prolific');
      const report = { kind: 'update', title: 'status', tlp: 'TLP:GREEN' };
      const post = () => s.http().post(`/api/exercises/${exerciseId}/ism/reports`).set(bearer(u.token)).send(report);
      for (let i = 0; i < 5; i++) expect((await post()).status).toBe(201);
      const sixth = await post();
      expect(sixth.status).toBe(429);
      expect(sixth.headers['retry-after']).toMatch(/^\d+$/);
      const client = await new DrillClient(s.url, u.token, exerciseId).connect();
      const ack = await client.emitWithAck<{ error: { statusCode: number } }>('ism.report', report);
      client.disconnect();
      expect(ack.error.statusCode).toBe(429);
      // The limit is per user: a teammate still reports.
      expect(
        (await s.http().post(`/api/exercises/${exerciseId}/ism/reports`).set(bearer(analyst.token)).send(report))
          .status,
      ).toBe(201);
    });
  });

  describe('headers, origins, metrics', () => {
    it('sends CSP, X-Frame-Options, nosniff and Referrer-Policy on consoles and API', async () => {
      for (const path of ['/', '/team.html', '/js/team.js', '/api/me', '/health']) {
        const r = await s.http().get(path).set(bearer(ADMIN_TOKEN));
        expectAs(r.status, path).toBe(200);
        expectAs(r.headers['content-security-policy'], path).toContain("script-src 'self'");
        expectAs(r.headers['content-security-policy'], path).toContain("frame-ancestors 'none'");
        expectAs(r.headers['x-frame-options'], path).toBe('DENY');
        expectAs(r.headers['x-content-type-options'], path).toBe('nosniff');
        expectAs(r.headers['referrer-policy'], path).toBe('no-referrer');
      }
    });

    it('gives no CORS grant to another origin, and refuses its sockets', async () => {
      const r = await s.http().get('/api/me').set(bearer(ADMIN_TOKEN)).set('Origin', 'https://evil.example');
      expect(r.headers['access-control-allow-origin']).toBeUndefined();
      const pre = await s
        .http()
        .options('/api/me')
        .set('Origin', 'https://evil.example')
        .set('Access-Control-Request-Method', 'GET');
      expect(pre.headers['access-control-allow-origin']).toBeUndefined();
      const evil = { extraHeaders: { Origin: 'https://evil.example' } };
      expect(await handshake(s.url, { token: analyst.token, exerciseId }, evil)).not.toBe('connected');
      const same = { extraHeaders: { Origin: s.url } };
      expect(await handshake(s.url, { token: analyst.token, exerciseId }, same)).toBe('connected');
    });

    it('grants CORS to the configured origins only', async () => {
      const c = await startServer({ CORS_ORIGINS: 'https://drill.example.org' });
      try {
        const ok = await c.http().get('/api/me').set(bearer(ADMIN_TOKEN)).set('Origin', 'https://drill.example.org');
        expect(ok.headers['access-control-allow-origin']).toBe('https://drill.example.org');
        const no = await c.http().get('/api/me').set(bearer(ADMIN_TOKEN)).set('Origin', 'https://evil.example');
        expect(no.headers['access-control-allow-origin']).toBeUndefined();
      } finally {
        await c.close();
      }
    });

    it('serves /metrics to METRICS_TOKEN and controllers only', async () => {
      expect((await s.http().get('/metrics')).status).toBe(401);
      expect((await s.http().get('/metrics').set(bearer(analyst.token))).status).toBe(403);
      expect((await s.http().get('/metrics').set(bearer(ADMIN_TOKEN))).status).toBe(200);
      const scrape = await s.http().get('/metrics').set(bearer('prometheus-0123456789'));
      expect(scrape.status).toBe(200);
      expect(scrape.text).toContain('drill_http_requests_total');
    });
  });

  describe('request shapes and closed exercises', () => {
    it('answers deeply nested JSON with 400, over HTTP and socket', async () => {
      const r = await s
        .http()
        .post(`/api/exercises/${exerciseId}/ism/reports`)
        .set(bearer(analyst.token))
        .set('Content-Type', 'application/json')
        .send(nested(20_000));
      expect(r.status).toBe(400);
      expect(r.body.message).toContain('nests deeper than 64 levels');
      const fine = await s
        .http()
        .post('/api/teams')
        .set(bearer(ADMIN_TOKEN))
        .set('Content-Type', 'application/json')
        .send(nested(60));
      expect(fine.status).toBe(400); // validation of the team, not the depth
      expect(fine.body.message).not.toContain('nests deeper');
      // socket.io's own client recurses over what it sends, so the hostile frame is written raw: EVENT (2) with ack id 917, answered by ACK (3).
      const client = await new DrillClient(s.url, analyst.token, exerciseId).connect();
      const engine = client.socket.io.engine;
      const answer = new Promise<string>((resolve) =>
        engine.on('packet', (p: { type: string; data?: unknown }) => {
          if (p.type === 'message' && String(p.data).startsWith('3/drill,917')) resolve(String(p.data));
        }),
      );
      engine.write(`2/drill,917["ism.report",${nested(20_000)}]`);
      const ack = JSON.parse((await answer).slice('3/drill,917'.length)) as [
        { error: { statusCode: number; details: unknown[] } },
      ];
      client.disconnect();
      expect(ack[0].error.statusCode).toBe(400);
      expect(ack[0].error.details).toEqual([{ path: '', message: 'nests deeper than 64 levels' }]);
    });

    it('refuses inject.ack after ENDEX with 409', async () => {
      const client = await new DrillClient(s.url, analyst.token, exerciseId).connect();
      await client.waitFor(() => client.injects.length > 0, 5000, 'an inject');
      const injectId = client.injects[0]!.injectId;
      await act(s, exerciseId, 'complete');
      const ack = await client.emitWithAck<{ error?: { statusCode: number; message: string } }>('inject.ack', {
        injectId,
      });
      client.disconnect();
      expect(ack.error).toMatchObject({ statusCode: 409, message: expect.stringContaining('completed') });
    });
  });
});

describe('a token in the URL never reaches the log', () => {
  it('logs the refused request with the token redacted', async () => {
    const db = `sqlite::memory:`;
    const replica = await startReplica('log', { databaseUrl: db, adminToken: ADMIN_TOKEN, env: { LOG_LEVEL: 'info' } });
    try {
      const r = await fetch(`${replica.url}/api/me?token=${ADMIN_TOKEN}&access_token=${ADMIN_TOKEN}`);
      expect(r.status).toBe(400);
      await waitUntil(() => replica.output().includes('/api/me?'), 5000, 'the request log line');
      expect(replica.output()).toContain('token=%5Bredacted%5D');
      expect(replica.output()).not.toContain(ADMIN_TOKEN);
    } finally {
      await replica.stop();
    }
  });

  it('binds to HOST', async () => {
    const replica = await startReplica('bind', {
      databaseUrl: 'sqlite::memory:',
      adminToken: ADMIN_TOKEN,
      env: { HOST: '127.0.0.1' },
    });
    try {
      // Linux routes all of 127.0.0.0/8 to loopback: a server on every interface would answer on 127.0.0.2 too.
      const port = replica.port;
      expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
      await expect(fetch(`http://127.0.0.2:${port}/health`, { signal: AbortSignal.timeout(2000) })).rejects.toThrow();
    } finally {
      await replica.stop();
    }
  });
});

(redisUp && postgresUp ? describe : describe.skip)('revocation across replicas', () => {
  const prefix = redisPrefix('revoke');
  let db: ScratchDatabase;
  const replicas: Replica[] = [];

  beforeAll(async () => {
    db = await createDatabase('drill_revoke');
    const o = { databaseUrl: db.url, redisPrefix: prefix, adminToken: ADMIN_TOKEN };
    replicas.push(await startReplica('A', o), await startReplica('B', o));
  });
  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.stop()));
    await deleteRedisKeys(prefix);
    await db.drop();
  });

  it('closes a socket on replica B when its token is revoked on replica A', async () => {
    const [a, b] = [remote(replicas[0]!.url), remote(replicas[1]!.url)];
    const team = await createTeam(a, 'SG');
    const u = await createUser(a, 'participant', team);
    await saveScenario(a, fixture('runtime-drill.yaml'));
    const ex = (await createExercise(a, { scenarioId: 'runtime-test-drill', name: 'r', speed: 60, teamIds: [team] }))
      .id;
    const client = await new DrillClient(b.url, u.token, ex).connect();
    const closed = new Promise<number>((resolve) => client.socket.once('disconnect', () => resolve(Date.now())));
    const tokens = await a.http().get(`/api/users/${u.id}/tokens`).set(bearer(ADMIN_TOKEN));
    const t0 = Date.now();
    const r = await a.http().post(`/api/users/${u.id}/tokens/${tokens.body[0].id}/revoke`).set(bearer(ADMIN_TOKEN));
    expect(r.status).toBe(200);
    expect((await closed) - t0).toBeLessThan(1000);
    expect(client.events).toContainEqual({ event: 'session.ended', data: { reason: 'token revoked' } });
  });
});
