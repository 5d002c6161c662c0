/**
 * What an audit tells people: its status (as `audit status --json` prints it), the retrieval list for a
 * round (CSV, or a printable PDF), and the audit report CSV (in the spirit of Arlo's: election, contests,
 * settings, rounds with risks, sampled ballots with their discrepancies).
 */
import { writeFile } from 'node:fs/promises';
import { PDFDocument, rgb, StandardFonts } from 'pdf-lib';
import { batchUnits } from '../../core/audit/batches.js';
import { type AuditLog, awaiting, drawsBefore } from '../../core/audit/replay.js';
import { paperReadingOf, readingOf, sameReading } from '../../core/audit/reported.js';
import { canonicalJson } from '../../core/canonical-json.js';
import { choiceNamer } from '../../core/election/selections.js';
import { csvFileWriter } from '../../formats/csv/csv-writer.js';
import type { Store } from '../../store/store.js';
import { parseDefinition } from '../load-election.js';
import {
  currentDraws,
  drawAudit,
  locateBallots,
  type ReadOptions,
  requireAudit,
  type SampledBallot,
} from './state.js';

export interface AuditStatus {
  readonly round: number;
  readonly type: string;
  readonly riskLimit: number;
  readonly seed: string;
  readonly contests: {
    name: string;
    status: string;
    risk: number;
    sampleSize: number;
    /** IRV contests: the RAIRE assertions the audit tests. */
    assertions?: number;
  }[];
  /** Ballots of the current round not yet recorded. */
  readonly awaiting: number;
  readonly over: boolean;
}

export function statusOf(log: AuditLog, awaitingBallots: number): AuditStatus {
  const latest = log.results.at(-1);
  return {
    round: log.rounds.length,
    type: log.start.type,
    riskLimit: Number(log.start.riskLimit),
    seed: log.start.seed,
    contests: log.start.contests.map((c) => {
      const o = latest?.contests.find((k) => k.contest === c.contest);
      return {
        name: c.name,
        status: o?.status ?? 'in-progress',
        risk: o ? Number(o.risk) : 1,
        sampleSize: o?.sampleSize ?? 0,
        ...(c.assertions ? { assertions: c.assertions.length } : {}),
      };
    }),
    awaiting: awaitingBallots,
    over: latest !== undefined && latest.round === log.rounds.length && latest.nextDraws === undefined,
  };
}

export async function auditStatus(store: Store, options: ReadOptions = {}): Promise<AuditStatus> {
  const audit = await requireAudit(store, options);
  // The sample alone says what is awaited; the sampled ballots need not be located.
  const { draws } = await currentDraws(audit);
  return statusOf(audit.log, awaiting(audit.log, draws).length);
}

const RETRIEVAL_HEADER = [
  'Container',
  'Tabulator',
  'Batch',
  'Position',
  'Ballot ID',
  'CVR ID',
  'Imprinted ID',
  'Times drawn',
  'Precinct',
  'Ballot Style',
  'Source',
];
const retrievalRow = (b: SampledBallot) => [
  b.container ?? '',
  b.tabulator ?? '',
  b.batch ?? '',
  b.position ?? '',
  b.ballotId,
  b.cvrId ?? '',
  b.imprintedId ?? '',
  b.timesDrawn,
  b.precinct ?? '',
  b.ballotStyle ?? '',
  b.source ?? '',
];

/** The round's retrieval list: CSV, or a printable PDF when the file name ends in .pdf. */
export async function writeRetrievalList(file: string, round: number, ballots: readonly SampledBallot[]) {
  if (file.toLowerCase().endsWith('.pdf')) return writeFile(file, await retrievalPdf(round, ballots));
  const out = csvFileWriter(file);
  await out.write(RETRIEVAL_HEADER);
  for (const b of ballots) await out.write(retrievalRow(b));
  await out.close();
}

