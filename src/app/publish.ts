/** publish: the store's log as a static C2SP tlog-tiles bundle, with the evidence beside it. Refuses a store that does not verify. */
import { access, mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Verifier } from '../core/log/note.js';
import { parseVerifierKey } from '../core/log/note.js';
import { encodeEntryBundle, entryBundlesForSize, TILE_WIDTH, tilePath } from '../core/log/tiles.js';
import {
  BUNDLE_FILES,
  bundleManifest,
  checkpointPath,
  eventsDocument,
  PublishedResults,
  renderJson,
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
  const results = new PublishedResults(election.election);
  const report = await verifyStore(store, verifier, {
    onProgress,
    allowUnsignedTail: true,
    onCvr: (c) => results.add(c),
  });
  if (!report.ok)
    throw new Error(`the store does not verify; refusing to publish: ${report.failures.join('; ')}`);
  const unsignedEntries = (await store.entryCount()) - report.size;

  // The bundle is written beside the folder and switched in only when complete: a publish killed part-way
  // must never leave a folder a static host would serve as a shorter log.
  await refuseForeignFolder(dir);
  const staging = `${dir}.publishing`;
  await rm(staging, { recursive: true, force: true });
  let files = 0;
  const write = async (rel: string, data: Uint8Array | string) => {
    const full = path.join(staging, rel);
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
  await write(BUNDLE_FILES.results, renderJson(results.document()));
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
  await switchIn(staging, dir);
  return {
    dir,
    size: report.size,
    cvrs: report.cvrs,
    checkpoints: checkpoints.length,
    files,
    unsignedEntries,
  };
}

const exists = (p: string) =>
  access(p).then(
    () => true,
    () => false,
  );

/** Publishing replaces the folder: refuse one that holds anything but a bundle (a home folder given by mistake). */
async function refuseForeignFolder(dir: string): Promise<void> {
  if (!(await exists(dir))) return;
  const names = await readdir(dir);
  if (names.length > 0 && !names.includes(BUNDLE_FILES.manifest))
    throw new Error(`${dir} holds files that are not a published bundle: publish to a new or empty folder`);
}

/**
 * Puts the complete bundle in place of the old one: the old folder moves aside, the new one takes its name,
 * then the old is removed. Killed between the two renames, the folder is absent (a host serves nothing),
 * never partial; the old bundle is still beside it.
 */
async function switchIn(staging: string, dir: string): Promise<void> {
  const previous = `${dir}.previous`;
  await rm(previous, { recursive: true, force: true });
  if (await exists(dir)) await rename(dir, previous);
  await rename(staging, dir);
  await rm(previous, { recursive: true, force: true });
}
