import { diffConfigs } from './config-diff';

describe('diffConfigs', () => {
  it('lists each differing leaf by path, arrays by index, sorted', () => {
    const a = { train: { epochs: 3, optimizer: { name: 'adam', lr: 0.001 } }, tta: { views: [{ name: 'identity' }] }, engine: 'auto' };
    const b = { train: { epochs: 3, optimizer: { name: 'sgd', lr: 0.01, momentum: 0.9 } }, tta: { views: [{ name: 'identity' }, { name: 'hflip' }] }, engine: 'auto' };
    expect(diffConfigs(a, b)).toEqual([
      { path: 'train.optimizer.lr', a: 0.001, b: 0.01 },
      { path: 'train.optimizer.momentum', a: undefined, b: 0.9 },
      { path: 'train.optimizer.name', a: 'adam', b: 'sgd' },
      { path: 'tta.views[1]', a: undefined, b: { name: 'hflip' } },
    ]);
  });

  it('finds nothing between equal configs whatever their key order', () => {
    expect(diffConfigs({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 })).toEqual([]);
  });

  it('reports a type change (object vs value) at its path', () => {
    expect(diffConfigs({ model: { pretrained: null } }, { model: { pretrained: { path: 'w' } } })).toEqual([{ path: 'model.pretrained', a: null, b: { path: 'w' } }]);
  });
});
