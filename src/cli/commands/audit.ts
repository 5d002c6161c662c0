/** The risk-limiting audit workflow: start (settings, seed, first sample), sample, record, status, report. */
import type { Command } from 'commander';
import { recordInterpretations } from '../../app/audit/record.js';
import { auditStatus, writeAuditReport, writeRetrievalList } from '../../app/audit/report.js';
import { startAudit } from '../../app/audit/start.js';
import { currentRound, requireAudit } from '../../app/audit/state.js';
import { readSignerKey } from '../../app/keys.js';
import { AUDIT_TYPES, type AuditType } from '../../core/audit/records.js';
import { CliFailure, inform, printJson, progress, say } from '../output.js';
import { type StoreFlags, withStore, withStoreOptions } from '../store-options.js';

const now = () => new Date().toISOString();
const collect = (value: string, previous: string[]) => [...previous, value];

export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('risk-limiting audits, every step recorded in the log');

  withStoreOptions(audit.command('start'))
    .description(
      'set up the audit (type, risk limit, seed, contests) and draw the first round; the seed is fixed from here on',
    )
    .requiredOption('--key <file>', "the log's signing key")
    .requiredOption('--type <type>', `audit type: ${AUDIT_TYPES.join(', ')}`)
    .requiredOption('--risk-limit <alpha>', 'the risk limit, e.g. 0.05')
    .requiredOption('--seed <digits>', 'the random seed from the public dice roll')
    .option('--contest <name>', 'a contest to audit (repeat for several)', collect, [])
    .option('--manifest <csv>', "ballot manifest (Arlo's CSV), reconciled against the CVRs")
    .option(
      '--arlo-compatible',
      'measure as Arlo does: understatements and negative batch taints count 0, a ballot not found or without its CVR is a two-vote overstatement (logged with the start)',
    )
    .option('--json', 'machine-readable output')
    .action(
      async (
        o: StoreFlags & {
          arloCompatible?: boolean;
          key: string;
          type: string;
          riskLimit: string;
          seed: string;
          contest: string[];
          manifest?: string;
          json?: boolean;
        },
      ) => {
        if (!(AUDIT_TYPES as readonly string[]).includes(o.type))
          throw new CliFailure(`unknown audit type ${JSON.stringify(o.type)}: use ${AUDIT_TYPES.join(', ')}`);
        const signer = await readSignerKey(o.key);
        const bar = progress(o.json);
        const started = await withStore(o, (store) =>
          startAudit(store, {
            onProgress: bar.tracker('verifying the log'),
            type: o.type as AuditType,
            riskLimit: o.riskLimit,
            seed: o.seed,
            contests: o.contest,
            manifest: o.manifest,
            arloCompatible: o.arloCompatible === true,
            signer,
            now: now(),
          }),
        ).finally(() => bar.stop());
        for (const d of started.differences) inform(`manifest: ${d}`);
        const out = {
          type: started.start.type,
          riskLimit: Number(started.start.riskLimit),
          seed: started.start.seed,
          population: started.start.population,
          contests: started.start.contests.map((c) => c.name),
          round: 1,
          sampleSize: started.firstRound,
          manifestDifferences: started.differences,
        };
        if (o.json) printJson(out);
        else
          say(
            `Audit started (${out.type}, risk limit ${out.riskLimit}, seed ${out.seed}): round 1 draws ${out.sampleSize} of ${out.population} ${unitsOf(out.type)} for ${out.contests.join(', ')}.${started.start.contests
              .filter((c) => c.assertions)
              .map(
                (c) =>
                  `\n${c.name} is IRV: ${c.assertions!.length} RAIRE assertions confirm its winner (see audit report).`,
              )
              .join('')}`,
          );
      },
    );

  withStoreOptions(audit.command('sample'))
    .description("the current round's ballots to retrieve, in retrieval order")
    .option('--retrieval <file>', 'write the retrieval list: CSV, or a printable PDF for a .pdf name')
    .option('--json', 'machine-readable output')
    .action(async (o: StoreFlags & { retrieval?: string; json?: boolean }) => {
      const bar = progress(o.json);
      const { round, ballots, type } = await withStore(o, async (store) => {
        const audit = await requireAudit(store, { onProgress: bar.tracker(READING) });
        bar.stop();
        return { ...(await currentRound(store, audit)), type: audit.log.start.type };
      }).finally(() => bar.stop());
      if (o.retrieval) await writeRetrievalList(o.retrieval, round, ballots);
      const out = {
        round,
        ballots: ballots.map((b) => ({
          ballotId: b.ballotId,
          cvrId: b.cvrId,
          tabulator: b.tabulator,
          batch: b.batch,
          position: b.position,
          container: b.container,
          imprintedId: b.imprintedId,
          precinct: b.precinct,
          ballotStyle: b.ballotStyle,
          source: b.source,
          timesDrawn: b.timesDrawn,
        })),
      };
      if (o.json) printJson(out);
      else {
        say(`Round ${round}: ${ballots.length} ${unitsOf(type)} to retrieve.`);
        for (const b of out.ballots)
          say(
            `  ${[b.container, b.tabulator, b.batch, b.position].filter((x) => x !== null).join(' / ')}  ${b.ballotId}`,
          );
      }
    });

  withStoreOptions(audit.command('record'))
    .description(
      "record the audit boards' readings (CSV: ballotId,contest,choices; a batch audit's hand tallies: batch,contest,choice,votes; NOT_FOUND for what cannot be found)",
    )
    .requiredOption('--key <file>', "the log's signing key")
    .requiredOption('--file <csv>', 'the readings')
    .option('--json', 'machine-readable output')
    .action(async (o: StoreFlags & { key: string; file: string; json?: boolean }) => {
      const signer = await readSignerKey(o.key);
      const bar = progress(o.json);
      const r = await withStore(o, (store) =>
        recordInterpretations(store, { file: o.file, signer, now: now(), onProgress: bar.tracker(READING) }),
      ).finally(() => bar.stop());
      if (o.json) printJson(r);
      else
        say(
          `Recorded ${r.ballots} ${unitsOf(r.type)} in round ${r.round}; ${r.roundComplete ? 'the round is complete (see audit status).' : `${r.remaining} still to record.`}`,
        );
    });

  withStoreOptions(audit.command('status'))
    .description('risk, status and sample size of every audited contest')
    .option('--json', 'machine-readable output')
    .action(async (o: StoreFlags & { json?: boolean }) => {
      const bar = progress(o.json);
      const s = await withStore(o, (store) =>
        auditStatus(store, { onProgress: bar.tracker(READING) }),
      ).finally(() => bar.stop());
      if (o.json) printJson(s);
      else {
        say(
          `Round ${s.round} (${s.type}, risk limit ${s.riskLimit})${s.over ? ': the audit is over' : `: ${s.awaiting} ${unitsOf(s.type)} to record`}.`,
        );
        for (const c of s.contests)
          say(
            `  ${c.name}: ${c.status}, risk ${c.risk.toPrecision(4)}, ${c.sampleSize} ${unitsOf(s.type)}${c.assertions ? ` (IRV: ${c.assertions} RAIRE assertions)` : ''}`,
          );
      }
    });

  withStoreOptions(audit.command('report'))
    .description('the audit report CSV: election, contests, settings, rounds with P-values, sampled ballots')
    .requiredOption('--out <file>', 'report file')
    .action(async (o: StoreFlags & { out: string }) => {
      const bar = progress();
      await withStore(o, (store) =>
        writeAuditReport(store, o.out, { onProgress: bar.tracker(READING) }),
      ).finally(() => bar.stop());
      say(`Wrote ${o.out}.`);
    });
}

const READING = "reading the CVRs' keys";

/** What an audit of this type draws: batches for a batch audit, ballots otherwise. */
const unitsOf = (type: string) => (type === 'batch' ? 'batches' : 'ballots');
