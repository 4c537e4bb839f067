import { optimizers } from './optimizer-registry';

describe('optimizer specs', () => {
  it('registers adam, adamw and sgd with torch-like defaults', () => {
    expect(optimizers.names()).toEqual(['adam', 'adamw', 'sgd']);
    const defaults = (name: string) =>
      Object.fromEntries(Object.entries(optimizers.get(name).options.properties).map(([k, v]) => [k, (v as { default?: unknown }).default]));
    expect(defaults('adam')).toEqual({ beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0 });
    expect(defaults('adamw')).toEqual({ beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0.01 });
    expect(defaults('sgd')).toEqual({ momentum: 0.9, nesterov: false, weight_decay: 0 });
  });

  it('sgd rejects Nesterov momentum without momentum', () => {
    const sgd = optimizers.get('sgd');
    expect(sgd.check?.({ momentum: 0, nesterov: true, weight_decay: 0 })).toEqual([{ option: 'nesterov', message: 'Nesterov momentum needs momentum > 0' }]);
    expect(sgd.check?.({ momentum: 0.9, nesterov: true, weight_decay: 0 })).toEqual([]);
  });
});
