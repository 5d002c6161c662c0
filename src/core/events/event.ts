/**
 * Events: every state-changing action, committed in the same log as the CVRs. An event says what, when and
 * by which key; its data never holds a voter's identity or selections (VVSG 15.1-C, 10.2.4-B).
 */
import { z } from 'zod';

export const EventTypeSchema = z.enum(['election.loaded', 'cvrs.imported']);
export type EventType = z.infer<typeof EventTypeSchema>;

const Scalar = z.union([z.string().max(2000), z.number().int(), z.boolean(), z.null()]);

export const EventSchema = z
  .object({
    type: EventTypeSchema,
    /** ISO 8601 UTC time of the action. */
    at: z.iso.datetime(),
    /** The verifier key name+id of the key that signed the action's checkpoint, when one did. */
    by: z.string().max(300).optional(),
    data: z.record(z.string().max(100), Scalar),
  })
  .strict();

export type TallyEvent = z.infer<typeof EventSchema>;
