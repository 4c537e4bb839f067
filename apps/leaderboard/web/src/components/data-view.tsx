import { stringify } from 'yaml';
import { bytes } from '../format';

// The run's robustness views and artefacts come as JSON whose exact fields grow with the runner; these render any
// list of records as a table and anything else as YAML, so a new field shows up without a front-end change.

function cell(key: string, value: unknown): preact.ComponentChildren {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'number') {
    if (/bytes|size/i.test(key)) return bytes(value);
    return Number.isInteger(value) ? value.toLocaleString('en-US') : value.toFixed(4);
  }
  if (typeof value === 'string') {
    if (/sha|hash/i.test(key) && value.length > 16) return <code title={value}>{value.slice(0, 12)}…</code>;
    if (/path|uri|file/i.test(key)) return <code>{value}</code>;
    return value;
  }
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return <code>{JSON.stringify(value)}</code>;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/**
 * Rows from an array of records, from an object of records keyed by name (the key becomes the first column), or from
 * an object of plain values (two columns: key and value).
 */
function toRows(value: unknown, keyName: string, valueName: string): Record<string, unknown>[] | null {
  if (Array.isArray(value) && value.length && value.every(isRecord)) return value;
  if (isRecord(value)) {
    const entries = Object.entries(value);
    if (entries.length && entries.every(([, v]) => isRecord(v))) {
      return entries.map(([k, v]) => ({ [keyName]: k, ...(v as Record<string, unknown>) }));
    }
    if (entries.length && entries.every(([, v]) => v === null || typeof v !== 'object')) {
      return entries.map(([k, v]) => ({ [keyName]: k, [valueName]: v }));
    }
  }
  return null;
}

/** `fit`: as wide as its columns need rather than the whole row (a few numbers per view). */
export function RecordsTable(props: { value: unknown; keyName?: string; valueName?: string; empty: string; fit?: boolean }) {
  const { value, keyName = 'name', valueName = 'value', empty } = props;
  if (value === null || value === undefined || (Array.isArray(value) && !value.length) || (isRecord(value) && !Object.keys(value).length)) {
    return <p class="muted">{empty}</p>;
  }
  const rows = toRows(value, keyName, valueName);
  if (!rows) return <YamlBlock value={value} />;
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  // right-align a column only when it is all numbers (a key/value table mixes them)
  const numeric = new Set(keys.filter((k) => rows.every((r) => typeof r[k] === 'number' || r[k] === null || r[k] === undefined)));
  return (
    <div class={props.fit ? 'table-wrap fit' : 'table-wrap'}>
      <table class="records">
        <thead>
          <tr>
            {keys.map((k) => (
              <th key={k}>{k}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr key={i}>
              {keys.map((k) => (
                <td key={k} class={numeric.has(k) ? 'num' : undefined}>
                  {cell(k, row[k])}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function YamlBlock({ value }: { value: unknown }) {
  return <pre class="yaml">{stringify(value, { lineWidth: 0 })}</pre>;
}
