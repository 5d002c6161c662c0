/**
 * npm run bench — the issue's performance targets, measured on this machine with references run alongside:
 *  - Merkle hashing throughput vs `openssl speed -evp sha256` at 64-byte blocks (target: within 3×)
 *  - import + log + checkpoint of BENCH_BALLOTS (default 1,000,000) ballots as CDF reports and as a Dominion
 *    export (issue 3 at 10M: ≥ 100k CVRs/s, peak RSS ≤ 1.5 GB), beside a bare JSON.parse of the same files
 *    on one thread and on every core (the ceiling of any import here);
 *    then the tally of each store (target ≤ 20 s), and at 1M its full recount
 *  - verify of the published bundle (target ≤ 60 s at 1M)
 *  - the JSON splitter against stream-json on the same report (why we split and JSON.parse)
 *  - the 1,041,313-ballot ES&S Minneapolis case: parse alone, and `rcv` end to end and counting alone
 *  - every audit command and verify of an audited store, against verify --db before the audit (≤ 1.3×)
 *  - import of a Hart folder (one XML file per ballot, up to 50,000), per ballot against the CDF import
 *  - drawing 10,000 ballots from a 10,000,000-ballot manifest, beside one bare SHA-256 per ballot
 * Every job runs in its own process so its peak RSS is its own. Inputs are generated once into bench-data/.
 * BENCH_ONLY=import stops after the imports and tallies (the 10M run: BENCH_BALLOTS=10000000); BENCH_ONLY=audit
 * runs the CDF import and the audit benchmarks alone; BENCH_ONLY=hart the CDF import and the Hart folder import.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateElection } from '../src/app/generate.js';
import { generateKey } from '../src/core/log/note.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const dataDir = path.resolve(process.env.BENCH_DIR ?? path.join(root, 'bench-data'));
const ballots = Number(process.env.BENCH_BALLOTS ?? 1_000_000);
const child = path.join(here, 'child.js');

interface Measured {
  job: string;
  seconds: number;
  maxRssMB: number;
  [k: string]: unknown;
}
function run(job: string, ...args: string[]): Measured {
  const out = execFileSync(process.execPath, ['--max-old-space-size=4096', child, job, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(out.trim().split('\n').at(-1)!) as Measured;
}
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const line = (label: string, value: string) => console.log(`${label.padEnd(44)} ${value}`);

function opensslSha256PerSecond(): number | undefined {
  try {
    const out = execFileSync('openssl', ['speed', '-seconds', '3', '-evp', 'sha256', '-bytes', '64'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const row = out.split('\n').find((l) => /^sha256\s/.test(l));
    const kbPerSec = Number(row?.trim().split(/\s+/)[1]?.replace(/k$/, ''));
    return Number.isFinite(kbPerSec) ? (kbPerSec * 1000) / 64 : undefined;
  } catch {
    return undefined;
  }
}

console.log(
  `Tallyproof benchmarks — node ${process.version}, ${ballots.toLocaleString('en-US')} ballots, data in ${dataDir}`,
);

/** BENCH_ONLY=audit: the CDF store and the audit benchmarks alone. */
const auditOnly = process.env.BENCH_ONLY === 'audit';
/** BENCH_ONLY=hart: the CDF import and the Hart folder import alone. */
const hartOnly = process.env.BENCH_ONLY === 'hart';

// 1. Merkle hashing vs OpenSSL
if (!auditOnly && !hartOnly) {
  const openssl = opensslSha256PerSecond();
  const tree = run('sha256', String(2 ** 20));
  const ours = (tree.hashes as number) / tree.seconds;
  line('Merkle hashing (2^20 leaves, node:crypto)', `${(ours / 1e6).toFixed(2)} M hashes/s`);
  if (openssl) {
    line('openssl speed -evp sha256, 64-byte blocks', `${(openssl / 1e6).toFixed(2)} M hashes/s (one core)`);
    line('ratio OpenSSL / Tallyproof (target ≤ 3)', `${(openssl / ours).toFixed(2)}×`);
  } else line('openssl speed', 'unavailable: no ratio');
}

