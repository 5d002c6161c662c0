/**
 * The parts of NIST SP 1500-103 (CastVoteRecordReport, JSON) that Tallyproof reads; other fields pass.
 * Per-CVR schemas drop the fields they do not name (z.object): zod compiles those, about twice as fast as
 * loose objects on the import hot path.
 */
import { z } from 'zod';

const Indication = z.enum(['yes', 'no', 'unknown']);

export const CdfSelectionPositionSchema = z.object({
  HasIndication: Indication.optional(),
  NumberVotes: z.number().int().min(0).optional(),
  Rank: z.number().int().min(1).optional(),
  IsAllocable: Indication.optional(),
  CVRWriteIn: z.object({ Text: z.string().optional() }).optional(),
});

export const CdfContestSelectionSchema = z.object({
  ContestSelectionId: z.string().min(1).optional(),
  SelectionPosition: z.array(CdfSelectionPositionSchema).min(1),
});

export const CdfCvrContestSchema = z.object({
  ContestId: z.string().min(1),
  CVRContestSelection: z.array(CdfContestSelectionSchema).optional(),
});

export const CdfSnapshotSchema = z.object({
  '@id': z.string().min(1),
  Type: z.enum(['original', 'interpreted', 'modified']).optional(),
  CVRContest: z.array(CdfCvrContestSchema).optional(),
});

/** Ids some systems write as numbers; made text by `cdfCvrIdsAsText` (a zod transform here measured ~3 µs a CVR). */
const OptionalText = z.union([z.string(), z.number()]).optional();
const TEXT_FIELDS = [
  'UniqueId',
  'BallotPrePrintedId',
  'BallotAuditId',
  'BatchId',
  'CreatingDeviceId',
  'BallotStyleId',
  'BallotStyleUnitId',
] as const;
type TextField = (typeof TEXT_FIELDS)[number];

export const CdfCvrSchema = z.object({
  '@type': z.enum(['CVR', 'CVR.CVR']).optional(),
  CVRSnapshot: z.array(CdfSnapshotSchema).min(1),
  CurrentSnapshotId: z.string().min(1),
  UniqueId: OptionalText,
  BallotPrePrintedId: OptionalText,
  BallotAuditId: OptionalText,
  BatchId: OptionalText,
  BatchSequenceId: z.number().int().min(0).optional(),
  CreatingDeviceId: OptionalText,
  BallotStyleId: OptionalText,
  BallotStyleUnitId: OptionalText,
  ElectionId: z.string().optional(),
});
export type CdfCvr = Omit<z.infer<typeof CdfCvrSchema>, TextField> & { [K in TextField]?: string };

/** A parsed CVR with its numeric ids as text (zod's output is a fresh object: changed in place). */
export function cdfCvrIdsAsText(parsed: z.infer<typeof CdfCvrSchema>): CdfCvr {
  for (const k of TEXT_FIELDS) {
    const v = parsed[k];
    if (typeof v === 'number') (parsed as Record<TextField, unknown>)[k] = String(v);
  }
  return parsed as CdfCvr;
}

export const CdfGpUnitSchema = z.looseObject({
  '@id': z.string().min(1),
  Name: z.string().optional(),
  Type: z.string().optional(),
  ComposingGpUnitIds: z.array(z.string()).optional(),
});

const CdfCandidateSchema = z.looseObject({
  '@id': z.string().min(1),
  Name: z.string().optional(),
  PartyId: z.string().optional(),
});

const CdfElectionContestSelectionSchema = z.looseObject({
  '@id': z.string().min(1),
  '@type': z.string().optional(),
  CandidateIds: z.array(z.string()).optional(),
  IsWriteIn: z.boolean().optional(),
  Selection: z.string().optional(),
});

export const CdfElectionContestSchema = z.looseObject({
  '@id': z.string().min(1),
  '@type': z.string(),
  Name: z.string().optional(),
  VotesAllowed: z.number().int().min(1).optional(),
  NumberElected: z.number().int().min(1).optional(),
  /** Not in SP 1500-103, but written by some systems (and by Tallyproof before its reports were schema-valid). */
  NumberOfRanks: z.number().int().min(1).optional(),
  /** Identifiers; a ranked contest's number of ranks as `{Type: "other", OtherType: "NumberOfRanks", Value}`. */
  Code: z
    .array(
      z.looseObject({
        Type: z.string().optional(),
        OtherType: z.string().optional(),
        Value: z.string().optional(),
      }),
    )
    .optional(),
  VoteVariation: z.string().optional(),
  ElectionDistrictId: z.string().optional(),
  ContestSelection: z.array(CdfElectionContestSelectionSchema).default([]),
});

export const CdfElectionSchema = z.looseObject({
  '@id': z.string().min(1),
  Name: z.string().optional(),
  StartDate: z.string().optional(),
  ElectionScopeId: z.string().optional(),
  Candidate: z.array(CdfCandidateSchema).default([]),
  Contest: z.array(CdfElectionContestSchema).default([]),
});
export type CdfElection = z.infer<typeof CdfElectionSchema>;
export type CdfGpUnit = z.infer<typeof CdfGpUnitSchema>;
export type CdfElectionContest = z.infer<typeof CdfElectionContestSchema>;

/** The `Code` `OtherType` under which a ranked contest's number of ranks is written and read. */
export const NUMBER_OF_RANKS = 'NumberOfRanks';
