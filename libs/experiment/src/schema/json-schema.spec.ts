import Ajv from 'ajv';
import { parse } from 'yaml';
import { testCatalog } from '../testing/test-catalog';
import { buildExperimentJsonSchema } from './json-schema';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- reading a generated schema

describe('the generated JSON Schema', () => {
  const schema = buildExperimentJsonSchema(testCatalog()) as Json;

  it('is a draft-07 schema a stock validator (as in an editor) compiles', () => {
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(() => new Ajv({ strict: false }).compile(schema)).not.toThrow();
  });

  it('carries each field with its type, default and description', () => {
    const epochs = schema.properties.train.properties.epochs;
    expect(epochs).toMatchObject({ type: 'integer', minimum: 1, default: 10 });
    expect(epochs.description).toMatch(/epochs/);
    expect(schema.properties.engine.enum).toEqual(['auto', 'tensorflow', 'native', 'wasm', 'cpu']);
  });

  it("lists the registered plug-in names and, per name, the plug-in's own options", () => {
    const step = schema.properties.augment.items;
    expect(step.properties.name.enum).toEqual(['hflip', 'jpeg', 'sbi', 'vflip']);
    const jpeg = step.allOf.find((b: Json) => b.if.properties.name.const === 'jpeg').then;
    expect(jpeg.properties.quality_min).toMatchObject({ type: 'integer', default: 30, maximum: 100 });
    expect(jpeg.additionalProperties).toBe(false);
    const model = schema.properties.model;
    expect(model.properties.backbone.enum).toEqual(['resnet18', 'tiny_cnn']);
    const tiny = model.allOf.find((b: Json) => b.if.properties.backbone.const === 'tiny_cnn').then;
    expect(tiny.properties.options.properties.width.default).toBe(8);
  });

  it('lets an editor accept a file that extends another and leaves out data and model', () => {
    const validate = new Ajv({ strict: false }).compile(schema);
    expect(validate(parse('extends: base.yaml\ntrain: {epochs: 3}\n'))).toBe(true);
    expect(validate(parse('train: {epochs: 3}\n'))).toBe(false);
    expect(validate(parse('data: {root: d}\nmodel: {backbone: resnet18}\naugment: [{name: jpeg, quality_min: 10}]\n'))).toBe(true);
    expect(validate(parse('data: {root: d}\nmodel: {backbone: resnet18}\naugment: [{name: jpeg, quality: 10}]\n'))).toBe(false);
  });

  it('keeps every field required in the resolved flavour', () => {
    const resolved = buildExperimentJsonSchema(testCatalog(), 'resolved') as Json;
    expect(resolved.required).toContain('train');
    expect(resolved.properties.train.required).toContain('epochs');
    expect(resolved.properties.data.required).toContain('image_size');
    expect(resolved.properties.extends).toBeUndefined();
  });
});
