import { flipHorizontal } from '../../image/pixel-ops';
import { defineTtaView } from '../tta-view-spec';
import { CROP_NAMES, CropOptions, fiveCrops } from './five-crop';

export const tenCropView = defineTtaView({
  name: 'ten_crop',
  description: 'the five crops and their left-right mirrors',
  options: CropOptions,
  names: () => [...CROP_NAMES.map((n) => `ten_crop.${n}`), ...CROP_NAMES.map((n) => `ten_crop.${n}.hflip`)],
  render: async (image, o, interpolation) => {
    const crops = await fiveCrops(image, o.fraction, interpolation);
    return [...crops, ...crops.map(flipHorizontal)];
  },
});
