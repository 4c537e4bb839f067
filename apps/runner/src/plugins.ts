import { augmentations, ttaViews } from '@dfl/data';
import type { PluginCatalog } from '@dfl/experiment';
import { backbones } from '@dfl/models';
import { optimizers, schedules } from '@dfl/training';

/**
 * The plug-in catalog experiments are resolved against: every registry the libs fill. The runner is where the
 * libs meet, so this is where they are wired into the experiment config (which cannot import them: they import it).
 * Importing this file loads the plug-in libs; commands import it inside their actions.
 */
export const catalog: PluginCatalog = { backbones, augmentations, ttaViews, schedules, optimizers };
