import { Type, type Static } from '@sinclair/typebox';
import {
  Derived,
  FlatPluginRef,
  Nullable,
  PLUGIN,
  PLUGIN_NAME,
  StringEnum,
  type PluginOptions,
  type PluginRefAnnotation,
} from './schema-helpers';

/*
 * The experiment format, declared once. Each field says its type, default and description here; the JSON Schema
 * (`dfl schema`), the validator and the TypeScript types of the resolved config are all generated from it.
 * A field with a `default` may be omitted in a file; a `Derived` field is filled by resolution; every other field
 * is required. The resolved config always has every key (null where "not set"), so it is complete on its own.
 */

/** Metrics the evaluator computes on a split. `tpr_at_fpr` is the TPR at `eval.max_fpr`. */
export const METRICS = ['auc', 'tpr_at_fpr', 'eer', 'ap', 'loss', 'accuracy'] as const;
export type MetricName = (typeof METRICS)[number];
/** Metrics where smaller is better; every other metric is maximised. */
export const MINIMISED_METRICS: readonly MetricName[] = ['loss', 'eer'];

export const ENGINES = ['auto', 'tensorflow', 'native', 'wasm', 'cpu'] as const;
export const DATA_LAYOUTS = ['challenge', 'csv', 'real_fake'] as const;

const Metric = (options: { default?: MetricName; description: string }) => StringEnum(METRICS, options);
const Rgb = (description: string) => Type.Array(Type.Number(), { minItems: 3, maxItems: 3, description });

const LabelFile = (challengeDefault: string) =>
  Derived(
    Nullable(Type.String({ minLength: 1 })),
    `label CSV (img_name,target; 1 = fake), relative to data.root. Default: ${challengeDefault} for layout challenge, ` +
      'null for layout real_fake (labels come from the real/ and fake/ folders); layout csv requires it',
  );

const ImageFolder = (defaultValue: string, what: string) =>
  Type.String({
    minLength: 1,
    default: defaultValue,
    description: `${what} image folder, relative to data.root (layout real_fake: the folder holding real/ and fake/)`,
  });

const FaceBoxFile = () =>
  Nullable(Type.String({ minLength: 1 }), {
    default: null,
    description:
      'face-box CSV (img_name,x1,y1,x2,y2: pixels of the image as displayed), relative to data.root: each named image ' +
      'is cropped to its box plus data.face_margin before resizing; images without a row are used whole (the run ' +
      'reports how many). null: no boxes, images are used whole',
  });

export const TrainSplitSchema = Type.Object(
  {
    labels: LabelFile('train_label.txt'),
    images: ImageFolder('trainset', 'training'),
    face_boxes: FaceBoxFile(),
    landmarks: Nullable(Type.String({ minLength: 1 }), {
      default: null,
      description:
        'face-landmark CSV (img_name,x0,y0,x1,y1,...: at least 3 points, pixels of the image as displayed), relative ' +
        "to data.root: the sbi augmentation masks the hull of each named image's points (within its face crop, if " +
        'any) instead of its default ellipse; images without a row keep the ellipse. null: no landmarks',
    }),
    only_real: Type.Boolean({
      default: false,
      description: 'train on the real images only; the fakes then come from the `sbi` augmentation',
    }),
  },
  { additionalProperties: false, default: {}, description: 'the training split' },
);

export const ValSplitSchema = Type.Object(
  { labels: LabelFile('val_label.txt'), images: ImageFolder('valset', 'validation'), face_boxes: FaceBoxFile() },
  { additionalProperties: false, default: {}, description: 'the validation split: picks the best checkpoint' },
);

export const TestSplitSchema = Type.Object(
  { images: ImageFolder('testset', 'unlabelled test') },
  { additionalProperties: false, default: {}, description: 'the unlabelled test images that `promote` scores' },
);

