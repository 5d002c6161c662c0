/** Commands that read and check evidence: status, publish, verify, log verify, receipt, events. */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { folderReader } from '../../app/bundle-folder.js';
import { readVerifierKey } from '../../app/keys.js';
import { parseDefinition } from '../../app/load-election.js';
import { publish } from '../../app/publish.js';
import { checkReceipt, makeReceipt } from '../../app/receipt.js';
import { drawFromManifest } from '../../app/sample-manifest.js';
import { verifyStore } from '../../app/verify-store.js';
import { parseCheckpointText } from '../../core/log/checkpoint.js';
import { parseNote } from '../../core/log/note.js';
import { eventsDocument, renderJson, verifyBundle } from '../../core/verify/bundle.js';
import type { VerificationReport } from '../../core/verify/evidence.js';
import { verifyTlogTiles } from '../../core/verify/tlog-tiles.js';
import { nodeMerkleHasher, nodeSha256 } from '../../platform/node-sha256.js';
import { CliFailure, printJson, progress, readUserFile, say } from '../output.js';
import { type StoreFlags, withStore, withStoreOptions } from '../store-options.js';

function reportVerification(r: VerificationReport, what: string, json?: boolean): void {
  const summary = {
    ok: r.ok,
    origin: r.origin,
    size: r.size,
    cvrs: r.cvrs,
    events: r.events.length,
    imports: r.imports.length,
    checkpoints: r.checkpoints.length,
    electionSha256: r.electionSha256,
    failures: r.failures,
    ...(r.audit
      ? {
          audit: {
            type: r.audit.type,
            rounds: r.audit.rounds,
            contests:
              r.audit.latest?.contests.map((c) => ({
                contest: c.contest,
                status: c.status,
                risk: Number(c.risk),
              })) ?? [],
          },
        }
      : {}),
  };
  if (json) printJson(summary);
  else if (r.ok) {
    say(
      `OK: ${what} verified. ${r.size} log entries (${r.cvrs} CVRs, ${r.events.length} events) match ${r.checkpoints.length} signed checkpoint(s) of ${r.origin}; every tile recomputed; every CVR valid against election ${r.electionSha256}.`,
    );
    if (summary.audit)
      say(
        `Audit (${summary.audit.type}, ${summary.audit.rounds} round(s)) recomputed from its logged samples and readings: ${summary.audit.contests.map((c) => `${c.contest} ${c.status}, risk ${c.risk.toPrecision(4)}`).join('; ') || 'no round completed yet'}.`,
      );
  } else for (const f of r.failures) say(`FAIL: ${f}`);
  if (!r.ok)
    throw new CliFailure(`verification failed: ${r.failures.length} problem(s); first: ${r.failures[0]}`);
}

