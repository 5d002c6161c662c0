/**
 * The parts of a Dominion Democracy Suite CVR export (JSON) that Tallyproof reads; other fields pass.
 * Session schemas drop the fields they do not name (z.object): zod compiles those, about twice as fast as
 * loose objects on the import hot path.
 */
import { z } from 'zod';

const Id = z.number().int();

export const manifestSchema = <T extends z.ZodType>(item: T) => z.looseObject({ List: z.array(item) });

export const DominionCandidateSchema = z.looseObject({
  Description: z.string(),
  Id,
  ContestId: Id,
  Type: z.string().optional(),
});
export const DominionContestSchema = z.looseObject({
  Description: z.string(),
  Id,
  DistrictId: Id.optional(),
  VoteFor: z.number().int().min(1),
  NumOfRanks: z.number().int().min(0).default(0),
});
export const DominionPrecinctPortionSchema = z.looseObject({
  Description: z.string(),
  Id,
  PrecinctId: Id.optional(),
});
export const DominionNamedSchema = z.looseObject({ Description: z.string(), Id });
export const DominionElectionEventSchema = z.looseObject({
  Description: z.string().optional(),
  Jurisdiction: z.string().optional(),
  ElectionDate: z.string().optional(),
});

const MarkSchema = z.object({
  CandidateId: Id,
  Rank: z.number().int().min(0).optional(),
  IsAmbiguous: z.boolean().optional(),
  IsVote: z.boolean().optional(),
});
const ContestSchema = z.object({
  Id,
  Marks: z.array(MarkSchema).default([]),
  OutstackConditionIds: z.array(z.number().int()).optional(),
});
const CardSchema = z.object({ Contests: z.array(ContestSchema).default([]) });
const SnapshotSchema = z.object({
  PrecinctPortionId: Id.optional(),
  BallotTypeId: Id.optional(),
  IsCurrent: z.boolean().optional(),
  Cards: z.array(CardSchema).optional(),
  /** Older exports put the contests straight on the snapshot. */
  Contests: z.array(ContestSchema).optional(),
});
export type DominionSnapshot = z.infer<typeof SnapshotSchema>;

export const DominionSessionSchema = z.object({
  TabulatorId: Id,
  BatchId: Id,
  RecordId: z.union([Id, z.string().min(1)]),
  CountingGroupId: Id.optional(),
  Original: SnapshotSchema,
  Modified: SnapshotSchema.optional(),
});
export type DominionSession = z.infer<typeof DominionSessionSchema>;