async function retrievalPdf(round: number, ballots: readonly SampledBallot[]): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle(`Retrieval list, round ${round}`);
  doc.setCreationDate(new Date(0));
  doc.setModificationDate(new Date(0));
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const widths = [70, 70, 70, 45, 120, 90, 55];
  // A column no sampled ballot fills (an ES&S export has no tabulator or batch) is left off the page.
  const rows = ballots.map(retrievalRow);
  const shown = widths.map((_, i) => i).filter((i) => i === 4 || rows.some((r) => r[i] !== ''));
  const size = 8;
  const clip = (text: string, width: number) => {
    let t = text.replace(/[^\x20-\x7e]/g, '?');
    while (t.length > 1 && font.widthOfTextAtSize(t, size) > width - 4) t = t.slice(0, -1);
    return t;
  };
  let page = doc.addPage([612, 792]);
  let y = 0;
  const newPage = (first: boolean) => {
    if (!first) page = doc.addPage([612, 792]);
    y = 750;
    page.drawText(`Ballot retrieval list - round ${round} (${ballots.length} ballots)`, {
      x: 36,
      y,
      size: 12,
      font: bold,
    });
    y -= 22;
    let x = 36;
    for (const i of shown) {
      page.drawText(clip(RETRIEVAL_HEADER[i]!, widths[i]!), { x, y, size, font: bold });
      x += widths[i]!;
    }
    page.drawText('Found', { x, y, size, font: bold });
    y -= 14;
  };
  newPage(true);
  for (const [k, b] of ballots.entries()) {
    if (y < 50) newPage(false);
    let x = 36;
    const cells = rows[k]!;
    for (const i of shown) {
      page.drawText(clip(String(cells[i]), widths[i]!), { x, y, size, font });
      x += widths[i]!;
    }
    // An empty box to tick: pdf-lib fills a rectangle black unless it is given a border colour alone.
    page.drawRectangle({
      x: x + 4,
      y: y - 1,
      width: 8,
      height: 8,
      borderWidth: 0.5,
      borderColor: rgb(0, 0, 0),
    });
    // What else locates the ballot (precinct, style, the export file and record) on a line of its own.
    const where = [
      b.precinct && `Precinct ${b.precinct}`,
      b.ballotStyle && `Ballot style ${b.ballotStyle}`,
      b.source,
    ].filter(Boolean);
    if (where.length > 0) {
      page.drawText(clip(where.join('  |  '), 520), { x: 48, y: y - 10, size: 7, font });
      y -= 10;
    }
    y -= 13;
  }
  return doc.save();
}

