import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { UsersService } from '../apps/drill-server/src/auth/users.service.js';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AuditEventEntity, TokenEntity, UserEntity } from '@drill/persistence';
import { ADMIN_TOKEN, bearer, createTeam, createUser, startServer, type TestServer } from './support/app.js';

describe('foundation: auth, roles, teams, users, errors, audit', () => {
  let s: TestServer;
  let teamId: string;
  let participant: { id: string; token: string };
  let evaluator: { id: string; token: string };

  beforeAll(async () => {
    s = await startServer();
    teamId = await createTeam(s, 'SG', ['tier1']);
    participant = await createUser(s, 'participant', teamId);
    evaluator = await createUser(s, 'evaluator');
  });
  afterAll(() => s.close());

  it('answers /health with the database up, without a token', async () => {
    const r = await s.http().get('/health');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ status: 'ok', checks: { database: 'up', releases: 'up' } });
  });

  it('serves Prometheus metrics and the OpenAPI document', async () => {
    // A request is counted under its route and status, not just declared.
    const series = /^drill_http_requests_total\{method="GET",route="\/api\/teams",status="200"\} (\d+)$/m;
    const count = async () => {
      const m = await s.http().get('/metrics').set(bearer(ADMIN_TOKEN));
      expect(m.status).toBe(200);
      expect(m.text).toContain('process_cpu_user_seconds_total');
      return Number(series.exec(m.text)?.[1] ?? 0);
    };
    const before = await count();
    expect((await s.http().get('/api/teams').set(bearer(ADMIN_TOKEN))).status).toBe(200);
    expect(await count()).toBe(before + 1);
    expect((await s.http().get('/api/teams').set(bearer(ADMIN_TOKEN))).status).toBe(200);
    expect(await count()).toBe(before + 2);
    const d = await s.http().get('/api/docs/openapi.json');
    expect(d.status).toBe(200);
    expect(Object.keys(d.body.paths)).toEqual(expect.arrayContaining(['/api/teams', '/api/users', '/health']));
  });

  it('returns 401 without a token and with a bad one, in the error shape', async () => {
    const none = await s.http().get('/api/teams');
    expect(none.status).toBe(401);
    expect(none.body).toEqual({
      statusCode: 401,
      error: 'Unauthorized',
      message: expect.stringContaining('missing bearer token'),
    });
    const bad = await s.http().get('/api/teams').set(bearer('drl_not-a-real-token'));
    expect(bad.status).toBe(401);
    expect(bad.body.message).toContain('invalid, expired or revoked bearer token');
    const malformed = await s.http().get('/api/teams').set('Authorization', 'Basic abc');
    expect(malformed.status).toBe(401);
  });

  it('returns 403 for the wrong role', async () => {
    const r = await s.http().post('/api/teams').set(bearer(participant.token)).send({ code: 'XX', name: 'x' });
    expect(r.status).toBe(403);
    expect(r.body.error).toBe('Forbidden');
    expect(r.body.message).toContain('role participant');
    const e = await s.http().post('/api/users').set(bearer(evaluator.token)).send({ name: 'n', role: 'observer' });
    expect(e.status).toBe(403);
    const list = await s.http().get('/api/teams').set(bearer(participant.token));
    expect(list.status).toBe(403);
  });

  it('bootstraps the controller from DRILL_ADMIN_TOKEN and stores only token hashes', async () => {
    const me = await s.http().get('/api/me').set(bearer(ADMIN_TOKEN));
    expect(me.status).toBe(200);
    expect(me.body.role).toBe('controller');
    const ds = s.app.get(DataSource);
    const tokens = await ds.getRepository(TokenEntity).find();
    const hashes = tokens.map((t) => t.tokenHash);
    expect(hashes).toContain(createHash('sha256').update(ADMIN_TOKEN).digest('hex'));
    expect(hashes).toContain(createHash('sha256').update(participant.token).digest('hex'));
    const dump = JSON.stringify([tokens, await ds.getRepository(UserEntity).find()]);
    expect(dump).not.toContain(ADMIN_TOKEN);
    expect(dump).not.toContain(participant.token);
  });

  it('creates and lists teams; team codes are unique', async () => {
    const dup = await s.http().post('/api/teams').set(bearer(ADMIN_TOKEN)).send({ code: 'SG', name: 'again' });
    expect(dup.status).toBe(409);
    expect(dup.body.details).toEqual([{ path: '/code', message: 'already taken' }]);
    await createTeam(s, 'MY', ['tier2']);
    const list = await s.http().get('/api/teams').set(bearer(evaluator.token));
    expect(list.status).toBe(200);
    expect(list.body.map((t: { code: string }) => t.code)).toEqual(['MY', 'SG']);
    expect(list.body[1]).toMatchObject({ code: 'SG', tags: ['tier1'], country: null });
  });

  it('creates users; participants need exactly one existing team', async () => {
    const p = await s.http().post('/api/users').set(bearer(ADMIN_TOKEN)).send({ name: 'A', role: 'participant' });
    expect(p.status).toBe(422);
    expect(p.body.details).toEqual([{ path: '/teamId', message: 'required for role participant' }]);
    const o = await s.http().post('/api/users').set(bearer(ADMIN_TOKEN)).send({ name: 'O', role: 'observer', teamId });
    expect(o.status).toBe(422);
    const ghost = await s
      .http()
      .post('/api/users')
      .set(bearer(ADMIN_TOKEN))
      .send({ name: 'G', role: 'participant', teamId: '00000000-0000-4000-8000-000000000000' });
    expect(ghost.status).toBe(404);
    const ok = await s.http().post('/api/users').set(bearer(ADMIN_TOKEN)).send({ name: 'Obs', role: 'observer' });
    expect(ok.status).toBe(201);
    expect(ok.body.token).toMatch(/^drl_/);
    const me = await s.http().get('/api/me').set(bearer(ok.body.token));
    expect(me.body).toEqual({ id: ok.body.id, name: 'Obs', role: 'observer', teamId: null });
  });

  it('refuses malformed JSON, unknown fields, wrong types and oversized bodies with 4xx naming the field', async () => {
    const malformed = await s
      .http()
      .post('/api/teams')
      .set(bearer(ADMIN_TOKEN))
      .set('Content-Type', 'application/json')
      .send('{"code": "ID",');
    expect(malformed.status).toBe(400);
    expect(malformed.body.statusCode).toBe(400);
    const unknown = await s
      .http()
      .post('/api/teams')
      .set(bearer(ADMIN_TOKEN))
      .send({ code: 'ID', name: 'ID-SIRTII', colour: 'red' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.details).toContainEqual({ path: '/colour', message: 'property colour should not exist' });
    const types = await s
      .http()
      .post('/api/teams')
      .set(bearer(ADMIN_TOKEN))
      .send({ code: 42, name: ['x'], tags: 'tier1' });
    expect(types.status).toBe(400);
    const paths = types.body.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['/code', '/name', '/tags']));
    const role = await s.http().post('/api/users').set(bearer(ADMIN_TOKEN)).send({ name: 'x', role: 'admin' });
    expect(role.status).toBe(400);
    expect(role.body.details[0].path).toBe('/role');
    const huge = await s
      .http()
      .post('/api/teams')
      .set(bearer(ADMIN_TOKEN))
      .send({ code: 'TH', name: 'x'.repeat(3 * 1024 * 1024) });
    expect(huge.status).toBe(413);
    expect(huge.body.error).toBe('Payload Too Large');
  });

  it('writes an append-only audit event for each state-changing request', async () => {
    const before = await s.app.get(DataSource).getRepository(AuditEventEntity).count();
    const id = await createTeam(s, 'VN', ['tier1']);
    const events = await s.app
      .get(DataSource)
      .getRepository(AuditEventEntity)
      .find({ order: { seq: 'ASC' } });
    expect(events.length).toBe(before + 1);
    const last = events[events.length - 1]!;
    expect(last).toMatchObject({ action: 'team.create', targetType: 'team', targetId: id, actorRole: 'controller' });
    expect(last.after).toMatchObject({ code: 'VN', tags: ['tier1'] });
    expect(last.requestId).toMatch(/^[\w.-]+$/);
    const users = events.filter((e) => e.targetType === 'user');
    expect(users.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(users)).not.toContain('drl_');
    // A refused request changes nothing and is not audited as a change.
    await s.http().post('/api/teams').set(bearer(participant.token)).send({ code: 'XX', name: 'x' });
    expect(await s.app.get(DataSource).getRepository(AuditEventEntity).count()).toBe(before + 1);
  });
});

