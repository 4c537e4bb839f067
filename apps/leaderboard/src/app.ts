import 'reflect-metadata';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { ValidationPipe, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { connectDatabase } from '@dfl/db';
import type { Express, Request, Response } from 'express';
import type { DataSource } from 'typeorm';
import { AppModule } from './app.module';
import { RunErrorsFilter } from './common/run-errors.filter';

/** The built web page (apps/leaderboard/web builds into it); served at `/`. */
export const DEFAULT_WEB_DIR = path.resolve(__dirname, '..', 'web', 'dist');

export interface LeaderboardOptions {
  /** An initialised, migrated DataSource (the app takes it over and destroys it on close). */
  dataSource?: DataSource;
  /** Else a PostgreSQL URL; else DATABASE_URL; else the embedded server. */
  url?: string;
  /** Listen on this port (0: any free one). Without it the app is initialised but not listening (supertest). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Bearer token for the write endpoints; default LEADERBOARD_TOKEN; none => writes refused. */
  token?: string | null;
  webDir?: string;
  /** Reuse list totals this long (ms; default 0). main.ts uses LEADERBOARD_COUNT_CACHE_MS, default 1000. */
  countCacheMs?: number;
  /** Cache list pages until a run changes (default true; main.ts: LEADERBOARD_LIST_CACHE=0 turns it off). */
  listCache?: boolean;
  /** Mark runs of this host whose process died as interrupted this often (ms; default 0). main.ts: 15000. */
  reapEveryMs?: number;
  /** Nest's log levels; false for silence (tests). */
  logger?: false | LogLevel[];
}

export interface Leaderboard {
  app: NestExpressApplication;
  /** http://host:port when listening. */
  url: string | null;
  close(): Promise<void>;
}

/** Builds (and optionally starts) the leaderboard service. Used by main.ts and by the tests. */
export async function createLeaderboardApp(options: LeaderboardOptions = {}): Promise<Leaderboard> {
  const dataSource = options.dataSource ?? (await connectDatabase({ url: options.url }));
  const token = options.token === undefined ? (process.env.LEADERBOARD_TOKEN ?? null) : options.token;
  const webDir = options.webDir ?? DEFAULT_WEB_DIR;
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot(dataSource, { writeToken: token && token.trim() !== '' ? token : null, webDir, countCacheMs: options.countCacheMs ?? 0, listCache: options.listCache ?? true, reapEveryMs: options.reapEveryMs ?? 0 }),
    { logger: options.logger ?? ['error', 'warn', 'log'] },
  );
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.useGlobalPipes(
    new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true, stopAtFirstError: false }),
  );
  app.useGlobalFilters(new RunErrorsFilter());
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Deepfake Lab leaderboard')
      .setDescription('Ranked deepfake-detection runs: AUC, TPR@FPR=1e-3, config diffs. Writes need a Bearer token.')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  // swagger-ui is served from the installed swagger-ui-dist package: no CDN.
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs/openapi.json' });
  serveWebPage(app, webDir);
  await app.init();
  let url: string | null = null;
  if (options.port !== undefined) {
    const host = options.host ?? '127.0.0.1';
    await app.listen(options.port, host);
    const address = app.getHttpServer().address() as { port: number };
    url = `http://${host}:${address.port}`;
  }
  return { app, url, close: () => app.close() };
}

/** The web engineer drops the built page into webDir; until then `/` says how to build it. */
function serveWebPage(app: NestExpressApplication, webDir: string): void {
  app.useStaticAssets(webDir, { index: 'index.html', maxAge: '1h', setHeaders: noCacheForHtml });
  if (!existsSync(path.join(webDir, 'index.html'))) {
    (app.getHttpAdapter().getInstance() as Express).get('/', (_req: Request, res: Response) =>
      res.type('text/plain').send(`The web page is not built (${webDir}); run \`npm run build:web\`. The API is at /api/runs, its docs at /api/docs.\n`),
    );
  }
}

function noCacheForHtml(res: Response, file: string): void {
  if (file.endsWith('.html')) res.setHeader('Cache-Control', 'no-cache');
}
