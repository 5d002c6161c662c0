/** demo: the main job end to end on the embedded default — generate, load, import, publish, verify, receipt, tamper. */
import { existsSync } from 'node:fs';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { folderReader } from '../../app/bundle-folder.js';
import { generateElection } from '../../app/generate.js';
import { importFiles } from '../../app/import-cvrs.js';
import { loadElectionFile } from '../../app/load-election.js';
import { publish } from '../../app/publish.js';
import { checkReceipt, makeReceipt } from '../../app/receipt.js';
import { verifyStore } from '../../app/verify-store.js';
import { generateKey, parseSignerKey, parseVerifierKey } from '../../core/log/note.js';
import { verifyBundle } from '../../core/verify/bundle.js';
import { nodeMerkleHasher, nodeSha256 } from '../../platform/node-sha256.js';
import { Store } from '../../store/store.js';
import { CliFailure, say } from '../output.js';

const MARKER = '.tallyproof-demo';

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('run the whole evidence chain on a synthetic county election (SQLite, no services needed)')
    .option('--out <dir>', 'working folder (replaced if it holds an earlier demo)', 'demo-out')
    .option('--ballots <n>', 'ballots in the synthetic election', (v) => Number.parseInt(v, 10), 5000)
    .option('--seed <seed>', 'random seed', '2026')
    .action(async (o: { out: string; ballots: number; seed: string }) => {
      const dir = path.resolve(o.out);
      if (existsSync(dir)) {
        if (!existsSync(path.join(dir, MARKER)))
          throw new CliFailure(`${dir} exists and is not an earlier demo; choose another --out`);
        await rm(dir, { recursive: true });
      }
      await mkdir(dir, { recursive: true });
      await writeFile(path.join(dir, MARKER), 'made by tallyproof demo\n');
      const now = () => new Date().toISOString();
      const rel = (p: string) => path.relative(process.cwd(), p) || '.';

      const gen = await generateElection(path.join(dir, 'export'), {
        ballots: o.ballots,
        seed: o.seed,
        format: 'cdf',
      });
      say(
        `1. Generated a county election: ${gen.ballots} ballots as a NIST SP 1500-103 export (${rel(gen.cvrFiles[0]!)}).`,
      );

      const keys = generateKey('example-county.gov/2026-general');
      const keyFile = path.join(dir, 'county.key');
      await writeFile(keyFile, `${keys.signerKey}\n`, { mode: 0o600 });
      await writeFile(`${keyFile}.pub`, `${keys.verifierKey}\n`);
      const signer = parseSignerKey(keys.signerKey);
      const verifier = parseVerifierKey(keys.verifierKey);
      say(`2. Made the office's signing key (tallyproof keygen): verifier key ${keys.verifierKey}`);

      const dbFile = path.join(dir, 'county.db');
      const bundle = path.join(dir, 'bundle');
      const store = await Store.open({ sqlitePath: dbFile });
      try {
        const loaded = await loadElectionFile(store, gen.definition, await readFile(gen.definition), {
          signer,
          now,
        });
        say(`3. Loaded the election definition (sha256 ${loaded.loaded.sha256}) into ${rel(dbFile)}.`);
        const [imported] = await importFiles(store, gen.cvrFiles, { format: 'cdf', signer, now });
        say(
          `4. Imported ${imported!.cvrs} CVRs into the append-only log; checkpoint signed at size ${imported!.logSize}.`,
        );
        const pub = await publish(store, bundle);
        say(
          `5. Published the evidence bundle to ${rel(bundle)} (${pub.files} files, C2SP tlog-tiles layout).`,
        );
        const fromBundle = await verifyBundle(folderReader(bundle), verifier, {
          hasher: nodeMerkleHasher,
          sha256: nodeSha256,
        });
        if (!fromBundle.ok) throw new CliFailure(`the bundle did not verify: ${fromBundle.failures[0]}`);
        say(
          `6. Verified the bundle from its files alone: ${fromBundle.size} entries, ${fromBundle.cvrs} CVRs, ${fromBundle.checkpoints.length} checkpoints.`,
        );
        const live = await verifyStore(store, verifier);
        if (!live.ok) throw new CliFailure(`the store did not verify: ${live.failures[0]}`);
        say('7. Verified the live store against its latest signed checkpoint.');
        const receiptFile = path.join(dir, 'receipt.tlog-proof');
        await writeFile(receiptFile, await makeReceipt(store, '1-1-1'));
        const r = checkReceipt(await readFile(receiptFile, 'utf8'), verifier);
        say(
          `8. A voter's receipt for CVR ${r.cvr.id} (${rel(receiptFile)}) proves it is entry ${r.index} of the signed log.`,
        );
      } finally {
        await store.close();
      }

      const tampered = path.join(dir, 'tampered-bundle');
      await cp(bundle, tampered, { recursive: true });
      const target = path.join(tampered, 'tile/entries/000');
      const bytes = await readFile(target);
      const text = bytes.toString('latin1');
      const at = text.indexOf('gov-1');
      const swapped =
        at >= 0 ? Buffer.from(`${text.slice(0, at)}gov-2${text.slice(at + 5)}`, 'latin1') : bytes;
      await writeFile(target, swapped);
      const caught = await verifyBundle(folderReader(tampered), verifier, {
        hasher: nodeMerkleHasher,
        sha256: nodeSha256,
      });
      if (caught.ok) throw new CliFailure('a switched vote went undetected');
      say(
        `9. Switched one vote in a copy of the bundle (${rel(tampered)}): verification fails — ${caught.failures[0]}`,
      );
      say('');
      say(`Check it yourself: npx tallyproof verify ${rel(bundle)} --vkey ${rel(keyFile)}.pub`);
    });
}