export const DataSchema = Type.Object(
  {
    root: Type.String({
      minLength: 1,
      description:
        'dataset folder. A relative path is relative to the folder of the YAML file that sets it ' +
        '(to the working directory for --set); resolved to an absolute path',
    }),
    layout: StringEnum(DATA_LAYOUTS, {
      default: 'challenge',
      description:
        'challenge: train_label.txt/val_label.txt + trainset/valset/testset; csv: label files and image folders ' +
        'you name; real_fake: each split folder holds real/ and fake/',
    }),
    train: TrainSplitSchema,
    val: ValSplitSchema,
    test: TestSplitSchema,
    image_size: Derived(Type.Integer({ minimum: 16, maximum: 2048 }), 'side in pixels the images are resized to; default: the backbone input size'),
    mean: Derived(Rgb('per-channel mean subtracted after scaling to [0,1]'), 'default: the backbone input config (ImageNet for pretrained backbones)'),
    std: Derived(Rgb('per-channel std divided by after the mean'), 'default: the backbone input config'),
    interpolation: Derived(StringEnum(['bilinear', 'bicubic', 'nearest'] as const), 'resize filter; default: the backbone input config'),
    face_margin: Nullable(Type.Number({ minimum: 0, maximum: 2 }), {
      default: null,
      description:
        'margin added around each face box (data.train/val.face_boxes) before cropping, per side as a fraction of the ' +
        "box's width (left, right) and height (top, bottom): 0.25 crops 1.5 times the box. null: the box as it is",
    }),
    bad_images: StringEnum(['error', 'skip'] as const, {
      default: 'error',
      description: 'a corrupt, truncated or missing image stops the run naming the file (error), or is skipped and listed in the run report (skip)',
    }),
  },
  { additionalProperties: false, description: 'where the images and labels are, and how images are prepared' },
);

const backboneRef: PluginRefAnnotation = { kind: 'backbones', nameKey: 'backbone', optionsKey: 'options' };

export const ModelSchema = Type.Object(
  {
    backbone: Type.String({ description: 'backbone name from the registry (`dfl backbones`)', [PLUGIN_NAME]: 'backbones' }),
    options: Type.Unsafe<PluginOptions>({
      type: 'object',
      default: {},
      description: "the backbone's own options, validated by its schema (dropout, drop_path, with the backbone's own defaults)",
    }),
    pretrained: Nullable(Type.String({ minLength: 1 }), {
      default: null,
      description:
        'local weights file (timm/torchvision .safetensors or a tfjs model folder), relative to the YAML file that sets it; null: random init',
    }),
    num_classes: Type.Integer({ minimum: 1, maximum: 2, default: 2, description: '2: softmax over [real, fake] (the seed); 1: one sigmoid logit' }),
  },
  { additionalProperties: false, [PLUGIN]: backboneRef, description: 'the network' },
);

export const AugmentStepSchema = FlatPluginRef(
  'augmentations',
  {
    name: Type.String({ description: 'augmentation name from the registry', [PLUGIN_NAME]: 'augmentations' }),
    p: Type.Number({
      minimum: 0,
      maximum: 8,
      default: 1,
      description: 'probability in [0, 1] that a transform is applied to an image; for a fake source (sbi), how many pseudo-fakes to make per real image (fractions are drawn)',
    }),
  },
  { description: "one augmentation step: {name, p, ...the augmentation's options}" },
);

export const TtaViewSchema = FlatPluginRef(
  'ttaViews',
  { name: Type.String({ description: 'TTA view name from the registry', [PLUGIN_NAME]: 'ttaViews' }) },
  { description: "one test-time view: {name, ...the view's options}" },
);

export const TtaSchema = Type.Object(
  {
    views: Type.Array(TtaViewSchema, {
      minItems: 1,
      default: [{ name: 'identity' }],
      description: 'views scored for every validation/test image',
    }),
    combine: StringEnum(['mean_prob', 'mean_logit'] as const, {
      default: 'mean_prob',
      description: 'how the views are combined: mean of probabilities, or of logits',
    }),
  },
  { additionalProperties: false, default: {}, description: 'test-time augmentation' },
);

export const OptimizerSchema = FlatPluginRef(
  'optimizers',
  {
    name: Type.String({ default: 'adam', description: 'optimizer name from the registry', [PLUGIN_NAME]: 'optimizers' }),
    lr: Type.Number({ exclusiveMinimum: 0, default: 0.001, description: 'base learning rate (the schedule scales it)' }),
  },
  { default: {}, description: "{name, lr, ...the optimizer's options (weight_decay, momentum ...)}" },
);

export const ScheduleSchema = FlatPluginRef(
  'schedules',
  { name: Type.String({ default: 'constant', description: 'learning-rate schedule from the registry', [PLUGIN_NAME]: 'schedules' }) },
  { default: {}, description: "{name, ...the schedule's options}" },
);

export const EarlyStoppingSchema = Type.Object(
  {
    patience: Type.Integer({ minimum: 0, default: 0, description: 'epochs without improvement before training stops; 0: never stop early' }),
    metric: Metric({ default: 'auc', description: 'validation metric watched' }),
    mode: Derived(StringEnum(['max', 'min'] as const), 'max or min; default: min for loss and eer, max otherwise'),
    min_delta: Type.Number({ minimum: 0, default: 0, description: 'smallest change that counts as an improvement' }),
  },
  { additionalProperties: false, default: {}, description: 'stop when the validation metric stops improving' },
);

