import { likePattern, orderSql, orderTerms, RANKING_ORDER } from './ranking';

describe('orderTerms', () => {
  it('is the ranking itself for rank or no sort', () => {
    expect(orderTerms()).toBe(RANKING_ORDER);
    expect(orderSql(orderTerms('rank'))).toBe('r.auc DESC NULLS LAST, r.tpr_at_1e3 DESC NULLS LAST, r.finished_at ASC NULLS LAST, r.id ASC NULLS LAST');
  });

  it('puts the chosen metric first, better end first by default, and keeps the ranking as tie-break', () => {
    expect(orderTerms('eer')[0]).toEqual(['r.eer', 'ASC', 'NULLS LAST']);
    expect(orderTerms('ap')[0]).toEqual(['r.ap', 'DESC', 'NULLS LAST']);
    expect(orderTerms('eer', 'desc')[0]).toEqual(['r.eer', 'DESC', 'NULLS LAST']);
    expect(orderTerms('durationS').slice(1)).toEqual(RANKING_ORDER);
  });
});

describe('likePattern', () => {
  it('escapes LIKE wildcards so they match themselves', () => {
    expect(likePattern('res_net%')).toBe('%res\\_net\\%%');
    expect(likePattern('a\\b')).toBe('%a\\\\b%');
  });
});
