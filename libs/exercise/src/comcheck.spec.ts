import { describe, expect, it } from '@jest/globals';
import { comcheckOfRecord, comcheckStatus, latestComcheck, pendingComcheck, type ComcheckReceipt } from './comcheck.js';

const T0 = Date.UTC(2026, 11, 2, 8, 0, 0);
const check = { id: 'c1', sentAt: T0, sentByUserId: 'ctl' };
const teams = [
  { id: 'sg', code: 'SG', name: 'SingCERT' },
  { id: 'my', code: 'MY', name: 'MyCERT' },
  { id: 'bn', code: 'BN', name: 'BruCERT' },
];
const people = [
  { userId: 'u2', name: 'Wei', teamId: 'sg' },
  { userId: 'u1', name: 'Ana', teamId: 'sg' },
  { userId: 'u3', name: 'Aziz', teamId: 'my' },
  { userId: 'u4', name: 'Hadi', teamId: 'bn' },
];
const receipt = (userId: string, reachedAt: number | null, confirmedAt: number | null, comcheckId = 'c1') =>
  ({ comcheckId, userId, reachedAt, confirmedAt }) satisfies ComcheckReceipt;

describe('comcheckStatus', () => {
  const status = comcheckStatus(check, teams, people, [
    receipt('u1', T0 + 200, T0 + 45_000),
    receipt('u2', T0 + 150, T0 + 20_000),
    receipt('u3', T0 + 300, null),
    receipt('u4', null, null),
    receipt('u1', T0 + 1, T0 + 2, 'older-check'), // another check's receipt counts for nothing here
    receipt('stranger', T0 + 1, T0 + 2), // not on the roll
  ]);
  const [sg, my, bn] = status.teams;

  it('gives each team its first confirmation as its time to confirm, people by name', () => {
    expect(sg).toMatchObject({ code: 'SG', participants: 2, reached: true, reachedPeople: 2, confirmed: true });
    expect(sg!.confirmMs).toBe(20_000);
    expect(sg!.people.map((p) => [p.name, p.confirmMs])).toEqual([
      ['Ana', 45_000],
      ['Wei', 20_000],
    ]);
    expect(sg!.people[0]).toMatchObject({
      reachedAt: new Date(T0 + 200).toISOString(),
      confirmedAt: new Date(T0 + 45_000).toISOString(),
    });
  });

  it('tells reached from confirmed, and unreached from both', () => {
    expect(my).toMatchObject({ reached: true, confirmed: false, confirmedPeople: 0, confirmMs: null });
    expect(bn).toMatchObject({ reached: false, reachedPeople: 0, confirmed: false, confirmMs: null });
    expect(bn!.people[0]).toEqual({
      userId: 'u4',
      name: 'Hadi',
      reached: false,
      reachedAt: null,
      confirmed: false,
      confirmedAt: null,
      confirmMs: null,
    });
    expect(status.totals).toEqual({ teams: 3, reached: 2, confirmed: 1, participants: 4, confirmedPeople: 2 });
  });

  it('counts a confirmation without a delivery receipt as reaching the person then', () => {
    const s = comcheckStatus(check, teams.slice(0, 1), people, [receipt('u1', null, T0 + 5_000)]);
    expect(s.teams[0]!.people[0]).toMatchObject({ reached: true, reachedAt: new Date(T0 + 5_000).toISOString() });
    expect(s.teams[0]).toMatchObject({ reachedPeople: 1, confirmMs: 5_000 });
  });

  it('gives a team without participants nobody to reach', () => {
    const s = comcheckStatus(check, [{ id: 'kh', code: 'KH', name: 'CamCERT' }], people, []);
    expect(s.teams[0]).toMatchObject({ participants: 0, reached: false, confirmed: false, people: [] });
  });
});

describe('which check counts', () => {
  const checks = [
    { id: 'a', sentAt: T0, sentByUserId: 'ctl' },
    { id: 'c', sentAt: T0 + 60_000, sentByUserId: 'ctl' },
    { id: 'b', sentAt: T0 + 60_000, sentByUserId: 'ctl' },
    { id: 'd', sentAt: T0 + 7_200_000, sentByUserId: 'ctl' },
  ];

  it('latest: newest sending, ties by id', () => {
    expect(latestComcheck(checks)?.id).toBe('d');
    expect(latestComcheck(checks.slice(0, 3))?.id).toBe('c');
    expect(latestComcheck([])).toBeUndefined();
  });

  it('of record: the latest sent before the drill ended', () => {
    expect(comcheckOfRecord(checks, T0 + 3_600_000)?.id).toBe('c');
    expect(comcheckOfRecord(checks, null)?.id).toBe('d');
    expect(comcheckOfRecord(checks, T0 - 1)).toBeUndefined();
  });

  it('pending: only the latest, until the person confirms it', () => {
    expect(pendingComcheck(checks, new Set())?.id).toBe('d');
    expect(pendingComcheck(checks, new Set(['a', 'b', 'c']))?.id).toBe('d');
    expect(pendingComcheck(checks, new Set(['d']))).toBeUndefined();
    expect(pendingComcheck([], new Set())).toBeUndefined();
  });
});
