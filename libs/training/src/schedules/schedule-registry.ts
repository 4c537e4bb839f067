import { Registry } from '@dfl/core';
import { constantSchedule } from './constant-schedule';
import { cosineSchedule } from './cosine-schedule';
import type { ScheduleSpec } from './schedule-spec';
import { stepSchedule } from './step-schedule';

export type { ScheduleSpec, ScheduleContext, LrSchedule } from './schedule-spec';

export const schedules = new Registry<ScheduleSpec>('schedule');

// The one place built-in schedules are registered; a new one is a file here and a line in this list.
for (const spec of [constantSchedule, stepSchedule, cosineSchedule] as ScheduleSpec[]) schedules.register(spec);
