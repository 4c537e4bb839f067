import { writeFileAtomic } from '@dfl/core';
import { buildExperimentJsonSchema } from '@dfl/experiment';
import { catalog } from '../plugins';

/** `dfl schema`: the experiment JSON Schema with every registered plug-in, to stdout or (atomically) to a file. */
export async function writeExperimentSchema(out: string | undefined): Promise<void> {
  const text = `${JSON.stringify(buildExperimentJsonSchema(catalog), null, 2)}\n`;
  if (out) await writeFileAtomic(out, text);
  else process.stdout.write(text);
}