export const TrainSchema = Type.Object(
  {
    epochs: Type.Integer({ minimum: 1, default: 10, description: 'training epochs' }),
    batch_size: Type.Integer({ minimum: 1, default: 32, description: 'images per step' }),
    grad_accumulation: Type.Integer({ minimum: 1, default: 1, description: 'steps whose gradients are summed before one update' }),
    optimizer: OptimizerSchema,
    schedule: ScheduleSchema,
    label_smoothing: Type.Number({ minimum: 0, exclusiveMaximum: 1, default: 0, description: 'label smoothing of the cross-entropy targets' }),
    grad_clip: Nullable(Type.Number({ exclusiveMinimum: 0 }), {
      default: null,
      description: 'clip gradients to this global L2 norm; null: no clipping',
    }),
    early_stopping: EarlyStoppingSchema,
    select_best_by: Metric({
      default: 'auc',
      description: 'validation metric that picks the best checkpoint (the test split is never scored in training)',
    }),
    seed: Type.Integer({ minimum: 0, maximum: 4294967295, default: 1, description: 'seed of initialisation, shuffling and augmentation' }),
  },
  { additionalProperties: false, default: {}, description: 'how the network is trained' },
);

export const EvalSchema = Type.Object(
  {
    metrics: Type.Array(Metric({ description: 'metric name' }), {
      minItems: 1,
      uniqueItems: true,
      default: ['auc', 'tpr_at_fpr', 'eer', 'ap', 'loss'],
      description: 'metrics reported on the validation split',
    }),
    max_fpr: Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1, default: 0.001, description: 'FPR at which tpr_at_fpr is read' }),
    bootstrap: Type.Object(
      {
        n: Type.Integer({ minimum: 0, default: 1000, description: 'bootstrap resamples for confidence intervals; 0: none' }),
        seed: Type.Integer({ minimum: 0, maximum: 4294967295, default: 0, description: 'seed of the resampling' }),
      },
      { additionalProperties: false, default: {}, description: 'confidence intervals of the final metrics' },
    ),
    robustness: Type.Object(
      {
        jpeg_quality: Type.Array(Type.Integer({ minimum: 1, maximum: 100 }), { default: [], description: 'JPEG qualities the validation set is re-compressed at' }),
        blur_sigma: Type.Array(Type.Number({ exclusiveMinimum: 0 }), { default: [], description: 'Gaussian blur sigmas (pixels)' }),
        downscale: Type.Array(Type.Number({ exclusiveMinimum: 1 }), { default: [], description: 'downscale-then-upscale factors' }),
      },
      { additionalProperties: false, default: {}, description: 'degraded copies of the validation set, each reported separately' },
    ),
  },
  { additionalProperties: false, default: {}, description: 'what is measured after training' },
);

export const ExperimentSchema = Type.Object(
  {
    version: Type.Literal(1, { default: 1, description: 'format version of this file' }),
    name: Derived(Type.String({ minLength: 1, maxLength: 200 }), 'run name; default: the file name without .yaml'),
    tags: Type.Array(Type.String({ minLength: 1 }), { default: [], uniqueItems: true, description: 'free labels for filtering runs' }),
    notes: Type.String({ default: '', description: 'free text' }),
    engine: StringEnum(ENGINES, { default: 'auto', description: 'TensorFlow.js backend; auto picks the fastest available' }),
    data: DataSchema,
    model: ModelSchema,
    augment: Type.Array(AugmentStepSchema, { default: [], description: 'training augmentations, applied in order' }),
    tta: TtaSchema,
    train: TrainSchema,
    eval: EvalSchema,
  },
  {
    additionalProperties: false,
    title: 'Deepfake Lab experiment',
    description: 'One experiment: data, model, augmentation, test-time augmentation, training and evaluation.',
  },
);

/** Makes every property and element readonly, all the way down (the resolved config is frozen). */
export type DeepReadonly<T> = T extends (...args: never[]) => unknown
  ? T
  : T extends readonly (infer E)[]
    ? ReadonlyArray<DeepReadonly<E>>
    : T extends object
      ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
      : T;

export type ResolvedExperiment = DeepReadonly<Static<typeof ExperimentSchema>>;
export type DataConfig = ResolvedExperiment['data'];
export type SplitConfig = DataConfig['train'] | DataConfig['val'];
export type ModelConfig = ResolvedExperiment['model'];
export type AugmentStep = ResolvedExperiment['augment'][number];
export type TtaConfig = ResolvedExperiment['tta'];
export type TtaView = TtaConfig['views'][number];
export type TrainConfig = ResolvedExperiment['train'];
export type OptimizerConfig = TrainConfig['optimizer'];
export type ScheduleConfig = TrainConfig['schedule'];
export type EarlyStoppingConfig = TrainConfig['early_stopping'];
export type EvalConfig = ResolvedExperiment['eval'];
