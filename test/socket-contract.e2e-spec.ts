// Issue 16, the socket half of the contract: every refused socket acknowledgement and handshake carries the error
// body REST answers with ({statusCode, error, message, details?}), nothing fails silently (unknown or unreleased
// injects, events sent without an acknowledgement, the main namespace), and a handshake `lastSeq` past the team's
// sequence is said out loud.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { io } from 'socket.io-client';
import type { ErrorBody, HandshakeRefusal, HandshakeWarning, SocketException } from '@drill/contracts';
import { ADMIN_TOKEN, bearer, createTeam, createUser, startServer, type TestServer } from './support/app.js';
import { DrillClient, waitUntil } from './support/drill-client.js';
import { act, createExercise, fixture, saveScenario } from './support/drill.js';
import { expectAs } from './support/expect.js';

const SCENARIO = 'resync-test-drill'; // test/fixtures/resync-drill.yaml: R-01..R-06 hours apart; at speed 1 only release-now releases

const REPORT = { kind: 'notification', title: 'Encrypted file servers', tlp: 'TLP:AMBER', injectIds: ['R-01'] };

/** A refused handshake's `connect_error`, or 'connected'. */
function handshake(url: string, auth: Record<string, unknown>): Promise<HandshakeRefusal | 'connected'> {
  const socket = io(url, { auth, transports: ['websocket'], reconnection: false, forceNew: true });
  return new Promise((resolve) => {
    socket.once('connect', () => {
      socket.disconnect();
      resolve('connected');
    });
    socket.once('connect_error', (e: HandshakeRefusal) => resolve(e));
  });
}

