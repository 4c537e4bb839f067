import type { ValueTransformer } from 'typeorm';

/** pg returns bigint as a string (it may not fit a double); seeds are uint32 and always fit. */
export const bigintAsNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null || value === undefined ? null : Number(value)),
};
