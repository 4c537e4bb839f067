/**
 * The preprocessing a backbone asks for (timm's pretrained_cfg). Same shape as `InputConfig` in @dfl/models,
 * declared here too so that libs/data does not depend on the model zoo: the caller passes the backbone's config.
 * `mean` and `std` are on the 0..1 pixel scale.
 */
export interface ImageInputConfig {
  readonly size: number;
  readonly mean: readonly [number, number, number];
  readonly std: readonly [number, number, number];
  readonly interpolation: Interpolation;
}

export type Interpolation = 'bilinear' | 'bicubic' | 'nearest';
