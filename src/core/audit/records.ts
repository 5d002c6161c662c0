/**
 * Audit records: every step of a risk-limiting audit as an entry of the log (`"t":"audit"`), so the audit
 * is evidence too. Numbers that are not integers (the risk limit, risks) are decimal strings: canonical
 * JSON holds integers only. Interpretations hold a sampled paper ballot's votes — like a CVR, never who
 * cast it — which is why they are audit entries and not events.
 */
import { z } from 'zod';

export const AUDIT_TYPES = ['comparison', 'polling', 'batch'] as const;
export const AuditTypeSchema = z.enum(AUDIT_TYPES);
export type AuditType = z.infer<typeof AuditTypeSchema>;

export const CONTEST_STATUSES = ['in-progress', 'confirmed', 'full-hand-count'] as const;
export type ContestStatus = (typeof CONTEST_STATUSES)[number];

const Text = z.string().min(1).max(1000);
const Count = z.number().int().min(0);
const Decimal = z.string().regex(/^(0|[1-9]\d*)(\.\d+)?(e-\d+)?$/, 'a non-negative decimal');

/** A RAIRE assertion of an IRV contest with its reported tallies (see `core/rla/raire.ts`). */
export const AssertionRecordSchema = z
  .object({
    kind: z.enum(['NEB', 'NEN']),
    winner: Text,
    loser: Text,
    remaining: z.array(Text).min(2).optional(),
    winnerVotes: Count,
    loserVotes: Count,
  })
  .strict()
  .refine(
    (a) => (a.kind === 'NEN') === (a.remaining !== undefined),
    'an NEN assertion, and only one, names the remaining candidates',
  );

export const ReportedContestSchema = z
  .object({
    contest: Text,
    name: Text,
    /** Reported votes per choice id: the tally of the logged CVRs when the audit started. */
    votes: z.record(Text, Count),
    winners: z.array(Text).min(1),
    /** Ballots (CVRs) on which the contest appears. */
    ballots: Count,
    /** IRV contests: `votes` are first preferences and these assertions, audited as pairs, confirm the winner. */
    assertions: z.array(AssertionRecordSchema).min(1).optional(),
  })
  .strict();
export type ReportedContest = z.infer<typeof ReportedContestSchema>;

export const ManifestBatchRecordSchema = z
  .object({
    batch: Text,
    ballots: Count,
    container: Text.optional(),
    tabulator: Text.optional(),
    cvr: Text.optional(),
    /** Batch audits: the batch's reported votes per audited contest id and choice id (its CVRs' tally). */
    votes: z.record(Text, z.record(Text, Count)).optional(),
  })
  .strict();

export const AuditStartSchema = z
  .object({
    record: z.literal('start'),
    type: AuditTypeSchema,
    riskLimit: Decimal,
    seed: z.string().min(1).max(1000),
    contests: z.array(ReportedContestSchema).min(1),
    /** What the sample is drawn from: ballots (the CVRs, or the manifest's), or a batch audit's batches. */
    population: Count,
    /** The manifest's SHA-256 and how many parts of batches follow, when sampling from a manifest. */
    manifest: z
      .object({ sha256: z.string().regex(/^[0-9a-f]{64}$/), parts: z.number().int().min(1) })
      .optional(),
    /**
     * Measure as Arlo does where its conservative choices differ from the published formulas (see
     * `measure.ts`, `batches.ts`); absent in every audit logged before it existed: the published formulas.
     */
    arloCompatible: z.literal(true).optional(),
  })
  .strict();

export const AuditManifestPartSchema = z
  .object({
    record: z.literal('manifest'),
    part: z.number().int().min(1),
    batches: z.array(ManifestBatchRecordSchema),
  })
  .strict();

export const AuditRoundSchema = z
  .object({
    record: z.literal('round'),
    round: z.number().int().min(1),
    /** Draws in the sample after this round (the sample grows; earlier draws stay). */
    draws: z.number().int().min(1),
    /** SHA-256 of the round's draws (`sampleDigest`), so the retrieval list is committed. */
    sample: z.string().regex(/^[0-9a-f]{64}$/),
  })
  .strict();

export const InterpretedContestSchema = z
  .object({
    contest: Text,
    /** The votes on one paper ballot (a ranked contest's in rank order). */
    choices: z.array(Text),
    /** A ranked contest read rank by rank: each choice's rank, where a rank was skipped or overvoted. */
    ranks: z.array(z.number().int().min(1)).optional(),
    /** A ranked contest: the ranks where the paper shows more than one candidate. */
    overvotedRanks: z.array(z.number().int().min(1)).optional(),
    /** Batch audits: the batch's hand tally per choice id (`choices` then empty). */
    votes: z.record(Text, Count).optional(),
  })
  .strict();

export const AuditInterpretationSchema = z
  .object({
    record: z.literal('interpretation'),
    round: z.number().int().min(1),
    ballot: Text,
    /** The log entry of the ballot's CVR (comparison audits). */
    cvr: Count.optional(),
    notFound: z.literal(true).optional(),
    /** Votes as read on paper per audited contest; an audited contest missing here was not on the ballot. */
    contests: z.array(InterpretedContestSchema),
  })
  .strict();

export const ContestOutcomeSchema = z
  .object({
    contest: Text,
    status: z.enum(CONTEST_STATUSES),
    risk: Decimal,
    sampleSize: Count,
  })
  .strict();

export const AuditResultSchema = z
  .object({
    record: z.literal('result'),
    round: z.number().int().min(1),
    contests: z.array(ContestOutcomeSchema),
    /** Draws the next round brings the sample to; absent when the audit is over. */
    nextDraws: Count.optional(),
  })
  .strict();

export const AuditRecordSchema = z.discriminatedUnion('record', [
  AuditStartSchema,
  AuditManifestPartSchema,
  AuditRoundSchema,
  AuditInterpretationSchema,
  AuditResultSchema,
]);

export type AuditStart = z.infer<typeof AuditStartSchema>;
export type AuditManifestPart = z.infer<typeof AuditManifestPartSchema>;
export type AuditRound = z.infer<typeof AuditRoundSchema>;
export type AuditInterpretation = z.infer<typeof AuditInterpretationSchema>;
export type InterpretedContest = z.infer<typeof InterpretedContestSchema>;
export type ContestOutcome = z.infer<typeof ContestOutcomeSchema>;
export type AuditResult = z.infer<typeof AuditResultSchema>;
export type AuditRecord = z.infer<typeof AuditRecordSchema>;
export type ManifestBatchRecord = z.infer<typeof ManifestBatchRecordSchema>;
