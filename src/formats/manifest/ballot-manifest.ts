/**
 * Arlo's ballot manifest CSV: `Batch Name, Number of Ballots`, optionally `Container`, `Tabulator`,
 * `CVR`. It says where every paper ballot is, so a sample can name each one by batch and position.
 */
import type { ManifestBatchRecord } from '../../core/audit/records.js';
import { csvRows } from '../csv/csv-rows.js';
import { InputError } from '../errors.js';

export type ManifestBatch = ManifestBatchRecord;

const COLUMNS = {
  batch: 'batch name',
  ballots: 'number of ballots',
  container: 'container',
  tabulator: 'tabulator',
  cvr: 'cvr',
} as const;

/** Reads a manifest; a missing column, a bad count or a repeated batch is refused with its line. */
export async function readBallotManifest(file: string): Promise<ManifestBatch[]> {
  const batches: ManifestBatch[] = [];
  let at: Partial<Record<keyof typeof COLUMNS, number>> | undefined;
  const seen = new Set<string>();
  for await (const { line, cells } of csvRows(file)) {
    if (!at) {
      const header = cells.map((c) => c.trim().toLowerCase());
      at = {};
      for (const [key, name] of Object.entries(COLUMNS)) {
        const i = header.indexOf(name);
        if (i >= 0) at[key as keyof typeof COLUMNS] = i;
      }
      for (const required of ['batch', 'ballots'] as const)
        if (at[required] === undefined)
          throw new InputError(
            file,
            'line 1',
            `no "${COLUMNS[required]}" column (Arlo's manifest has "Batch Name, Number of Ballots")`,
          );
      continue;
    }
    const cell = (k: keyof typeof COLUMNS) =>
      at![k] === undefined ? undefined : cells[at![k]!]?.trim() || undefined;
    const batch = cell('batch');
    const count = cell('ballots');
    if (!batch) throw new InputError(file, `line ${line}`, 'a batch without a name');
    if (!count || !/^\d+$/.test(count))
      throw new InputError(
        file,
        `line ${line}`,
        `batch ${JSON.stringify(batch)}: "${count ?? ''}" is not a number of ballots`,
      );
    const key = `${cell('tabulator') ?? ''}\u0000${batch}`;
    if (seen.has(key))
      throw new InputError(file, `line ${line}`, `batch ${JSON.stringify(batch)} appears twice`);
    seen.add(key);
    batches.push({
      batch,
      ballots: Number(count),
      ...(cell('container') ? { container: cell('container') } : {}),
      ...(cell('tabulator') ? { tabulator: cell('tabulator') } : {}),
      ...(cell('cvr') ? { cvr: cell('cvr') } : {}),
    });
  }
  if (!at) throw new InputError(file, undefined, 'the manifest is empty');
  return batches;
}
