/** NIST SP 1500-103 JSON reader: streams CVRs out of a CastVoteRecordReport, one normalised Cvr at a time. */
import path from 'node:path';
import { z } from 'zod';
import type { Cvr, Mark } from '../../core/cvr/model.js';
import { formatPath } from '../../core/election/load.js';
import { InputError } from '../errors.js';
import { splitJsonFile } from '../json/split-file.js';
import {
  type CdfCvr,
  CdfCvrSchema,
  type CdfElection,
  CdfElectionSchema,
  type CdfGpUnit,
  CdfGpUnitSchema,
  cdfCvrIdsAsText,
} from './cdf-schema.js';
import { cdfXmlItems } from './cdf-xml-items.js';

const REPORT_TYPES = new Set(['CVR.CastVoteRecordReport', 'CastVoteRecordReport']);

export interface CdfHeader {
  readonly elections: CdfElection[];
  readonly gpUnits: CdfGpUnit[];
  readonly generatedDate?: string;
}

/** A report's items, from either encoding: JSON (.json) or XML (.xml). */
const items = (file: string, onBytes?: (n: number) => void) =>
  /\.xml$/i.test(file) ? cdfXmlItems(file, onBytes) : splitJsonFile(file, 'CVR', onBytes);

function parseMember<T>(file: string, key: string, schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new InputError(file, key, `${i ? `${formatPath(i.path)}: ${i.message}` : 'invalid'}`);
  }
  return r.data;
}

function checkMember(
  file: string,
  key: string,
  value: unknown,
  header: { elections: CdfElection[]; gpUnits: CdfGpUnit[]; generatedDate?: string },
) {
  if (key === '@type' && !REPORT_TYPES.has(String(value)))
    throw new InputError(
      file,
      undefined,
      `not a NIST SP 1500-103 CastVoteRecordReport (@type is ${JSON.stringify(value)})`,
    );
  if (key === 'Election') header.elections = parseMember(file, 'Election', z.array(CdfElectionSchema), value);
  if (key === 'GpUnit') header.gpUnits = parseMember(file, 'GpUnit', z.array(CdfGpUnitSchema), value);
  if (key === 'GeneratedDate' && typeof value === 'string') header.generatedDate = value;
}

/** The report's Election, GpUnit and date members, plus a callback for every raw CVR (a first pass). */
export async function readCdfHeader(
  file: string,
  onCvr?: (cvr: CdfCvr, index: number) => void,
): Promise<CdfHeader> {
  const header: { elections: CdfElection[]; gpUnits: CdfGpUnit[]; generatedDate?: string } = {
    elections: [],
    gpUnits: [],
  };
  for await (const batch of items(file))
    for (const item of batch) {
      if (item.kind === 'member') checkMember(file, item.key, item.value, header);
      else if (onCvr) onCvr(parseCdfCvr(file, item.index, item.text), item.index);
    }
  return header;
}

function parseCdfCvr(file: string, index: number, text: string): CdfCvr {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InputError(file, `CVR[${index}]`, `not valid JSON: ${(e as Error).message}`);
  }
  const r = CdfCvrSchema.safeParse(json);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new InputError(file, `CVR[${index}]`, i ? `${formatPath(i.path)}: ${i.message}` : 'not a CVR');
  }
  return cdfCvrIdsAsText(r.data);
}

/** Maps one CDF CVR to the normalised model, using the snapshot that CurrentSnapshotId names. */
export function cdfCvrToCvr(file: string, index: number, raw: CdfCvr, jurisdiction: string): Cvr {
  const record = `CVR[${index}]`;
  const snapshot = raw.CVRSnapshot.find((s) => s['@id'] === raw.CurrentSnapshotId);
  if (!snapshot)
    throw new InputError(
      file,
      record,
      `CurrentSnapshotId ${JSON.stringify(raw.CurrentSnapshotId)} names no snapshot`,
    );
  const contests = (snapshot.CVRContest ?? []).map((c) => {
    const marks: Mark[] = [];
    for (const sel of c.CVRContestSelection ?? []) {
      for (const pos of sel.SelectionPosition) {
        if (pos.HasIndication === 'no' || (pos.NumberVotes ?? 1) === 0) continue;
        // A write-in that names no contest selection cannot be counted for any option; RCTab ignores it too.
        if (!sel.ContestSelectionId && pos.CVRWriteIn) continue;
        if (!sel.ContestSelectionId)
          throw new InputError(
            file,
            record,
            `contest ${JSON.stringify(c.ContestId)}: a marked selection has no ContestSelectionId`,
          );
        const mark: { choice: string; rank?: number; writeIn?: string } = { choice: sel.ContestSelectionId };
        if (pos.Rank !== undefined) mark.rank = pos.Rank;
        if (pos.CVRWriteIn?.Text) mark.writeIn = pos.CVRWriteIn.Text;
        marks.push(mark);
      }
    }
    return { contest: c.ContestId, marks };
  });
  const id =
    raw.UniqueId ?? raw.BallotPrePrintedId ?? raw.BallotAuditId ?? `${path.basename(file)}(${index + 1})`;
  const cvr: Cvr = { jurisdiction, id, contests };
  const optional = {
    tabulator: raw.CreatingDeviceId,
    batch: raw.BatchId,
    position: raw.BatchSequenceId,
    imprintedId: raw.BallotAuditId ?? raw.BallotPrePrintedId,
    precinct: raw.BallotStyleUnitId,
    ballotStyle: raw.BallotStyleId,
  };
  for (const [k, v] of Object.entries(optional))
    if (v !== undefined && v !== '') (cvr as Record<string, unknown>)[k] = v;
  return cvr;
}

/**
 * The raw text of each CVR of one report, in order, in arrays as the file's chunks complete them; the
 * report's other members are checked on the way.
 */
export async function* readCdfCvrTexts(
  file: string,
  onBytes?: (n: number) => void,
  onHeader?: (header: CdfHeader) => void,
): AsyncGenerator<{ index: number; text: string }[]> {
  const header: { elections: CdfElection[]; gpUnits: CdfGpUnit[] } = { elections: [], gpUnits: [] };
  let count = 0;
  for await (const batch of items(file, onBytes)) {
    const texts: { index: number; text: string }[] = [];
    for (const item of batch) {
      if (item.kind === 'member') checkMember(file, item.key, item.value, header);
      else texts.push({ index: item.index, text: item.text });
    }
    count += texts.length;
    if (texts.length > 0) yield texts;
  }
  if (count === 0)
    throw new InputError(file, undefined, 'the report has no CVRs (no "CVR" array, or an empty one)');
  onHeader?.(header);
}

/** One CVR's text to the normalised model; InputError with the record and reason when it is not a valid CDF CVR. */
export function cdfTextToCvr(
  file: string,
  index: number,
  text: string,
  jurisdiction: string,
): { cvr: Cvr; electionId?: string } {
  const raw = parseCdfCvr(file, index, text);
  return { cvr: cdfCvrToCvr(file, index, raw, jurisdiction), electionId: raw.ElectionId };
}
