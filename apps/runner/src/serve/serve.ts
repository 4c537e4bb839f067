import { promises as fs } from 'node:fs';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { UserError } from '@dfl/core';
import type { EngineChoice } from '@dfl/models';
import { openScoringSource } from '../predict/open-scoring-source';
import { Scorer } from '../predict/scorer';
import { createApp } from './create-app';
import { PredictionService } from './prediction-service';

export interface ServeOptions {
  readonly port: number;
  readonly host: string;
  readonly root: string;
  readonly maxUploadBytes: number;
  readonly maxBatch: number;
  readonly windowMs: number;
  readonly engine?: EngineChoice;
}

/** Loads the model and serves the test API until SIGINT/SIGTERM; prints one line with the URL once listening. */
export async function serve(source: string, options: ServeOptions): Promise<void> {
  const root = await fs.realpath(path.resolve(options.root)).catch(() => {
    throw new UserError(`--root ${options.root}: no such folder`);
  });
  if (!(await fs.stat(root)).isDirectory()) throw new UserError(`--root ${options.root} is not a folder`);
  const opened = await openScoringSource(source);
  const scorer = await Scorer.open(opened.setup, opened.modelDir, { engine: options.engine });
  const service = new PredictionService(scorer, { maxBatch: options.maxBatch, windowMs: options.windowMs });
  const describe = {
    runId: opened.runId,
    source: opened.kind,
    backbone: opened.setup.model.backbone,
    imageSize: opened.setup.input.size,
    tta: opened.setup.tta.views.map((v) => v.name),
    engine: scorer.engine.engine,
    // a model trained on face crops scores whole frames badly: clients should send each image's box
    expectsFaceCrops: opened.setup.face.trainedOnCrops,
    faceMargin: opened.setup.face.margin,
  };
  const app = createApp(service, { root, maxUploadBytes: options.maxUploadBytes, describe });
  const server = app.listen(options.port, options.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', (err: NodeJS.ErrnoException) => reject(err.code === 'EADDRINUSE' ? new UserError(`port ${options.port} is in use (--port 0 picks a free one)`) : err));
  });
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`dfl serve: run ${opened.runId} (${opened.kind}, ${describe.backbone} @ ${describe.imageSize}px, TTA ${describe.tta.join('+')}, engine ${describe.engine}) on http://${options.host}:${port} serving files under ${root}\n`);
  if (describe.expectsFaceCrops) {
    process.stdout.write(`dfl serve: the model was trained on face crops (margin ${describe.faceMargin}): send each image's face box ("box": [x1, y1, x2, y2] or ?box=x1,y1,x2,y2); an image sent without one is scored whole\n`);
  }
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.removeListener('SIGINT', stop);
      process.removeListener('SIGTERM', stop);
      server.close(() => resolve());
      server.closeAllConnections();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  // requests accepted before the close are still in the batcher: score them before freeing the model
  await service.drain();
  scorer.dispose();
}
