/** publish: the store's log as a static C2SP tlog-tiles bundle, with the evidence beside it. Refuses a store that does not verify. */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Verifier } from '../core/log/note.js';
import { parseVerifierKey } from '../core/log/note.js';
import { encodeEntryBundle, entryBundlesForSize, TILE_WIDTH, tilePath } from '../core/log/tiles.js';
import { PluralityTally } from '../core/tabulate/plurality.js';
import {
  BUNDLE_FILES,
  bundleManifest,
  checkpointPath,
  eventsDocument,
  renderJson,
  resultsDocument,
} from '../core/verify/bundle.js';
import type { Store } from '../store/store.js';
import { parseDefinition } from './load-election.js';
import { verifyStore } from './verify-store.js';

export interface PublishSummary {
  readonly dir: string;
  readonly size: number;
  readonly cvrs: number;
  readonly checkpoints: number;
  readonly files: number;
  readonly unsignedEntries: number;
}

export async function publish(
  store: Store,
  dir: string,
  onProgress?: (done: number, total: number) => void,
): Promise<PublishSummary> {
  const key = await store.logKey();
  if (!key) throw new Error('nothing to publish: the log has no signed checkpoint yet');
  const verifier: Verifier = parseVerifierKey(key.vkey);
  const election = parseDefinition('stored definition', (await store.election())!.bytes);
  const tally = new PluralityTally(election.election);
  const report = await verifyStore(store, verifier, {
    onProgress,
    allowUnsignedTail: true,
    onCvr: (c) => tally.add(c),
  });
  if (!report.ok)
    throw new Error(`the store does not verify; refusing to publish: ${report.failures.join('; ')}`);
  const unsignedEntries = (await store.entryCount()) - report.size;

  let files = 0;
  const write = async (rel: string, data: Uint8Array | string) => {
    const full = path.join(dir, rel);
    await mkdir(path.dirname(full), { recursive: true });
    await writeFile(full, data);
    files++;
  };

  const checkpoints = await store.checkpoints();
  for (const [i, c] of checkpoints.entries()) await write(checkpointPath(i + 1), c.note);
  await write(BUNDLE_FILES.checkpoint, checkpoints[checkpoints.length - 1]!.note);
  await write(BUNDLE_FILES.key, `${key.vkey}\n`);
  await write(BUNDLE_FILES.election, (await store.election())!.bytes);
  await write(BUNDLE_FILES.events, renderJson(eventsDocument(report)));
  await write(BUNDLE_FILES.results, renderJson(resultsDocument(tally.contests())));
  await write(BUNDLE_FILES.manifest, renderJson(bundleManifest(report)));

  // Merkle tiles: every stored version up to the latest checkpoint, so clients at older checkpoints find theirs.
  for await (const t of store.tiles()) {
    if ((t.index * TILE_WIDTH + t.width) * TILE_WIDTH ** t.level <= report.size)
      await write(tilePath(t.level, t.index, t.width), t.hashes);
  }
  // Entry bundles for the latest size, plus the partial bundles of earlier checkpoints.
  const bundles = new Map(entryBundlesForSize(report.size).map((b) => [`${b.index}/${b.width}`, b]));
  for (const c of checkpoints) {
    const w = c.size % TILE_WIDTH;
    if (w > 0)
      bundles.set(`${Math.floor(c.size / TILE_WIDTH)}/${w}`, {
        level: -1,
        index: Math.floor(c.size / TILE_WIDTH),
        width: w,
      });
  }
  for (const b of bundles.values()) {
    const start = b.index * TILE_WIDTH;
    const entries: Uint8Array[] = [];
    for await (const rows of store.entries(start, start + b.width))
      for (const r of rows) entries.push(r.body);
    await write(tilePath('entries', b.index, b.width), encodeEntryBundle(entries));
  }
  return {
    dir,
    size: report.size,
    cvrs: report.cvrs,
    checkpoints: checkpoints.length,
    files,
    unsignedEntries,
  };
}
