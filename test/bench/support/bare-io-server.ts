// Baseline for the fan-out and memory benchmarks: a bare socket.io server (no Nest, no database, no auth) on the
// /drill namespace. Clients join their team's room from the handshake; POST /schedule emits given payloads to
// every team room at given wall times, the way socket.io broadcasts natively. Started as a child process.
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const port = Number(process.env.PORT ?? 0);

const http = createServer((req, res) => {
  const send = (status: number, body: unknown) => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (req.method === 'GET' && req.url === '/health') return send(200, { status: 'ok' });
  if (req.method === 'GET' && req.url === '/mem') {
    (globalThis as { gc?: () => void }).gc?.();
    return send(200, { ...process.memoryUsage(), sockets: ns.sockets.size });
  }
  if (req.method === 'POST' && req.url === '/schedule') {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const { teams, items } = JSON.parse(raw) as {
        teams: string[];
        items: { at: number; payload: Record<string, unknown> }[];
      };
      for (const { at, payload } of items) {
        setTimeout(
          () => {
            for (const team of teams) ns.to(team).emit('inject', { ...payload, releasedAt: new Date().toISOString() });
          },
          Math.max(0, at - Date.now()),
        );
      }
      send(200, { scheduled: items.length });
    });
    return;
  }
  send(404, {});
});

const io = new Server(http, { cors: { origin: true } });
const ns = io.of('/drill');
ns.on('connection', (socket) => {
  const team = String((socket.handshake.auth as { team?: unknown }).team ?? 'none');
  void socket.join(team);
  socket.emit('exercise.state', { status: 'running' });
});

http.listen(port, '127.0.0.1', () => process.stdout.write(`bare socket.io listening on ${port}\n`));
process.on('SIGTERM', () => process.exit(0));