// 2. Inputs: the same synthetic election as CDF reports and as a Dominion export folder, in files of at
// most 100,000 ballots (a county's export comes in many files; each stays within what JSON.parse can take).
mkdirSync(dataDir, { recursive: true });
const files = Math.max(1, Math.ceil(ballots / 100_000));
async function inputs(format: 'cdf' | 'dominion'): Promise<string> {
  const dir = path.join(dataDir, `${format}-${ballots}-x${files}`);
  if (!existsSync(path.join(dir, 'truth.json'))) {
    const t = performance.now();
    await generateElection(dir, { ballots, seed: 'bench', format, files });
    line(`generate synthetic ${format} export`, `${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  return dir;
}
const cdfDir = await inputs('cdf');
const reports = readdirSync(cdfDir)
  .filter((n) => /^cvr-report.*\.json$/.test(n))
  .sort()
  .map((n) => path.join(cdfDir, n));
const domFolder = auditOnly || hartOnly ? '' : path.join(await inputs('dominion'), 'dominion-export');
const domFiles = !domFolder
  ? []
  : readdirSync(domFolder)
      .filter((n) => /^CvrExport/.test(n))
      .map((n) => path.join(domFolder, n));
const sizeOf = (paths: string[]) => paths.reduce((n, f) => n + statSync(f).size, 0);
const keys = generateKey('bench.example/log');
const keyFile = path.join(dataDir, 'bench.key');
writeFileSync(keyFile, keys.signerKey, { mode: 0o600 });
writeFileSync(`${keyFile}.pub`, keys.verifierKey);

// 3. Reading one report: splitter + JSON.parse vs stream-json (why we split and JSON.parse)
if (!auditOnly && !hartOnly) {
  const split = run('split-parse', reports[0]!);
  line(
    'read one report: splitter + JSON.parse per CVR',
    `${split.seconds.toFixed(1)} s for ${split.cvrs} CVRs, ${((split.cvrs as number) / split.seconds / 1000).toFixed(0)}k CVRs/s`,
  );
  if (process.env.BENCH_STREAM_JSON || (split.cvrs as number) <= 200_000) {
    const sj = run('stream-json', reports[0]!);
    line(
      'read one report: stream-json (Pick + StreamArray)',
      `${sj.seconds.toFixed(1)} s — ${(sj.seconds / split.seconds).toFixed(1)}× slower`,
    );
  }
}

// 4. Import + log + checkpoint, then tally, for each format (issue 3: ≥ 100k CVRs/s, ≤ 1.5 GB, tally ≤ 20 s)
const db = path.join(dataDir, 'bench.db');
function importAndTally(
  label: string,
  job: string,
  dbFile: string,
  exportFiles: string[],
  importArgs: string[],
): number {
  for (const f of [dbFile, `${dbFile}-wal`, `${dbFile}-shm`]) rmSync(f, { force: true });
  const parse = run('json-parse', ...exportFiles);
  line(`${label}: export size`, `${mb(sizeOf(exportFiles))} in ${exportFiles.length} files`);
  line(
    `${label}: bare JSON.parse of every file`,
    `${parse.seconds.toFixed(1)} s (${parse.cvrs} CVRs), peak RSS ${parse.maxRssMB.toFixed(0)} MB`,
  );
  const ceiling = run('json-parse-cores', ...exportFiles);
  line(
    `${label}: the same on every core (${ceiling.cores})`,
    `${ceiling.seconds.toFixed(1)} s = ${(ballots / ceiling.seconds / 1000).toFixed(1)}k CVRs/s: no import that parses its JSON goes faster here`,
  );
  const imp = run(job, dbFile, keyFile, ...importArgs);
  line(
    `${label}: import + log + checkpoint (SQLite)`,
    `${imp.seconds.toFixed(1)} s, ${(ballots / imp.seconds / 1000).toFixed(1)}k CVRs/s (target ≥ 100k), peak RSS ${imp.maxRssMB.toFixed(0)} MB (target ≤ 1.5 GB)`,
  );
  line(
    `${label}: ratio import / bare JSON.parse`,
    `${(imp.seconds / parse.seconds).toFixed(2)}× (${(imp.seconds / ceiling.seconds).toFixed(2)}× the every-core parse)`,
  );
  line(
    `${label}: store size`,
    mb(statSync(dbFile).size + (existsSync(`${dbFile}-wal`) ? statSync(`${dbFile}-wal`).size : 0)),
  );
  const tally = run('tally', dbFile);
  line(
    `${label}: tally (logged counts)`,
    `${tally.seconds.toFixed(2)} s (target ≤ 20 s), ${tally.cvrs} CVRs, peak RSS ${tally.maxRssMB.toFixed(0)} MB`,
  );
  if (ballots <= 1_000_000 || process.env.BENCH_RECOUNT) {
    const recount = run('tally', dbFile, 'recount');
    line(
      `${label}: tally --recount (full verification pass)`,
      `${recount.seconds.toFixed(1)} s, peak RSS ${recount.maxRssMB.toFixed(0)} MB`,
    );
  }
  return imp.seconds;
}
const cdfImportArgs = [path.join(cdfDir, 'election.json'), ...reports];
let cdfImportSeconds: number;
if (hartOnly) {
  for (const f of [db, `${db}-wal`, `${db}-shm`]) rmSync(f, { force: true });
  cdfImportSeconds = run('import', db, keyFile, ...cdfImportArgs).seconds;
  line('CDF JSON: import + log + checkpoint (SQLite)', `${cdfImportSeconds.toFixed(1)} s`);
} else cdfImportSeconds = importAndTally('CDF JSON', 'import', db, reports, cdfImportArgs);
if (domFolder)
  importAndTally('Dominion JSON', 'import-dominion', path.join(dataDir, 'bench-dominion.db'), domFiles, [
    domFolder,
  ]);
const pgUrl = auditOnly || hartOnly ? undefined : process.env.BENCH_DATABASE_URL;
if (pgUrl) {
  // The server deployment: the same Dominion import into PostgreSQL (an empty database given by URL).
  const imp = run('import-dominion', pgUrl, keyFile, domFolder);
  line(
    'Dominion JSON: import + log + checkpoint (PostgreSQL)',
    `${imp.seconds.toFixed(1)} s, ${(ballots / imp.seconds / 1000).toFixed(1)}k CVRs/s, peak RSS ${imp.maxRssMB.toFixed(0)} MB (client)`,
  );
  const tally = run('tally', pgUrl);
  line('Dominion JSON: tally (logged counts, PostgreSQL)', `${tally.seconds.toFixed(2)} s`);
}

// 4a. Issue 13: a Hart export, one XML file per ballot (a folder of up to 50,000 of them here), imported
// into its own store; per ballot against the CDF import of this run (a folder once took 10–40× as long).
if (!auditOnly) {
  const hartBallots = Math.min(ballots, 50_000);
  const hartDir = path.join(dataDir, `hart-${hartBallots}`);
  const hartFolder = path.join(hartDir, 'hart-cvrs');
  if (!existsSync(path.join(hartDir, 'truth.json'))) {
    const t = performance.now();
    await generateElection(hartDir, { ballots: hartBallots, seed: 'bench', format: 'hart' });
    line('generate synthetic hart export', `${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  const hartDb = path.join(dataDir, 'bench-hart.db');
  for (const f of [hartDb, `${hartDb}-wal`, `${hartDb}-shm`]) rmSync(f, { force: true });
  const imp = run('import-hart', hartDb, keyFile, path.join(hartDir, 'election.json'), hartFolder);
  const perBallot = (seconds: number, n: number) => (seconds / n) * 1e6;
  line(
    'Hart XML folder: import + log + checkpoint',
    `${imp.seconds.toFixed(1)} s for ${imp.cvrs} ballot files, ${((imp.cvrs as number) / imp.seconds / 1000).toFixed(1)}k CVRs/s, peak RSS ${imp.maxRssMB.toFixed(0)} MB`,
  );
  line(
    'Hart XML folder: per ballot / CDF import',
    `${(perBallot(imp.seconds, imp.cvrs as number) / perBallot(cdfImportSeconds, ballots)).toFixed(2)}× (${perBallot(imp.seconds, imp.cvrs as number).toFixed(0)} µs against ${perBallot(cdfImportSeconds, ballots).toFixed(0)} µs per ballot)`,
  );
}
if (process.env.BENCH_ONLY === 'import' || hartOnly) process.exit(0);

// 4b. Issue 13: every audit command and verify of an audited store, each against `verify --db` of the same
// store before the audit (target ≤ 1.3×), on a copy of the CDF store: a comparison audit whose round 1 is
// recorded whole, and a ballot-polling audit of the manifest whose round 1 (tens of thousands of ballots) is
// recorded as audit boards hand it in: a 10,000-ballot file, then the file that completes the round.
function auditBench(type: 'comparison' | 'polling') {
  const audited = path.join(dataDir, `bench-audit-${type}.db`);
  for (const f of [audited, `${audited}-wal`, `${audited}-shm`]) rmSync(f, { force: true });
  copyFileSync(db, audited);
  // Whole-store verifies of the same size vary ±10% from run to run here: the floor and the audited store's
  // verify are each the faster of two runs, so the ratio compares like with like.
  const fasterOf = (a: Measured, b: Measured) => (a.seconds <= b.seconds ? a : b);
  const verifyTwice = () =>
    fasterOf(run('verify-db', audited, `${keyFile}.pub`), run('verify-db', audited, `${keyFile}.pub`));
  const floor = verifyTwice();
  const label = `audit (${type}, ${(floor.cvrs as number).toLocaleString('en-US')} CVRs)`;
  line(
    `${label}: verify --db before the audit`,
    `${floor.seconds.toFixed(1)} s (the floor, faster of two runs), peak RSS ${floor.maxRssMB.toFixed(0)} MB`,
  );
  const ratio = (m: Measured) => `${(m.seconds / floor.seconds).toFixed(2)}× (target ≤ 1.3×)`;
  const start = run(
    'audit-start',
    audited,
    keyFile,
    type,
    path.join(cdfDir, 'manifest.csv'),
    'Governor',
    'Mayor of Riverside',
  );
  line(
    `${label}: audit start`,
    `${start.seconds.toFixed(1)} s, ${ratio(start)}, round 1 draws ${start.firstRound}, peak RSS ${start.maxRssMB.toFixed(0)} MB`,
  );
  const files = type === 'polling' ? [10_000, Number.MAX_SAFE_INTEGER] : [Number.MAX_SAFE_INTEGER];
  for (const [k, limit] of files.entries()) {
    const readings = path.join(dataDir, `readings-${type}-${k + 1}.csv`);
    run('audit-readings', audited, readings, String(limit));
    const record = run('audit-record', audited, keyFile, readings);
    line(
      `${label}: audit record, ${(record.ballots as number).toLocaleString('en-US')} ballots`,
      `${record.seconds.toFixed(1)} s, ${ratio(record)}, ${record.roundComplete ? 'completes round 1' : `${record.remaining} of the round left`}, peak RSS ${record.maxRssMB.toFixed(0)} MB`,
    );
  }
  const status = run('audit-status', audited);
  line(
    `${label}: audit status`,
    `${status.seconds.toFixed(1)} s, ${ratio(status)}, round ${status.round}: ${status.statuses}`,
  );
  const verified = verifyTwice();
  line(
    `${label}: verify --db of the audited store`,
    `${verified.seconds.toFixed(1)} s (faster of two runs), ${ratio(verified)}, peak RSS ${verified.maxRssMB.toFixed(0)} MB`,
  );
  for (const f of [audited, `${audited}-wal`, `${audited}-shm`]) rmSync(f, { force: true });
}
auditBench('comparison');
auditBench('polling');
if (process.env.BENCH_ONLY === 'audit') process.exit(0);

// 5. The ES&S 2013 Minneapolis mayor case at scale: 13 workbooks, 1,041,313 ballots (read from ../shared)
const scaleDir = path.resolve(root, '../shared/conformance/rctab/2013_minneapolis_mayor_scale');
if (existsSync(scaleDir)) {
  const books = readdirSync(scaleDir)
    .filter((n) => n.endsWith('.xlsx'))
    .map((n) => path.join(scaleDir, n));
  const ess = run('ess-parse', ...books);
  line(
    'ES&S parse: 2013_minneapolis_mayor_scale',
    `${ess.seconds.toFixed(1)} s for ${ess.cvrs} ballots in ${ess.files} workbooks, ${((ess.cvrs as number) / ess.seconds / 1000).toFixed(0)}k ballots/s, peak RSS ${ess.maxRssMB.toFixed(0)} MB`,
  );
  // Issue 4: the same case counted as RCTab counts it, from its RCTab configuration to the written reports.
  const rcv = run(
    'rcv',
    path.join(scaleDir, '2013_minneapolis_mayor_scale_config.json'),
    path.join(dataDir, 'rcv-minneapolis'),
  );
  const perSecond = (rcv.cvrs as number) / (rcv.endToEnd as number);
  line(
    'rcv end to end: 2013_minneapolis_mayor_scale',
    `${(rcv.endToEnd as number).toFixed(1)} s (target ≤ 30 s) for ${rcv.cvrs} ballots, ${rcv.rounds} rounds, peak RSS ${rcv.maxRssMB.toFixed(0)} MB`,
  );
  line(
    'rcv counting alone',
    `${(rcv.countSeconds as number).toFixed(2)} s (target ≤ 1 s), ${rcv.distinct} distinct ballots`,
  );
  line(
    'ratio rcv end to end / ES&S parse alone',
    `${((rcv.endToEnd as number) / ess.seconds).toFixed(2)}× (parse on one thread, rcv reads on two)`,
  );
  line(
    'rcv CVRs/s vs RCTab guidance',
    `${(perSecond / 1000).toFixed(1)}k CVRs/s; RCTab's hardware guidance (6M CVRs in < 40 min on 3 GHz / 32 GB) is ≥ 2.5k CVRs/s`,
  );
} else line('ES&S parse: 2013_minneapolis_mayor_scale', `skipped: ${scaleDir} not found`);

// 5b. Issue 5: the consistent sampler on a 10,000,000-ballot manifest
const sample = run('sample', process.env.BENCH_SAMPLE_BATCHES ?? '10000');
line(
  'draw 10,000 of a 10M-ballot manifest',
  `${(sample.drawSeconds as number).toFixed(1)} s (target ≤ 10 s) for ${sample.ballots} ballots, peak RSS ${sample.maxRssMB.toFixed(0)} MB`,
);
line(
  'ratio to one bare SHA-256 per ballot id',
  `${((sample.drawSeconds as number) / (sample.floorSeconds as number)).toFixed(2)}× (floor: node:crypto's one-shot SHA-256 of each seed-prefixed id, ${(sample.floorSeconds as number).toFixed(1)} s on one thread; the draw uses two threads and resumes each hash after the seed's block)`,
);

const risk = run('audit-risk', process.env.BENCH_AUDIT_DRAWS ?? '10000');
line(
  'risk recomputation, 20-contest comparison audit',
  `${(risk.riskSeconds as number).toFixed(3)} s (target ≤ 1 s) for ${risk.draws} draws, ${risk.confirmed}/20 confirmed; ${((risk.riskSeconds as number) / (risk.readSeconds as number)).toFixed(2)}× decoding the round's ${risk.draws} logged interpretations (${(risk.readSeconds as number).toFixed(3)} s)`,
);

// 6. Publish and verify (issue 2's 1M targets; at larger scales with BENCH_VERIFY=1)
if (ballots > 1_000_000 && !process.env.BENCH_VERIFY) {
  line('publish and verify', 'skipped above 1M ballots (BENCH_VERIFY=1 to run)');
  process.exit(0);
}
const bundle = path.join(dataDir, 'bundle');
rmSync(bundle, { recursive: true, force: true });
const pub = run('publish', db, bundle);
line(
  'publish (verifies the store first)',
  `${pub.seconds.toFixed(1)} s, ${pub.files} files, peak RSS ${pub.maxRssMB.toFixed(0)} MB`,
);
const ver = run('verify', bundle, `${keyFile}.pub`);
line(
  'verify the published bundle',
  `${ver.seconds.toFixed(1)} s (target ≤ 60 s for 1M), peak RSS ${ver.maxRssMB.toFixed(0)} MB`,
);
