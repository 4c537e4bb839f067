import type { Command } from 'commander';
import { action } from '../cli-error-sink';

export function register(program: Command): void {
  program
    .command('evaluate')
    .description('score a submission (img_name,y_pred) against labels (img_name,target): AUC, TPR@FPR=1e-3 and more')
    .requiredOption('--predictions <file>', 'prediction CSV with the header img_name,y_pred (y_pred = P(fake) in [0, 1])')
    .requiredOption('--labels <file>', 'label CSV with the header img_name,target (1 = fake, 0 = real)')
    .option('--json', 'also print one JSON object as the last line of stdout')
    .option('--max-fpr <fpr>', 'FPR bound of the headline TPR', '1e-3')
    .option('--bootstrap <n>', 'bootstrap resamples for the confidence intervals (0 = none)', '1000')
    .option('--seed <k>', 'seed of the bootstrap', '0')
    .action(
      action(async (options: import('../evaluate/run-evaluate').EvaluateCommandOptions) => {
        const { runEvaluate } = await import('../evaluate/run-evaluate');
        await runEvaluate(options);
      }),
    );
}
