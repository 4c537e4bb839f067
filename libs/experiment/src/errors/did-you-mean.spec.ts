import { didYouMean } from './did-you-mean';

describe('didYouMean', () => {
  it('suggests the closest name for a typo, a swap of letters, a case slip or a missing suffix', () => {
    expect(didYouMean('epohcs', ['epochs', 'batch_size'])).toBe('epochs');
    expect(didYouMean('resnet19', ['resnet18', 'resnet34', 'tiny_cnn'])).toBe('resnet18');
    expect(didYouMean('LR', ['lr', 'seed'])).toBe('lr');
    expect(didYouMean('efficientnet', ['efficientnet_b0', 'resnet18'])).toBe('efficientnet_b0');
  });

  it('suggests nothing when no name is close', () => {
    expect(didYouMean('zzz', ['epochs', 'batch_size'])).toBeUndefined();
    expect(didYouMean('x', [])).toBeUndefined();
  });
});
