import { UserError } from '@dfl/core';
import type { Run, RunRepository } from '@dfl/db';
import { withRepository } from './open-repository';
import { fmt4 } from '../format-metric';


/** Finds a run by full id or by a unique prefix (ids are long; people copy the first 8 characters). */
export async function findRun(repo: RunRepository, idOrPrefix: string): Promise<Run> {
  if (/^[0-9a-f-]{36}$/i.test(idOrPrefix)) {
    const run = await repo.getRun(idOrPrefix, { epochs: true });
    if (run) return run;
  } else if (/^[0-9a-f-]{4,36}$/i.test(idOrPrefix)) {
    const page = await repo.listRuns({ limit: 500 });
    const matches = page.items.filter(({ run }) => run.id.startsWith(idOrPrefix.toLowerCase()));
    if (matches.length === 1) return (await repo.getRun(matches[0].run.id, { epochs: true })) as Run;
    if (matches.length > 1) throw new UserError(`run id prefix '${idOrPrefix}' is ambiguous: ${matches.map((m) => m.run.id).join(', ')}`);
  }
  throw new UserError(`no run '${idOrPrefix}' (see dfl runs)`);
}

export async function showRunCommand(id: string, opts: { json?: boolean }): Promise<void> {
  await withRepository(async (repo) => {
    const run = await findRun(repo, id);
    if (opts.json) {
      process.stdout.write(JSON.stringify(run) + '\n');
      return;
    }
    const out: string[] = [];
    out.push(`run ${run.id}  ${run.name}  [${run.status}]${run.promoted ? '  ★ promoted' : ''}`);
    if (run.error) out.push(`  error: ${run.error}`);
    out.push(`  backbone ${run.backbone}  seed ${run.seed}  engine ${run.engine}/${run.backend}  host ${run.host}`);
    out.push(`  dataset ${run.datasetName} (${run.datasetHash?.slice(0, 12)})  config ${run.configHash.slice(0, 12)}  git ${run.gitCommit?.slice(0, 10) ?? '—'}${run.gitDirty ? ' (dirty)' : ''}`);
    out.push(`  AUC ${fmt4(run.auc)}${run.aucCiLow !== null ? ` [${fmt4(run.aucCiLow)}, ${fmt4(run.aucCiHigh)}]` : ''}   TPR@1e-3 ${fmt4(run.tprAt1e3)} (on ${run.tprNegatives ?? '—'} negatives)   EER ${fmt4(run.eer)}   AP ${fmt4(run.ap)}`);
    const epochs = [...(run.epochs ?? [])].sort((a, b) => a.epoch - b.epoch);
    if (epochs.length > 0) {
      out.push('  epoch  lr         train_loss  val_loss  val_auc  val_tpr  img/s');
      for (const e of epochs) {
        out.push(`  ${String(e.epoch + 1).padEnd(5)}  ${(e.lr ?? 0).toExponential(2).padEnd(9)}  ${fmt4(e.trainLoss).padEnd(10)}  ${fmt4(e.valLoss).padEnd(8)}  ${fmt4(e.valAuc).padEnd(7)}  ${fmt4(e.valTpr).padEnd(7)}  ${(e.imgS ?? 0).toFixed(1)}`);
      }
    }
    if (run.runDir) out.push(`  artefacts: ${run.runDir}`);
    out.push(`  reproduce: dfl reproduce ${run.id}`);
    process.stdout.write(out.join('\n') + '\n');
  });
}
