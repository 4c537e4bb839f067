import type { RunOutcome } from './run-experiment';
import { fmt4 } from '../format-metric';


/** The one screen a person reads when a run ends. */
export function formatRunSummary(o: RunOutcome): string {
  const lines: string[] = [];
  const mins = Math.floor(o.seconds / 60);
  const secs = Math.round(o.seconds % 60);
  lines.push('');
  lines.push(`run ${o.runId}  ${o.config.name}  [${o.status}]`);
  lines.push(`  backbone ${o.config.model.backbone} @ ${o.config.data.image_size}px   engine ${o.engine.engine}/${o.engine.backend}   ${o.epochsDone}/${o.config.train.epochs} epochs in ${mins}m${secs}s`);
  if (o.final) {
    const e = o.final;
    const ci = e.bootstrap?.auc ? ` [${fmt4(e.bootstrap.auc.low)}, ${fmt4(e.bootstrap.auc.high)}]` : '';
    const tci = e.bootstrap?.tprAtFpr ? ` [${fmt4(e.bootstrap.tprAtFpr.low)}, ${fmt4(e.bootstrap.tprAtFpr.high)}]` : '';
    lines.push(`  validation (best epoch ${o.bestEpoch === null ? '—' : o.bestEpoch + 1}, TTA ${o.config.tta.views.map((v) => v.name).join('+')}, ${e.positives} fake / ${e.negatives} real):`);
    lines.push(`    AUC          ${fmt4(e.auc)}${ci}`);
    lines.push(`    TPR@FPR=${e.tprAtFpr.maxFpr.toExponential(0)} ${fmt4(e.tprAtFpr.tpr)}${tci}  (on ${e.tprAtFpr.negatives} negatives)`);
    lines.push(`    EER          ${fmt4(e.eer.eer)}    AP ${fmt4(e.averagePrecision)}    acc@0.5 ${fmt4(e.accuracy)}    log loss ${fmt4(e.logLoss)}`);
    for (const w of e.warnings) lines.push(`  note: ${w}`);
  }
  if (o.error) lines.push(`  error: ${o.error}`);
  lines.push(`  artefacts: ${o.runDir}`);
  if (o.status === 'finished') {
    lines.push(`  next: dfl show-run ${o.runId} | dfl promote ${o.runId} --test <dir> | dfl board`);
  }
  return lines.join('\n') + '\n';
}