describe('the socket contract: one error body, no silent failure', () => {
  let s: TestServer;
  let exerciseId: string;
  let sg: string;
  let analyst: { id: string; token: string };
  let client: DrillClient;
  let control: DrillClient;
  const others: DrillClient[] = [];

  const release = async (injectId: string) => {
    const r = await s
      .http()
      .post(`/api/exercises/${exerciseId}/injects/${injectId}/release`)
      .set(bearer(ADMIN_TOKEN))
      .send({ teamIds: [sg] });
    if (r.status !== 200 || !r.body.released.length) throw new Error(`release ${injectId}: ${r.status}`);
  };

  beforeAll(async () => {
    s = await startServer();
    sg = await createTeam(s, 'SG');
    analyst = await createUser(s, 'participant', sg, 'SG analyst');
    await saveScenario(s, fixture('resync-drill.yaml'));
    exerciseId = (await createExercise(s, { scenarioId: SCENARIO, name: 'contract', speed: 1, teamIds: [sg] })).id;
    await act(s, exerciseId, 'start');
    await release('R-01'); // SG seq 1; R-02..R-06 stay unreleased
    client = await new DrillClient(s.url, analyst.token, exerciseId).connect();
    await client.waitFor(() => client.lastSeq >= 1, 5000, 'R-01');
    control = await new DrillClient(s.url, ADMIN_TOKEN, exerciseId).connect();
  });
  afterAll(async () => {
    for (const c of [client, control, ...others]) c?.disconnect();
    await s?.close();
  });

  describe('inject.ack', () => {
    it('answers a malformed body with the 400 body REST would send, naming the field', async () => {
      const missing = await client.emitWithAck('inject.ack', {});
      // Exactly the REST keys, nothing else: one key (`error`) tells a refusal from `{ok: true}`.
      expect(missing).toEqual({
        error: {
          statusCode: 400,
          error: 'Bad Request',
          message: expect.stringContaining('/injectId'),
          details: expect.arrayContaining([{ path: '/injectId', message: expect.any(String) }]),
        },
      });
      const cases: [unknown, string][] = [
        [{ injectId: 42 }, '/injectId'],
        [{ injectId: 'R-01', also: 'this' }, '/also'],
        ['R-01', ''],
      ];
      for (const [body, path] of cases) {
        const ack = await client.emitWithAck('inject.ack', body);
        expectAs(ack, JSON.stringify(body)).toMatchObject({ error: { statusCode: 400, error: 'Bad Request' } });
        expectAs(
          ack.error?.details?.map((d) => d.path),
          JSON.stringify(body),
        ).toContain(path);
      }
    });

    it('answers an inject the scenario does not have with 404 naming /injectId', async () => {
      const ack = await client.emitWithAck('inject.ack', { injectId: 'NO-SUCH-INJECT' });
      expect(ack).toEqual({
        error: {
          statusCode: 404,
          error: 'Not Found',
          message: expect.stringContaining('NO-SUCH-INJECT'),
          details: [{ path: '/injectId', message: expect.any(String) }],
        },
      });
    });

    it('answers an inject not released to the team with 404 naming /injectId', async () => {
      const ack = await client.emitWithAck('inject.ack', { injectId: 'R-02' });
      expect(ack.error).toMatchObject({ statusCode: 404, error: 'Not Found' });
      expect(ack.error?.details?.map((d) => d.path)).toContain('/injectId');
    });

    it('acknowledges a released inject once, then says it was not the first', async () => {
      expect(await client.emitWithAck('inject.ack', { injectId: 'R-01' })).toEqual({
        ok: true,
        firstAcknowledgement: true,
      });
      expect(await client.emitWithAck('inject.ack', { injectId: 'R-01' })).toEqual({
        ok: true,
        firstAcknowledgement: false,
      });
    });

    it('refuses drill control with 403', async () => {
      const ack = await control.emitWithAck('inject.ack', { injectId: 'R-01' });
      expect(ack.error).toMatchObject({ statusCode: 403, error: 'Forbidden', message: expect.any(String) });
    });

    it('tells a client that sent no acknowledgement callback with an `exception` event', async () => {
      const seen = client.events.length;
      // The contract always passes a callback; a hand-written client may not.
      const bare = client.socket as unknown as { emit(event: string, data: unknown): void };
      bare.emit('inject.ack', { injectId: 'NO-SUCH-INJECT' });
      await waitUntil(() => client.events.slice(seen).some((e) => e.event === 'exception'), 5000, 'exception');
      const failure = client.events.slice(seen).find((e) => e.event === 'exception')!.data as SocketException;
      expect(failure).toEqual({
        event: 'inject.ack',
        error: expect.objectContaining({ statusCode: 404, error: 'Not Found' }),
      });
    });
  });

  describe('ism.report', () => {
    it('answers an invalid report with the very body REST answers, naming the field', async () => {
      const bad = { ...REPORT, kind: 'gossip', severity: 'apocalyptic' };
      const ack = await client.emitWithAck('ism.report', bad);
      const rest = await s.http().post(`/api/exercises/${exerciseId}/ism/reports`).set(bearer(analyst.token)).send(bad);
      expect(rest.status).toBe(400);
      expect(ack).toEqual({ error: rest.body as ErrorBody });
      expect(ack.error?.details?.map((d) => d.path)).toEqual(expect.arrayContaining(['/kind', '/severity']));
    });

    it('answers a report that breaks a domain rule with the REST status and details', async () => {
      const red = { ...REPORT, tlp: 'TLP:RED' }; // TLP:RED needs named recipients
      const ack = await client.emitWithAck('ism.report', red);
      expect(ack.error).toMatchObject({ statusCode: 422, error: 'Unprocessable Entity' });
      expect(ack.error?.details?.[0]?.path).toMatch(/^\/recipients/);
    });

    it('acknowledges a stored report with {ok: true, id}', async () => {
      const ack = await client.emitWithAck('ism.report', REPORT);
      expect(ack).toEqual({ ok: true, id: expect.any(String) });
    });
  });

  describe('handshakes', () => {
    it('refuses the main namespace, naming the one to use', async () => {
      const refused = await handshake(s.url, { token: analyst.token, exerciseId });
      expect(refused).not.toBe('connected');
      const e = refused as HandshakeRefusal;
      expect(e.message).toContain('/drill');
      expect(e.data).toEqual({
        statusCode: 404,
        error: 'Not Found',
        message: e.message,
        details: [{ path: '/namespace', message: expect.stringContaining('/drill') }],
      });
    });

    it('refuses a bad handshake with the error body as connect_error data', async () => {
      const cases: [Record<string, unknown>, number, string | undefined][] = [
        [{ exerciseId }, 401, '/auth/token'],
        [{ token: 'drl_wrong', exerciseId }, 401, undefined],
        [{ token: analyst.token }, 400, '/auth/exerciseId'],
        [{ token: analyst.token, exerciseId, lastSeq: -1 }, 400, '/auth/lastSeq'],
        [{ token: analyst.token, exerciseId: '00000000-0000-4000-8000-000000000000' }, 404, undefined],
      ];
      for (const [auth, statusCode, path] of cases) {
        const e = await handshake(`${s.url}/drill`, auth);
        const label = JSON.stringify(auth);
        expectAs(e, label).not.toBe('connected');
        const { data, message } = e as HandshakeRefusal;
        expectAs(data, label).toMatchObject({ statusCode, error: expect.any(String), message: expect.any(String) });
        expectAs(message, label).toContain(data!.message);
        if (path)
          expectAs(
            data!.details?.map((d) => d.path),
            label,
          ).toContain(path);
      }
    });

    it('takes a lastSeq past the team’s sequence as the team’s, says so, and sends what follows', async () => {
      const stale = await new DrillClient(s.url, analyst.token, exerciseId).connect(50);
      others.push(stale);
      await waitUntil(() => stale.events.some((e) => e.event === 'handshake.warning'), 5000, 'handshake.warning');
      const warning = stale.events.find((e) => e.event === 'handshake.warning')!.data as HandshakeWarning;
      expect(warning).toEqual({
        message: expect.stringContaining('50'),
        details: [{ path: '/auth/lastSeq', message: expect.stringContaining('1') }],
        lastSeq: 1,
      });
      // An up-to-date console is not warned.
      const current = await new DrillClient(s.url, analyst.token, exerciseId).connect(1);
      others.push(current);
      await release('R-03'); // SG seq 2
      for (const c of [stale, current]) await c.waitFor(() => c.lastSeq >= 2, 5000, 'seq 2');
      expect(stale.injects.map((i) => [i.seq, i.injectId])).toEqual([[2, 'R-03']]);
      expect(current.events.some((e) => e.event === 'handshake.warning')).toBe(false);
    });
  });

  // Last: it ends the exercise.
  it('refuses inject.ack after ENDEX with 409', async () => {
    await act(s, exerciseId, 'complete');
    const ack = await client.emitWithAck('inject.ack', { injectId: 'R-01' });
    expect(ack.error).toMatchObject({
      statusCode: 409,
      error: 'Conflict',
      message: expect.stringContaining('completed'),
    });
  });
});
