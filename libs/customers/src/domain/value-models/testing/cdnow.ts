import { readFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * The published CDNOW summaries (2,357 customers, 39-week calibration, time
 * in weeks) from the repository's data/cdnow.
 */
export const CDNOW_FOLDER = path.resolve(__dirname, '..', '..', '..', '..', '..', '..', 'data', 'cdnow');

export interface CdnowCustomer {
  readonly id: number;
  readonly x: number;
  readonly tx: number;
  readonly T: number;
}

function readCsv(file: string, columns: readonly string[]): number[][] {
  const [header, ...lines] = readFileSync(path.join(CDNOW_FOLDER, file), 'utf8').trim().split(/\r?\n/);
  if (header.trim() !== columns.join(','))
    throw new Error(`${file}: expected columns ${columns.join(',')}, got ${header}`);
  return lines.map((line) => {
    const cells = line.split(',').map(Number);
    if (cells.length !== columns.length || cells.some((v) => !Number.isFinite(v))) {
      throw new Error(`${file}: malformed line ${JSON.stringify(line)}`);
    }
    return cells;
  });
}

/** cdnow_customers_summary.csv: ID, frequency (x), recency (t_x), T. */
export function cdnowFrequencyRecency(): CdnowCustomer[] {
  return readCsv('cdnow_customers_summary.csv', ['ID', 'frequency', 'recency', 'T']).map(([id, x, tx, T]) => ({
    id,
    x,
    tx,
    T,
  }));
}

/** cdnow_customers_summary_with_transactions.csv: ID, x, t_x, T, zbar (mean repeat spend). */
export function cdnowWithSpend(): (CdnowCustomer & { readonly zbar: number })[] {
  return readCsv('cdnow_customers_summary_with_transactions.csv', ['ID', 'x', 't_x', 'T', 'zbar']).map(
    ([id, x, tx, T, zbar]) => ({ id, x, tx, T, zbar }),
  );
}
