// A real NestJS application with @nestjs/terminus, for the health_check functional tests.
//
// Plain JavaScript (no TypeScript build step): the decorators a TypeScript compiler would emit are
// applied by hand with Reflect.decorate, and the constructor parameter types are given as the
// metadata TypeScript's emitDecoratorMetadata would write. Everything else is the real framework:
// Nest's DI container, the Express adapter, Terminus's HealthCheckService and
// HealthIndicatorService, and Nest's exception filter turning Terminus's ServiceUnavailableException
// into the 503 body.
//
// GET  /api/health        -> Terminus health check with a `database` and a `storage` indicator.
// POST /api/test-control  -> {"database": "up" | "down" | "degraded" | "slow", "delay": seconds}
//                            switches how the database indicator behaves (the test drives it).
//
// Environment: PORT (required), HOST (default 127.0.0.1), NEST_NODE_MODULES (the node_modules
// directory the packages are installed in; default: resolved from this file), DATABASE_STATE and
// DATABASE_DELAY (the initial state). Prints "listening <port>" on stdout when ready.

import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

const here = path.dirname(new URL(import.meta.url).pathname);
const modules = process.env.NEST_NODE_MODULES || path.join(here, 'node_modules');
const requireFrom = createRequire(path.join(modules, 'noop.js'));
const load = (name) => import(pathToFileURL(requireFrom.resolve(name)).href);

await load('reflect-metadata');
const { Module, Controller, Get, Post, Body, HttpCode } = await load('@nestjs/common');
const { NestFactory } = await load('@nestjs/core');
const { TerminusModule, HealthCheck, HealthCheckService, HealthIndicatorService } = await load('@nestjs/terminus');

const STATES = ['up', 'down', 'degraded', 'slow'];
const control = {
  database: process.env.DATABASE_STATE || 'up',
  delay: Number(process.env.DATABASE_DELAY || '2'),
};

// What the Oracle driver says when the listener does not know the service (guide §6).
const ORA_12514 = 'ORA-12514: TNS:listener does not currently know of service requested in connect descriptor';

class HealthController {
  constructor(health, indicators) {
    this.health = health;
    this.indicators = indicators;
  }

  check() {
    return this.health.check([
      () => this.database(),
      () => this.indicators.check('storage').up({ path: '/mnt/nas' }),
    ]);
  }

  database() {
    const session = this.indicators.check('database');
    switch (control.database) {
      case 'down':
        // The way a real indicator fails: the query throws, Terminus marks it down with the message.
        return session.attempt(async () => { throw new Error(ORA_12514); });
      case 'degraded':
        return session.degraded({ message: 'connection pool saturated: 10 of 10 sessions busy' });
      case 'slow':
        return session.attempt(async () => { await sleep(control.delay * 1000); return { pool: 'ok' }; });
      default:
        return session.attempt(async () => ({ pool: 'ok' }));
    }
  }
}
Reflect.defineMetadata('design:paramtypes', [HealthCheckService, HealthIndicatorService], HealthController);
Reflect.decorate([Controller('health')], HealthController);
Reflect.decorate([Get(), HealthCheck()], HealthController.prototype, 'check',
  Object.getOwnPropertyDescriptor(HealthController.prototype, 'check'));

class ControlController {
  set(body) {
    const state = body && body.database;
    if (!STATES.includes(state)) {
      return { error: `database must be one of ${STATES.join(', ')}` };
    }
    control.database = state;
    if (body.delay !== undefined) control.delay = Number(body.delay);
    return { ...control };
  }
}
Body()(ControlController.prototype, 'set', 0);  // a parameter decorator: (target, key, index)
Reflect.defineMetadata('design:paramtypes', [Object], ControlController.prototype, 'set');
Reflect.decorate([Controller('test-control')], ControlController);
Reflect.decorate([Post(), HttpCode(200)], ControlController.prototype, 'set',
  Object.getOwnPropertyDescriptor(ControlController.prototype, 'set'));

class AppModule {}
Reflect.decorate([Module({ imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController, ControlController] })], AppModule);

const app = await NestFactory.create(AppModule, { logger: ['error', 'warn'] });
app.setGlobalPrefix('api');
app.enableShutdownHooks();
const port = Number(process.env.PORT);
await app.listen(port, process.env.HOST || '127.0.0.1');
process.stdout.write(`listening ${port}\n`);
