import type { DatasetItem } from './dataset-item';

/**
 * Joins a side file's per-image values (face boxes, landmarks) to a split's items by `img_name` (the item's
 * `name`). Counts the items the file has nothing for and the file's names that are no item of the split (a typo,
 * or another split's image), so the run can say so.
 */
export function attachByName<V>(
  items: ReadonlyArray<DatasetItem>,
  values: ReadonlyMap<string, V>,
  attach: (item: DatasetItem, value: V) => DatasetItem,
): { items: DatasetItem[]; missing: number; unmatchedRows: number } {
  let missing = 0;
  const matched = new Set<string>();
  const out = items.map((item) => {
    const value = values.get(item.name);
    if (value === undefined) {
      missing++;
      return item;
    }
    matched.add(item.name);
    return attach(item, value);
  });
  return { items: out, missing, unmatchedRows: values.size - matched.size };
}