export function registerEvidenceCommands(program: Command): void {
  withStoreOptions(program.command('status'))
    .description('what the store holds')
    .option('--json', 'machine-readable output')
    .action(async (o: StoreFlags & { json?: boolean }) => {
      const s = await withStore(o, async (store) => {
        const election = await store.election();
        const checkpoints = await store.checkpoints();
        const latest = checkpoints.at(-1);
        return {
          cvrs: await store.cvrCount(),
          logSize: await store.logSize(),
          election: election ? { sha256: election.sha256, loadedAt: election.loadedAt } : null,
          imports: (await store.imports()).length,
          checkpoints: checkpoints.length,
          signedSize: latest ? parseCheckpointText(parseNote(latest.note).text).size : 0,
          origin: (await store.logKey())?.origin ?? null,
          backend: store.dialect,
        };
      });
      if (o.json) printJson(s);
      else
        say(
          `${s.cvrs} CVRs in a log of ${s.logSize} entries (${s.signedSize} covered by the latest of ${s.checkpoints} signed checkpoints); ${s.imports} imports; election ${s.election?.sha256 ?? 'not loaded'}.`,
        );
    });

  withStoreOptions(program.command('publish'))
    .description(
      'write the static evidence bundle (C2SP tlog-tiles layout plus checkpoints, definition, key, events)',
    )
    .requiredOption('--out <dir>', 'bundle folder')
    .option('--json', 'machine-readable output')
    .action(async (o: StoreFlags & { out: string; json?: boolean }) => {
      const bar = progress(o.json);
      const r = await withStore(o, (store) =>
        publish(store, o.out, bar.tracker('checking the store before publishing')),
      ).finally(() => bar.stop());
      if (o.json) printJson(r);
      else
        say(
          `Published ${r.size} entries (${r.cvrs} CVRs) and ${r.checkpoints} checkpoints to ${r.dir} (${r.files} files).${r.unsignedEntries ? ` ${r.unsignedEntries} entries after the latest checkpoint are signed by no checkpoint and were left out: \`verify --db\` reports them.` : ''}`,
        );
    });

  withStoreOptions(program.command('verify'))
    .description('verify a published bundle (DIR) or a live store (--db), recomputing everything')
    .argument('[dir]', 'bundle folder')
    .requiredOption('--vkey <vkey>', 'the verifier key you trust (file or key text)')
    .option('--json', 'machine-readable output')
    .action(async (dir: string | undefined, o: StoreFlags & { vkey: string; json?: boolean }) => {
      const verifier = await readVerifierKey(o.vkey);
      const bar = progress(o.json);
      const onProgress = bar.tracker('verifying');
      let report: VerificationReport;
      if (dir !== undefined) {
        if (!existsSync(dir)) throw new CliFailure(`no bundle at ${dir}`);
        report = await verifyBundle(folderReader(dir), verifier, {
          hasher: nodeMerkleHasher,
          sha256: nodeSha256,
          drawManifest: drawFromManifest,
          onProgress,
        }).finally(() => bar.stop());
      } else
        report = await withStore(o, (store) => verifyStore(store, verifier, { onProgress })).finally(() =>
          bar.stop(),
        );
      reportVerification(report, dir ?? 'store', o.json);
    });

  const log = program.command('log').description('transparency logs');
  log
    .command('verify')
    .description('verify any C2SP tlog-tiles log from its static files')
    .argument('<dir>', 'log folder (holds checkpoint and tile/)')
    .requiredOption('--vkey <vkey>', 'the log key you trust (file or key text)')
    .option('--json', 'machine-readable output')
    .action(async (dir: string, o: { vkey: string; json?: boolean }) => {
      const r = await verifyTlogTiles(folderReader(dir), await readVerifierKey(o.vkey), nodeMerkleHasher);
      if (o.json) printJson(r);
      else if (r.ok)
        say(
          `OK: ${r.origin} at size ${r.size}: every tile recomputed to the signed root; ${r.entriesChecked} entries hashed.`,
        );
      else for (const f of r.failures) say(`FAIL: ${f}`);
      if (!r.ok) throw new CliFailure(`log verification failed: ${r.failures[0]}`);
    });

  const receipt = withStoreOptions(program.command('receipt'))
    .description("a CVR's inclusion proof (c2sp.org/tlog-proof@v1) against the latest signed checkpoint")
    .option('--cvr <id>', 'CVR id as the vendor gives it')
    .option('--jurisdiction <id>', 'jurisdiction, when the id is not unique across them')
    .option('--out <file>', 'write the receipt here instead of stdout')
    .action(async (o: StoreFlags & { cvr?: string; jurisdiction?: string; out?: string }) => {
      if (!o.cvr) throw new CliFailure('pass --cvr ID (or use: tallyproof receipt verify FILE --vkey VKEY)');
      const text = await withStore(o, (store) => makeReceipt(store, o.cvr!, o.jurisdiction));
      if (o.out) await writeFile(o.out, text);
      else process.stdout.write(text);
    });
  receipt
    .command('verify')
    .description('check a receipt offline: the checkpoint signature and the inclusion proof of its CVR')
    .argument('<file>', 'receipt (.tlog-proof)')
    .requiredOption('--vkey <vkey>', 'the log key you trust')
    .option('--election <file>', "the election's definition (the bundle's election.json), to show names")
    .option('--json', 'machine-readable output')
    .action(async (file: string, o: { vkey: string; election?: string; json?: boolean }) => {
      const text = (await readUserFile(file)).toString('utf8');
      const election = o.election
        ? parseDefinition(o.election, await readUserFile(o.election)).election
        : undefined;
      const r = checkReceipt(text, await readVerifierKey(o.vkey), election);
      if (o.json) {
        printJson({ valid: true, ...r });
        return;
      }
      say(
        `OK: CVR ${r.cvr.id} (${r.cvr.jurisdiction}) is entry ${r.index} of ${r.origin}, in the signed tree of ${r.logSize} entries.`,
      );
      if (r.named)
        for (const c of r.named) say(`  ${c.title}: ${c.selections.join(', ') || 'BLANK (no mark)'}`);
      else {
        for (const c of r.cvr.contests)
          say(`  contest ${c.contest}: ${c.marks.map((m) => m.choice).join(', ') || 'BLANK (no mark)'}`);
        say('  (ids as the log records them; add --election election.json from the bundle to show names)');
      }
    });

  withStoreOptions(program.command('events'))
    .description('the event log (every state-changing action) as NIST SP 1500-101 JSON')
    .requiredOption(
      '--vkey <vkey>',
      'the log key you trust (events are exported only from a store that verifies)',
    )
    .option('--format <format>', 'nist-eel', 'nist-eel')
    .option('--out <file>', 'write here instead of stdout')
    .action(async (o: StoreFlags & { vkey: string; format: string; out?: string }) => {
      if (o.format !== 'nist-eel') throw new CliFailure(`unknown format ${o.format}; supported: nist-eel`);
      const verifier = await readVerifierKey(o.vkey);
      const r = await withStore(o, (store) => verifyStore(store, verifier));
      if (!r.ok) throw new CliFailure(`the store does not verify: ${r.failures[0]}`);
      const bytes = renderJson(eventsDocument(r));
      if (o.out) await writeFile(o.out, bytes);
      else process.stdout.write(bytes);
    });
}