describe('foundation: first start on an empty file database', () => {
  // main.ts prints what takeFirstController hands it, last of the start-up lines (test/aar-pdf.e2e-spec.ts reads a
  // real start-up's output); here the server is started in-process, so the hand-over itself is what is checked.
  it('creates a controller, hands its token over once, and keeps it across restarts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'drill-'));
    const db = `sqlite:${join(dir, 'drill.sqlite')}`;
    const first = await startServer({ DATABASE_URL: db, DRILL_ADMIN_TOKEN: '' });
    const handed = first.app.get(UsersService).takeFirstController();
    const token = handed?.token;
    expect(token).toMatch(/^drl_[A-Za-z0-9_-]{43}$/);
    expect(first.app.get(UsersService).takeFirstController()).toBeUndefined();
    expect((await first.http().get('/api/me').set(bearer(token!))).body.role).toBe('controller');
    const mode = await first.app.get(DataSource).query('PRAGMA journal_mode');
    expect(mode[0].journal_mode).toBe('wal');
    const fk = await first.app.get(DataSource).query('PRAGMA foreign_keys');
    expect(fk[0].foreign_keys).toBe(1);
    await first.close();

    const second = await startServer({ DATABASE_URL: db, DRILL_ADMIN_TOKEN: '' });
    expect(second.app.get(UsersService).takeFirstController()).toBeUndefined();
    expect((await second.http().get('/api/me').set(bearer(token!))).status).toBe(200);
    await second.close();
  });
});
