// Redis transport hop — what each socket.io adapter's Redis transport costs, measured on the local Redis with the inject
// payload: @socket.io/redis-adapter moves every broadcast and serverSideEmit over PUBLISH/SUBSCRIBE;
// @socket.io/redis-streams-adapter appends to one stream (XADD … MAXLEN ~) that every node reads with a blocking
// XREAD (COUNT 100). The streams adapter is not installed here (no new dependencies), so this times the two Redis
// patterns themselves with ioredis, one writer and two readers (two other replicas). It measures the Redis hop between
// replicas only — not an adapter, not socket.io, not the drill server (the fan-out benchmark measures those):
//   - latency: 2,000 messages at 500/s, send → receipt at each reader, p50/p99/max;
//   - throughput: 10,000 messages written back to back, time until both readers have all of them.
// Run: npm run bench -- adapter
import { Redis } from 'ioredis';
import { deleteRedisKeys, redisPrefix } from '../support/cluster.js';
import { answers, REDIS_URL } from '../support/services.js';
import { fmt, injectText, machine, ratio, report, sized, sleep, summarize, table } from './support/common.js';

const LATENCY_MESSAGES = sized(2000, 200);
const RATE_PER_S = 500;
const BURST_MESSAGES = sized(10_000, 1000);
const READERS = 2;

const { title, body, artefact } = injectText(1);
const payload = JSON.stringify({
  exerciseId: 'e',
  teamId: 't',
  injectId: 'I-1',
  seq: 1,
  title,
  body,
  artefacts: [{ name: 'edr.log', mediaType: 'text/plain', content: artefact }],
});

interface Transport {
  name: string;
  start(onMessage: (reader: number, sentAt: number) => void): Promise<void>;
  send(n: number): Promise<unknown>;
  stop(): Promise<void>;
}

const frame = (sentAt: number) => `${sentAt}|${payload}`;
const sentAtOf = (m: string) => Number(m.slice(0, m.indexOf('|')));

function pubsub(prefix: string): Transport {
  const pub = new Redis(REDIS_URL);
  const subs = Array.from({ length: READERS }, () => new Redis(REDIS_URL));
  const channel = `${prefix}:pubsub`;
  return {
    name: 'PUBLISH/SUBSCRIBE (the transport of @socket.io/redis-adapter)',
    async start(onMessage) {
      await Promise.all(
        subs.map(async (s, i) => {
          s.on('message', (_c: string, m: string) => onMessage(i, sentAtOf(m)));
          await s.subscribe(channel);
        }),
      );
    },
    send: () => pub.publish(channel, frame(performance.timeOrigin + performance.now())),
    async stop() {
      pub.disconnect();
      subs.forEach((s) => s.disconnect());
    },
  };
}

function streams(prefix: string): Transport {
  const writer = new Redis(REDIS_URL);
  const readers = Array.from({ length: READERS }, () => new Redis(REDIS_URL));
  const key = `${prefix}:stream`;
  let running = true;
  const loops: Promise<void>[] = [];
  return {
    name: 'XADD + blocking XREAD (the transport of @socket.io/redis-streams-adapter)',
    async start(onMessage) {
      const from = await writer.xadd(key, 'MAXLEN', '~', '10000', '*', 'm', 'start');
      readers.forEach((r, i) => {
        loops.push(
          (async () => {
            let last = from!;
            while (running) {
              const res = (await r.xread('COUNT', 100, 'BLOCK', 200, 'STREAMS', key, last).catch(() => null)) as
                [string, [string, string[]][]][] | null;
              if (!res) continue;
              for (const [id, fields] of res[0]![1]) {
                last = id;
                if (fields[1] !== 'start') onMessage(i, sentAtOf(fields[1]!));
              }
            }
          })(),
        );
      });
    },
    send: () => writer.xadd(key, 'MAXLEN', '~', '10000', '*', 'm', frame(performance.timeOrigin + performance.now())),
    async stop() {
      running = false;
      await Promise.all(loops);
      writer.disconnect();
      readers.forEach((r) => r.disconnect());
    },
  };
}

async function measure(t: Transport) {
  const latencies: number[] = [];
  let received = 0;
  let collecting = true;
  await t.start((_reader, sentAt) => {
    received += 1;
    if (collecting) latencies.push(performance.timeOrigin + performance.now() - sentAt);
  });
  await sleep(200);
  const interval = 1000 / RATE_PER_S;
  const t0 = performance.now();
  for (let n = 0; n < LATENCY_MESSAGES; n++) {
    void t.send(n);
    const wait = t0 + (n + 1) * interval - performance.now();
    if (wait > 0) await sleep(wait);
  }
  const until = Date.now() + 5000;
  while (received < LATENCY_MESSAGES * READERS && Date.now() < until) await sleep(10);
  collecting = false;
  // Throughput: a burst written back to back.
  received = 0;
  const b0 = performance.now();
  const writes: Promise<unknown>[] = [];
  for (let n = 0; n < BURST_MESSAGES; n++) writes.push(t.send(n));
  await Promise.all(writes);
  const until2 = Date.now() + 30_000;
  while (received < BURST_MESSAGES * READERS && Date.now() < until2) await sleep(5);
  const burstMs = performance.now() - b0;
  const burstReceived = received;
  await t.stop();
  return {
    name: t.name,
    latency: summarize(latencies),
    perSecond: (burstReceived / READERS / burstMs) * 1000,
    lost: BURST_MESSAGES * READERS - burstReceived,
  };
}

async function main() {
  if (!(await answers(6379))) throw new Error('Redis does not answer on 127.0.0.1:6379');
  const started = Date.now();
  const prefix = redisPrefix('bench-adapter');
  try {
    const a = await measure(pubsub(prefix));
    const b = await measure(streams(prefix));
    const rows = [
      [
        a.name,
        fmt(a.latency.p50, 2),
        fmt(a.latency.p99, 2),
        fmt(a.latency.max, 2),
        fmt(a.perSecond, 0),
        a.lost,
        '1.00× (baseline)',
      ],
      [
        b.name,
        fmt(b.latency.p50, 2),
        fmt(b.latency.p99, 2),
        fmt(b.latency.max, 2),
        fmt(b.perSecond, 0),
        b.lost,
        `${ratio(b.latency.p50, a.latency.p50)} / ${ratio(b.latency.p99, a.latency.p99)}`,
      ],
    ];
    for (const r of rows) process.stderr.write(`adapter: ${r.join(' | ')}\n`);
    report(
      'Redis transport hop between replicas (PUBLISH/SUBSCRIBE vs streams), ms',
      `The Redis hop alone, timed with ioredis — not the socket.io adapters themselves, nor socket.io or the drill server ` +
        `(the fan-out table measures those end to end). ` +
        `${(payload.length / 1024).toFixed(1)} KiB inject payload, 1 writer and ${READERS} readers; latency over ${LATENCY_MESSAGES} messages at ${RATE_PER_S}/s, ` +
        `throughput over ${BURST_MESSAGES.toLocaleString('en')} messages back to back. ${((Date.now() - started) / 1000).toFixed(0)} s. ${machine()}.\n\n` +
        table(
          ['transport', 'p50 ms', 'p99 ms', 'max ms', 'burst msgs/s (per reader)', 'lost', 'ratio p50 / p99'],
          rows,
        ),
    );
  } finally {
    await deleteRedisKeys(prefix);
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`adapter: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
