import { parseBox } from './parse-box';

describe('parseBox', () => {
  it('reads a box from the JSON body or the query, and no box from neither', () => {
    expect(parseBox([10, 20.5, 30, 40], undefined)).toEqual({ ok: true, box: { x1: 10, y1: 20.5, x2: 30, y2: 40 } });
    expect(parseBox(undefined, '10,20.5, 30,4e1')).toEqual({ ok: true, box: { x1: 10, y1: 20.5, x2: 30, y2: 40 } });
    expect(parseBox(undefined, undefined)).toEqual({ ok: true, box: undefined });
    expect(parseBox(null, undefined)).toEqual({ ok: true, box: undefined });
  });

  it.each([
    [[1, 2, 3], undefined, 'box must be 4 numbers [x1, y1, x2, y2]'],
    [[1, 2, 3, '4'], undefined, 'box must be 4 numbers'],
    ['1,2,3,4', undefined, 'box must be 4 numbers'],
    [undefined, '1,2,3', 'box must be 4 numbers'],
    [undefined, '1,2,3,abc', "got '1,2,3,abc'"],
    [undefined, ['1,2,3,4', '1,2,3,4'], 'as ?box=x1,y1,x2,y2 (once)'],
    [[1, -2, 3, 4], undefined, 'box: y1 must be >= 0, got -2'],
    [[30, 0, 10, 4], undefined, 'box: x2 must be greater than x1, got x1=30 x2=10'],
    [[0, 5, 10, 5], undefined, 'box: y2 must be greater than y1, got y1=5 y2=5'],
    [[0, 0, 1, 1], '0,0,1,1', 'give the box once'],
  ])('refuses %j / %j, saying why', (body, query, reason) => {
    const parsed = parseBox(body, query);
    expect(parsed.ok).toBe(false);
    expect((parsed as { reason: string }).reason).toContain(reason);
  });
});