/** The audit report CSV, recomputed from the log. */
export async function writeAuditReport(store: Store, file: string, options: ReadOptions = {}): Promise<void> {
  const audit = await requireAudit(store, options);
  const { log } = audit;
  const stored = (await store.election())!;
  const election = parseDefinition('stored definition', stored.bytes).election;
  const total = log.rounds.at(-1)?.draws ?? 0;
  const draws = await drawAudit(log, audit.cvrKeys, total);
  const firstRound = new Map<string, number>();
  for (const [k, r] of log.rounds.entries())
    for (const d of draws.slice(drawsBefore(log, k + 1), r.draws))
      if (!firstRound.has(d.id)) firstRound.set(d.id, r.round);
  const ballots = await locateBallots(store, audit, [...firstRound.keys()], draws);
  const out = csvFileWriter(file);
  const row = (...cells: (string | number)[]) => out.write(cells);
  await row('######## ELECTION INFO ########');
  await row('Election', 'Election Definition SHA-256');
  await row(election.title, stored.sha256);
  await row('');
  await row('######## CONTESTS ########');
  await row('Contest Name', 'Winners', 'Votes Allowed', 'Total Ballots Cast', 'Tabulated Votes');
  for (const c of log.start.contests) {
    const def = election.contests.find((k) => k.id === c.contest)!;
    const name = choiceNamer(def);
    await row(
      c.name,
      c.winners.map(name).join('; '),
      def.type === 'candidate' ? def.votesAllowed : 1,
      c.ballots,
      (c.assertions ? 'first preferences: ' : '') +
        Object.entries(c.votes)
          .map(([id, v]) => `${name(id)}: ${v}`)
          .join('; '),
    );
  }
  const irv = log.start.contests.filter((c) => c.assertions);
  if (irv.length > 0) {
    await row('');
    await row('######## ASSERTIONS (RAIRE) ########');
    await row('Contest Name', 'Assertion', 'Meaning', 'Winner Votes', 'Loser Votes', 'Diluted Margin');
    for (const c of irv) {
      const def = election.contests.find((k) => k.id === c.contest)!;
      const name = choiceNamer(def);
      for (const a of c.assertions!)
        await row(
          c.name,
          a.kind,
          a.kind === 'NEB'
            ? `${name(a.winner)} is never eliminated before ${name(a.loser)}`
            : `${name(a.winner)} is not eliminated next when ${a.remaining!.map(name).join(', ')} remain (${name(a.loser)} has fewer votes)`,
          a.winnerVotes,
          a.loserVotes,
          (a.winnerVotes - a.loserVotes) / log.start.population,
        );
    }
  }
  await row('');
  await row('######## AUDIT SETTINGS ########');
  await row('Audit Type', 'Risk Limit', 'Random Seed', 'Ballots Sampled From', 'Manifest SHA-256');
  await row(
    log.start.type,
    log.start.riskLimit,
    log.start.seed,
    log.start.population,
    log.start.manifest?.sha256 ?? '',
  );
  await row('');
  await row('######## ROUNDS ########');
  await row(
    'Round Number',
    'Contest Name',
    'Sample Size',
    'Risk Limit Met?',
    'P-Value',
    'Status',
    'Next Round Draws',
  );
  for (const r of log.results)
    for (const c of r.contests)
      await row(
        r.round,
        log.start.contests.find((k) => k.contest === c.contest)!.name,
        c.sampleSize,
        c.status === 'confirmed' ? 'Yes' : 'No',
        c.risk,
        c.status,
        r.nextDraws ?? '',
      );
  await row('');
  await row('######## SAMPLED BALLOTS ########');
  const defs = log.start.contests.map((c) => election.contests.find((k) => k.id === c.contest)!);
  const batches = new Map(
    log.start.type === 'batch'
      ? batchUnits(log.start.contests, log.manifest).units.map((u) => [u.id, u.record])
      : [],
  );
  await row(
    ...RETRIEVAL_HEADER.slice(0, 6),
    'Round',
    'Times Drawn',
    ...defs.flatMap((d) => [`Audit Result: ${d.title}`, `CVR Result: ${d.title}`, `Discrepancy: ${d.title}`]),
  );
  for (const b of ballots.sort((x, y) => firstRound.get(x.ballotId)! - firstRound.get(y.ballotId)!)) {
    const i = log.interpretations.get(b.ballotId);
    const cells = defs.flatMap((d) => {
      const name = choiceNamer(d);
      const names = (ids: readonly string[]) => ids.map(name).join('; ') || 'BLANK';
      const tally = (votes: Readonly<Record<string, number>>) =>
        Object.entries(votes)
          .map(([id, v]) => `${names([id])}: ${v}`)
          .join('; ');
      const read = i?.contests.find((c) => c.contest === d.id);
      if (log.start.type === 'batch') {
        const reported = batches.get(b.ballotId)?.votes?.[d.id] ?? {};
        if (!i) return ['NOT YET AUDITED', tally(reported), ''];
        if (i.notFound) return ['BATCH NOT FOUND', tally(reported), 'Yes'];
        const audited = read?.votes ?? {};
        return [
          tally(audited),
          tally(reported),
          canonicalJson(audited) === canonicalJson(reported) ? 'No' : 'Yes',
        ];
      }
      const cvr = b.cvr
        ? readingOf(
            d,
            b.cvr.contests.find((c) => c.contest === d.id),
          )
        : undefined;
      if (!i) return ['NOT YET AUDITED', cvr ? names(cvr) : '', ''];
      const paper = i.notFound ? undefined : paperReadingOf(d, read);
      const paperText = i.notFound ? 'BALLOT NOT FOUND' : read ? names(paper!) : 'CONTEST NOT ON BALLOT';
      const differs = cvr !== undefined && (paper === undefined || !sameReading(d, cvr, paper));
      return [paperText, cvr ? names(cvr) : '', cvr === undefined ? '' : differs ? 'Yes' : 'No'];
    });
    await row(...retrievalRow(b).slice(0, 6), firstRound.get(b.ballotId)!, b.timesDrawn, ...cells);
  }
  await out.close();
}
