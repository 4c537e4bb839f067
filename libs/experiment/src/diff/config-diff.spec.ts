import { configDiff } from './config-diff';

describe('configDiff', () => {
  it('lists each differing leaf by path (sorted), arrays by index, absent values as undefined', () => {
    const a = { train: { epochs: 3, optimizer: { name: 'adam', lr: 0.001 } }, tta: { views: [{ name: 'identity' }] }, engine: 'auto' };
    const b = { train: { epochs: 3, optimizer: { name: 'sgd', lr: 0.01, momentum: 0.9 } }, tta: { views: [{ name: 'identity' }, { name: 'hflip' }] }, engine: 'auto' };
    expect(configDiff([a, b])).toEqual([
      { path: 'train.optimizer.lr', values: [0.001, 0.01] },
      { path: 'train.optimizer.momentum', values: [undefined, 0.9] },
      { path: 'train.optimizer.name', values: ['adam', 'sgd'] },
      { path: 'tta.views[1]', values: [undefined, { name: 'hflip' }] },
    ]);
  });

  it('compares any number of configs, a row wherever one of them differs', () => {
    const a = { augment: [{ name: 'hflip' }], tta: [] as string[] };
    const b = { augment: [{ name: 'hflip' }, { name: 'jpeg', q: 50 }], tta: ['identity'] };
    expect(configDiff([a, b, a])).toEqual([
      { path: 'augment[1]', values: [undefined, { name: 'jpeg', q: 50 }, undefined] },
      { path: 'tta[0]', values: [undefined, 'identity', undefined] },
    ]);
  });

  it('finds nothing between equal configs whatever their key order', () => {
    expect(configDiff([{ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 }])).toEqual([]);
  });

  it('reports a type change (null vs object) and null vs absent at their paths', () => {
    expect(configDiff([{ model: { pretrained: null } }, { model: { pretrained: { path: 'w' } } }])).toEqual([
      { path: 'model.pretrained', values: [null, { path: 'w' }] },
    ]);
    expect(configDiff([{ x: null }, {}])).toEqual([{ path: 'x', values: [null, undefined] }]);
  });
});
