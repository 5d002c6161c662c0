/** The election definition: parties, jurisdictions, districts, precincts (with splits), ballot styles, contests. */
import { z } from 'zod';
import { RctabConfigSchema } from '../rcv/config.js';

const Id = z.string().min(1).max(200);
const Name = z.string().min(1).max(500);

export const PartySchema = z.object({ id: Id, name: Name, abbreviation: z.string().optional() }).strict();
export const JurisdictionSchema = z.object({ id: Id, name: Name }).strict();
export const DistrictSchema = z.object({ id: Id, name: Name }).strict();
export const PrecinctSplitSchema = z
  .object({ id: Id, name: Name, districts: z.array(Id).default([]) })
  .strict();
export const PrecinctSchema = z
  .object({
    id: Id,
    name: Name,
    jurisdiction: Id,
    districts: z.array(Id).default([]),
    splits: z.array(PrecinctSplitSchema).default([]),
  })
  .strict();
export const BallotStyleSchema = z
  .object({
    id: Id,
    /** Precinct or split ids where this style is used. */
    precincts: z.array(Id).default([]),
    districts: z.array(Id).default([]),
  })
  .strict();

export const CandidateSchema = z
  .object({ id: Id, name: Name, party: Id.optional(), writeIn: z.boolean().optional() })
  .strict();

const ContestBase = { id: Id, title: Name, district: Id.optional() };

export const CandidateContestSchema = z
  .object({
    ...ContestBase,
    type: z.literal('candidate'),
    seats: z.number().int().min(1).default(1),
    votesAllowed: z.number().int().min(1).default(1),
    /** Candidates, including write-in slots (writeIn: true). */
    candidates: z.array(CandidateSchema).min(1),
  })
  .strict();

export const RankedContestSchema = z
  .object({
    ...ContestBase,
    type: z.literal('ranked'),
    seats: z.number().int().min(1).default(1),
    maxRankings: z.number().int().min(1),
    candidates: z.array(CandidateSchema).min(1),
    /** How the contest is counted, in RCTab's rule names; unset rules take the defaults of `rcv`. */
    rules: RctabConfigSchema.shape.rules.optional(),
  })
  .strict();

export const YesNoContestSchema = z
  .object({
    ...ContestBase,
    type: z.literal('yesno'),
    choices: z.array(z.object({ id: Id, name: Name }).strict()).min(2),
  })
  .strict();

export const ContestSchema = z.discriminatedUnion('type', [
  CandidateContestSchema,
  RankedContestSchema,
  YesNoContestSchema,
]);

export const ElectionSchema = z
  .object({
    format: z.literal('tallyproof-election/1'),
    id: Id,
    title: Name,
    date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD'),
    jurisdictions: z.array(JurisdictionSchema).min(1),
    parties: z.array(PartySchema).default([]),
    districts: z.array(DistrictSchema).default([]),
    precincts: z.array(PrecinctSchema).default([]),
    ballotStyles: z.array(BallotStyleSchema).default([]),
    contests: z.array(ContestSchema).min(1),
  })
  .strict();

export type Election = z.infer<typeof ElectionSchema>;
export type Contest = z.infer<typeof ContestSchema>;
export type CandidateContest = z.infer<typeof CandidateContestSchema>;
export type RankedContest = z.infer<typeof RankedContestSchema>;
export type YesNoContest = z.infer<typeof YesNoContestSchema>;

/** The choice ids a contest accepts (candidates, write-in slots, or yes/no options). */
export const choicesOf = (c: Contest): readonly { id: string; name: string }[] =>
  c.type === 'yesno' ? c.choices : c.candidates;

/** How many marks a voter may make (ranked contests: one per rank). */
export const votesAllowedOf = (c: Contest): number =>
  c.type === 'candidate' ? c.votesAllowed : c.type === 'ranked' ? 1 : 1;
