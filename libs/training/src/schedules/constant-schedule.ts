import { Type } from '@sinclair/typebox';
import { defineSchedule } from './schedule-spec';

export const constantSchedule = defineSchedule({
  name: 'constant',
  description: 'the base learning rate throughout',
  options: Type.Object({}, { additionalProperties: false }),
  build: (_options, { baseLr }) => () => baseLr,
});
