import { Registry } from '@dfl/core';
import type { TtaViewSpec } from './tta-view-spec';
import { fiveCropView } from './views/five-crop';
import { hflipView } from './views/hflip';
import { identityView } from './views/identity';
import { multiScaleView } from './views/multi-scale';
import { tenCropView } from './views/ten-crop';
import { vflipView } from './views/vflip';

export type { TtaViewSpec } from './tta-view-spec';

export const ttaViews = new Registry<TtaViewSpec>('TTA view');

// The one place built-in views are registered; a new one is a file in views/ and a line here.
for (const spec of [identityView, hflipView, vflipView, fiveCropView, tenCropView, multiScaleView]) ttaViews.register(spec);
