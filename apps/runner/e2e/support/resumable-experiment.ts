import { writeFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * Writes the experiment the resume and queue-retry e2e specs stop part-way and go on with, and returns its path.
 * Dropout and a step schedule, so the masks, the learning rate and Adam's moments must all pick up where they were;
 * batches of 4 over a small demo set and 6 epochs: long enough to stop a run part-way. `data.root` is `demo`.
 */
export function writeResumableExperiment(dir: string): string {
  const file = path.join(dir, 'resumable.yaml');
  writeFileSync(
    file,
    `name: resumable
data: { root: demo, image_size: 32 }
model: { backbone: tiny_cnn, options: { dropout: 0.3 } }
augment: [{ name: hflip, p: 0.5 }]
train: { epochs: 6, batch_size: 4, optimizer: { name: adam, lr: 0.003 }, schedule: { name: step, step_size: 2, gamma: 0.5 }, seed: 11 }
eval: { bootstrap: { n: 0 } }
`,
  );
  return file;
}
