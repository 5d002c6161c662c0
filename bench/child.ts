/** One measured job in its own process, so that peak RSS belongs to that job alone. Prints one JSON line. */

import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { folderReader } from '../src/app/bundle-folder.js';
import { importFiles } from '../src/app/import-cvrs.js';
import { loadElectionFile } from '../src/app/load-election.js';
import { publish } from '../src/app/publish.js';
import { tallyStore } from '../src/app/tally.js';
import { parseSignerKey, parseVerifierKey } from '../src/core/log/note.js';
import { verifyBundle } from '../src/core/verify/bundle.js';
import { splitJsonObject } from '../src/formats/json/object-splitter.js';
import { nodeMerkleHasher, nodeSha256 } from '../src/platform/node-sha256.js';
import { Store } from '../src/store/store.js';
import { parseFiles } from './parse-files.js';

const [job, ...args] = process.argv.slice(2);
/** A store named by a SQLite file or, for the PostgreSQL runs, a postgres:// URL. */
const location = (db: string) => (/^postgres(ql)?:\/\//.test(db) ? { databaseUrl: db } : { sqlitePath: db });
const now = () => new Date().toISOString();
const t0 = performance.now();
let detail: Record<string, unknown> = {};

switch (job) {
  case 'import': {
    const [db, keyFile, definition, ...files] = args as [string, string, string, ...string[]];
    const signer = parseSignerKey(await readFile(keyFile, 'utf8'));
    const store = await Store.open(location(db));
    await loadElectionFile(store, definition, await readFile(definition), { signer, now });
    const r = await importFiles(store, files, { format: 'cdf', signer, now });
    await store.close();
    detail = { cvrs: r.reduce((a, x) => a + x.cvrs, 0) };
    break;
  }
  case 'import-hart': {
    // Issue 13: a Hart export folder, one XML file per ballot, with its definition loaded first.
    const [db, keyFile, definition, folder] = args as [string, string, string, string];
    const signer = parseSignerKey(await readFile(keyFile, 'utf8'));
    const store = await Store.open(location(db));
    await loadElectionFile(store, definition, await readFile(definition), { signer, now });
    const r = await importFiles(store, [folder], { format: 'hart', signer, now });
    await store.close();
    detail = { cvrs: r[0]!.cvrs };
    break;
  }
  case 'import-dominion': {
    const [db, keyFile, folder] = args as [string, string, string];
    const signer = parseSignerKey(await readFile(keyFile, 'utf8'));
    const store = await Store.open(location(db));
    const r = await importFiles(store, [folder], { format: 'dominion', signer, now });
    await store.close();
    detail = { cvrs: r[0]!.cvrs };
    break;
  }
  case 'publish': {
    const [db, out] = args as [string, string];
    const store = await Store.open(location(db));
    detail = { ...(await publish(store, out)) };
    await store.close();
    break;
  }
  case 'verify': {
    const [dir, vkey] = args as [string, string];
    const r = await verifyBundle(folderReader(dir), parseVerifierKey(await readFile(vkey, 'utf8')), {
      hasher: nodeMerkleHasher,
      sha256: nodeSha256,
    });
    if (!r.ok) throw new Error(`bundle did not verify: ${r.failures[0]}`);
    detail = { size: r.size, cvrs: r.cvrs };
    break;
  }
  case 'json-parse': {
    detail = { cvrs: await parseFiles(args) };
    break;
  }
  case 'json-parse-cores': {
    // The ceiling of any import on this machine: parseFiles with the files shared among worker threads,
    // one per core.
    const cores = availableParallelism();
    const shares = Array.from({ length: cores }, (_, i) => args.filter((_, j) => j % cores === i));
    const script = new URL('./parse-worker.js', import.meta.url);
    const counts = await Promise.all(
      shares.map(
        (files) =>
          new Promise<number>((resolve, reject) => {
            const w = new Worker(script, { workerData: files });
            w.once('message', resolve);
            w.once('error', reject);
          }),
      ),
    );
    detail = { cvrs: counts.reduce((a, b) => a + b, 0), cores };
    break;
  }
  case 'tally': {
    const [db, how] = args as [string, string | undefined];
    const store = await Store.open(location(db));
    const r = await tallyStore(store, { recount: how === 'recount' });
    await store.close();
    detail = { cvrs: r.cvrs, method: r.method };
    break;
  }
  case 'split-parse': {
    let n = 0;
    for await (const items of splitJsonObject(createReadStream(args[0]!, { highWaterMark: 1 << 20 }), 'CVR'))
      for (const item of items)
        if (item.kind === 'element') {
          JSON.parse(item.text);
          n++;
        }
    detail = { cvrs: n };
    break;
  }
  case 'stream-json': {
    const { default: StreamJson } = await import('stream-json');
    const { default: Pick } = await import('stream-json/filters/Pick.js');
    const { default: StreamArray } = await import('stream-json/streamers/StreamArray.js');
    let n = 0;
    const pipeline = createReadStream(args[0]!)
      .pipe(StreamJson.parser())
      .pipe(Pick.pick({ filter: 'CVR' }))
      .pipe(StreamArray.streamArray());
    for await (const _ of pipeline) n++;
    detail = { cvrs: n };
    break;
  }
  case 'ess-parse': {
    // Read and convert every ballot of the given ES&S workbooks (no store): the reader's own cost.
    const { essFormat, essRowToCvr } = await import('../src/formats/ess/ess-format.js');
    let n = 0;
    for (const file of args) {
      const ctx = await essFormat.context(file, {});
      for await (const raw of essFormat.records(file, ctx, {})) {
        essRowToCvr(ctx, raw, 'j');
        n++;
      }
    }
    detail = { cvrs: n, files: args.length };
    break;
  }
  case 'rcv': {
    // An RCTab configuration end to end (read every source, count, write the reports), and the count alone.
    const { readRctabConfig, runRctabConfig } = await import('../src/app/rcv.js');
    const { countContest } = await import('../src/core/rcv/tabulator.js');
    const { readAllBallots } = await import('../src/app/rctab-sources.js');
    const [config, out] = args as [string, string];
    const { ballots: cvrs, results } = await runRctabConfig(config, out);
    const endToEnd = (performance.now() - t0) / 1000;
    const run = await readRctabConfig(config);
    const ballots = await readAllBallots(run);
    const c0 = performance.now();
    countContest(run.contest, ballots);
    const countSeconds = (performance.now() - c0) / 1000;
    const total = ballots.reduce((n, b) => n + (b.count ?? 1), 0);
    detail = { endToEnd, countSeconds, cvrs: total, distinct: cvrs, rounds: results[0]!.rounds.length };
    break;
  }
  case 'sample': {
    // Issue 5: 10,000 ballots drawn from a 10,000,000-ballot manifest (10,000 batches of 1,000) as
    // `rla draw --manifest` draws them, beside the floor: one bare SHA-256 of each seed-prefixed id.
    const { arloBallotNamer, seedHash } = await import('../src/core/rla/sampler.js');
    const { drawFromManifest } = await import('../src/app/sample-manifest.js');
    const { nodeSha256, nodeSha256Text } = await import('../src/platform/node-sha256.js');
    const batches = Array.from({ length: Number(args[0] ?? 10_000) }, (_, b) => ({
      batch: `batch ${b}`,
      ballots: 1000,
    }));
    const f0 = performance.now();
    const prefix = seedHash('20261103', nodeSha256);
    let x = 0;
    for (const b of batches) {
      const name = arloBallotNamer(b.batch);
      for (let p = 1; p <= b.ballots; p++) x ^= nodeSha256Text(prefix + name(p))[0]!;
    }
    const floor = (performance.now() - f0) / 1000;
    const s0 = performance.now();
    const drawn = await drawFromManifest('20261103', batches, { count: 10_000 });
    detail = {
      ballots: batches.length * 1000,
      drawn: drawn.length,
      drawSeconds: (performance.now() - s0) / 1000,
      floorSeconds: floor,
      x,
    };
    break;
  }
  case 'verify-db': {
    const [db, vkey] = args as [string, string];
    const { verifyStore } = await import('../src/app/verify-store.js');
    const store = await Store.open(location(db));
    const r = await verifyStore(store, parseVerifierKey(await readFile(vkey, 'utf8')));
    await store.close();
    if (!r.ok) throw new Error(`store did not verify: ${r.failures[0]}`);
    detail = { size: r.size, cvrs: r.cvrs, rounds: r.audit?.rounds ?? 0 };
    break;
  }
  case 'audit-start': {
    // Issue 13: audit start on the 1M store (the verification pass, the reported outcome, round 1's sample).
    const [db, keyFile, type, manifest, ...contests] = args as [string, string, string, string, ...string[]];
    const { startAudit } = await import('../src/app/audit/start.js');
    const store = await Store.open(location(db));
    const started = await startAudit(store, {
      type: type as 'comparison' | 'polling',
      riskLimit: '0.05',
      seed: '12345678901234567890',
      contests,
      manifest,
      signer: parseSignerKey(await readFile(keyFile, 'utf8')),
      now: now(),
    });
    await store.close();
    detail = { firstRound: started.firstRound };
    break;
  }
  case 'audit-readings': {
    // An audit board that reads every paper ballot of the round as its CVR says (not timed against a
    // target): up to `limit` of the round's ballots not yet recorded, written as `audit record` reads them.
    const [db, out, limit] = args as [string, string, string];
    const { readingsOfCvrs } = await import('./audit-board.js');
    const store = await Store.open(location(db));
    const written = await readingsOfCvrs(store, out, Number(limit));
    await store.close();
    detail = { ...written };
    break;
  }
  case 'audit-record': {
    const [db, keyFile, file] = args as [string, string, string];
    const { recordInterpretations } = await import('../src/app/audit/record.js');
    const store = await Store.open(location(db));
    const r = await recordInterpretations(store, {
      file,
      signer: parseSignerKey(await readFile(keyFile, 'utf8')),
      now: now(),
    });
    await store.close();
    detail = { ...r };
    break;
  }
  case 'audit-status': {
    const { auditStatus } = await import('../src/app/audit/report.js');
    const store = await Store.open(location(args[0]!));
    const s = await auditStatus(store);
    await store.close();
    detail = { round: s.round, awaiting: s.awaiting, statuses: s.contests.map((c) => c.status).join(' ') };
    break;
  }
  case 'audit-risk': {
    // Issue 5: the risks of a 20-contest comparison audit recomputed after a round of `draws` ballots
    // (every contest measured on every draw), beside reading back the round's logged interpretations.
    const { assessRound } = await import('../src/core/audit/replay.js');
    const { encodeAudit, decodeEntry } = await import('../src/core/entries.js');
    const draws = Number(args[0] ?? 10_000);
    const population = 1_000_000;
    const contests = Array.from({ length: 20 }, (_, k) => ({
      id: `c${k}`,
      type: 'candidate' as const,
      title: `Contest ${k}`,
      votesAllowed: 1,
      seats: 1,
      candidates: ['a', 'b', 'c'].map((x) => ({ id: `c${k}-${x}`, name: `${x} ${k}` })),
    }));
    const election = { contests } as unknown as Parameters<typeof assessRound>[0]['election'];
    const votesFor = (i: number, k: number) =>
      `c${k}-${'abc'[(i * 7 + k) % 10 < 5 ? 0 : (i + k) % 10 < 8 ? 1 : 2]}`;
    const interpretations = new Map<string, ReturnType<typeof interpretation>>();
    function interpretation(i: number) {
      return {
        record: 'interpretation' as const,
        round: 1,
        ballot: `b${i}`,
        cvr: i,
        // One ballot in 500 reads differently on paper in one contest.
        contests: contests.map((c, k) => ({
          contest: c.id,
          choices: [i % 500 === k ? `c${k}-c` : votesFor(i, k)],
        })),
      };
    }
    const bodies: Uint8Array[] = [];
    for (let i = 0; i < draws; i++) {
      const r = interpretation(i);
      interpretations.set(r.ballot, r);
      bodies.push(encodeAudit(r));
    }
    const r0 = performance.now();
    for (const b of bodies) decodeEntry(b);
    const readSeconds = (performance.now() - r0) / 1000;
    const cvrs = new Map(
      [...interpretations.keys()].map((id, i) => [
        id,
        {
          jurisdiction: 'j',
          id,
          contests: contests.map((c, k) => ({ contest: c.id, marks: [{ choice: votesFor(i, k) }] })),
        },
      ]),
    );
    const start = {
      record: 'start' as const,
      type: 'comparison' as const,
      riskLimit: '0.05',
      seed: '1',
      population,
      contests: contests.map((c, k) => ({
        contest: c.id,
        name: c.title,
        votes: { [`c${k}-a`]: 500_000, [`c${k}-b`]: 300_000 + k * 5000, [`c${k}-c`]: 200_000 - k * 5000 },
        winners: [`c${k}-a`],
        ballots: population,
      })),
    };
    const log = {
      start,
      manifest: [],
      rounds: [{ record: 'round' as const, round: 1, draws, sample: '0'.repeat(64) }],
      interpretations,
      results: [],
    };
    const sample = [...interpretations.keys()].map((id, i) => ({ id, ticket: `0.${i}`, draw: 1 }));
    const a0 = performance.now();
    const result = assessRound({ log, election, cvrOf: (id) => cvrs.get(id) ?? null }, 1, sample);
    const riskSeconds = (performance.now() - a0) / 1000;
    detail = {
      draws,
      contests: 20,
      riskSeconds,
      readSeconds,
      confirmed: result.contests.filter((c) => c.status === 'confirmed').length,
    };
    break;
  }
  case 'sha256': {
    // A Merkle tree over N leaves built with the tile builder: N leaf hashes + N−1 interior hashes.
    const n = Number(args[0]);
    const { TileBuilder } = await import('../src/core/log/tiles.js');
    const b = new TileBuilder(nodeMerkleHasher);
    const leaf = new Uint8Array(64);
    for (let i = 0; i < n; i++) {
      leaf[0] = i & 0xff;
      leaf[1] = (i >> 8) & 0xff;
      b.appendLeafHash(nodeMerkleHasher.hashLeaf(leaf));
    }
    b.root();
    detail = { hashes: 2 * n - 1 };
    break;
  }
  default:
    throw new Error(`unknown job ${job}`);
}
const seconds = (performance.now() - t0) / 1000;
process.stdout.write(
  `${JSON.stringify({ job, seconds, maxRssMB: process.resourceUsage().maxRSS / 1024, ...detail })}\n`,
);
