/** Loading the election definition into a store: once, by its exact bytes, logged as an event. */
import path from 'node:path';
import {
  type DefinitionIssue,
  describeIssues,
  type LoadedElection,
  loadElection,
} from '../core/election/load.js';
import { encodeEvent } from '../core/entries.js';
import { keyLabel, type Signer } from '../core/log/note.js';
import { nodeSha256 } from '../platform/node-sha256.js';
import type { LedgerWriter } from '../store/ledger-writer.js';
import type { Store } from '../store/store.js';

export class DefinitionError extends Error {
  constructor(
    readonly file: string,
    readonly issues: readonly DefinitionIssue[],
  ) {
    super(`${file}: ${describeIssues(issues)}`);
  }
}

export function parseDefinition(file: string, bytes: Uint8Array): LoadedElection {
  const r = loadElection(bytes, nodeSha256);
  if (!r.ok) throw new DefinitionError(file, r.error);
  return r.value;
}

/** Stores the definition and logs election.loaded; the caller's transaction makes it atomic with what follows. */
export async function recordElection(
  w: LedgerWriter,
  loaded: LoadedElection,
  source: string,
  at: string,
  signer?: Signer,
): Promise<void> {
  await w.insertElection(loaded.sha256, loaded.bytes, at);
  const event = encodeEvent({
    type: 'election.loaded',
    at,
    ...(signer ? { by: keyLabel(signer) } : {}),
    data: { sha256: loaded.sha256, electionId: loaded.election.id, source },
  });
  await w.append(event, { kind: 'event', jurisdiction: null, cvr_id: null, import_id: null });
}

export async function loadElectionFile(
  store: Store,
  file: string,
  bytes: Uint8Array,
  options: { signer?: Signer; now: () => string },
): Promise<{ loaded: LoadedElection; alreadyLoaded: boolean; signedNow?: boolean }> {
  const loaded = parseDefinition(file, bytes);
  const existing = await store.election();
  if (existing) {
    if (existing.sha256 !== loaded.sha256)
      throw new Error(
        `the store already holds election definition ${existing.sha256}; one store holds one election`,
      );
    // Loaded earlier without a key: a key given now signs what the log holds.
    const { signer } = options;
    if (signer && (await store.checkpoints()).length === 0) {
      await store.append((w) => w.checkpoint(signer, options.now()));
      return { loaded, alreadyLoaded: true, signedNow: true };
    }
    return { loaded, alreadyLoaded: true };
  }
  await store.append(async (w) => {
    await recordElection(w, loaded, path.basename(file), options.now(), options.signer);
    if (options.signer) await w.checkpoint(options.signer, options.now());
  });
  return { loaded, alreadyLoaded: false };
}
