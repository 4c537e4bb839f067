import { Type } from '@sinclair/typebox';
import { Registry, UnknownPluginError } from './registry';

describe('Registry', () => {
  const make = () => {
    const r = new Registry<{ name: string; description: string; options: ReturnType<typeof Type.Object> }>('backbone');
    r.register({ name: 'resnet18', description: 'r18', options: Type.Object({}) });
    r.register({ name: 'efficientnet_b0', description: 'b0', options: Type.Object({}) });
    return r;
  };

  it('returns a registered plug-in and lists names sorted', () => {
    const r = make();
    expect(r.get('resnet18').description).toBe('r18');
    expect(r.names()).toEqual(['efficientnet_b0', 'resnet18']);
  });

  it('fails on an unknown name, listing the valid ones', () => {
    expect(() => make().get('resnet19')).toThrow(UnknownPluginError);
    expect(() => make().get('resnet19')).toThrow("unknown backbone 'resnet19'; valid: efficientnet_b0, resnet18");
  });

  it('refuses a second registration under the same name', () => {
    const r = make();
    expect(() => r.register({ name: 'resnet18', description: 'again', options: Type.Object({}) })).toThrow(/twice/);
  });
});
