// Baseline for the ISM ingest benchmark: a bare Nest application that only parses the JSON body (HTTP) or the
// socket.io message and answers — no auth, validation, database or fan-out. Started as a child process.
import 'reflect-metadata';
import { Body, Controller, Get, HttpCode, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';

let received = 0;

@Controller()
class IngestController {
  @Post('ingest')
  @HttpCode(201)
  ingest(@Body() body: { title?: string }) {
    received += 1;
    return { id: String(received), title: body.title };
  }

  @Get('health')
  health() {
    return { status: 'ok', received };
  }
}

@WebSocketGateway({ namespace: '/drill', cors: { origin: true } })
class IngestGateway {
  @SubscribeMessage('ism.report')
  onReport(@MessageBody() body: { title?: string }) {
    received += 1;
    return { id: String(received), title: body?.title };
  }
}

@Module({ controllers: [IngestController], providers: [IngestGateway] })
class BareModule {}

const app = await NestFactory.create<NestExpressApplication>(BareModule, { logger: false, bodyParser: false });
app.useBodyParser('json', { limit: 2 * 1024 * 1024 });
app.enableShutdownHooks();
await app.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
process.stdout.write(`bare Nest listening on ${process.env.PORT}\n`);
