import { BadRequestException } from '@nestjs/common';
import { toListQuery } from './runs.service';

describe('toListQuery', () => {
  it('turns page/pageSize into limit/offset', () => {
    expect(toListQuery({ page: 3, pageSize: 20, status: ['finished'] })).toEqual({ status: ['finished'], limit: 20, offset: 40 });
    expect(toListQuery({ page: 2 })).toEqual({ limit: 50, offset: 50 });
  });

  it('passes limit/offset through', () => {
    expect(toListQuery({ limit: 5, offset: 10, sort: 'eer' })).toEqual({ limit: 5, offset: 10, sort: 'eer' });
  });

  it('refuses both paging styles at once', () => {
    expect(() => toListQuery({ page: 1, offset: 5 })).toThrow(BadRequestException);
  });
});
