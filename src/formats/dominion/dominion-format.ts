/**
 * Dominion Democracy Suite CVR export (JSON): a folder of `CvrExport*.json` files (Sessions → Original /
 * Modified → Cards → Contests → Marks) and the manifests that name what the numbers mean. The whole folder
 * is one import. Ids in the normalised model: contests and candidates keep Dominion's numbers; precinct
 * portions become `portion-<id>`, precincts `precinct-<id>`, ballot types `ballot-type-<id>` — the ids of the
 * definition derived from the manifests. Against a loaded definition with ids of its own, each is resolved by
 * its manifest name (`vendorNames`), as the CSV export's names are.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import type { Cvr, Mark } from '../../core/cvr/model.js';
import { formatPath } from '../../core/election/load.js';
import { type ConvertedCvr, type CvrFormatReader, elementLabel } from '../cvr-format.js';
import { DERIVED_JURISDICTION, derivedContest, derivedDefinition } from '../derived-definition.js';
import { InputError } from '../errors.js';
import { splitJsonFile } from '../json/split-file.js';
import {
  DominionCandidateSchema,
  DominionContestSchema,
  DominionElectionEventSchema,
  DominionNamedSchema,
  DominionPrecinctPortionSchema,
  type DominionSession,
  DominionSessionSchema,
  type DominionSnapshot,
  manifestSchema,
} from './dominion-schema.js';

export interface DominionContext {
  readonly contests: { id: number; name: string; voteFor: number; ranks: number; districtId?: number }[];
  readonly candidates: { id: number; name: string; contestId: number; writeIn: boolean }[];
  readonly portions: { id: number; name: string; precinctId?: number }[];
  readonly precincts: { id: number; name: string }[];
  readonly ballotTypes: { id: number; name: string }[];
  /** counting group id → name */
  readonly countingGroups: Record<string, string>;
  readonly election?: { name?: string; jurisdiction?: string; date?: string };
  /** Contest ids that are ranked (NumOfRanks > 0). */
  readonly ranked: number[];
  /** Outstack conditions that mark a contest as not valid on the ballot (`InvalidContest`). */
  readonly invalidContest: number[];
}

const REQUIRED = ['CandidateManifest.json', 'ContestManifest.json'];
const isExport = (name: string) => /^CvrExport.*\.json$/i.test(name);
const exportOrder = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });

async function folderOf(p: string): Promise<{ dir: string; exports: string[] }> {
  const s = await stat(p).catch(() => undefined);
  if (!s) throw new InputError(p, undefined, 'no such file or folder');
  if (s.isFile()) {
    if (!isExport(path.basename(p)))
      throw new InputError(p, undefined, 'not a Dominion CvrExport*.json file (or pass the export folder)');
    return { dir: path.dirname(p), exports: [p] };
  }
  const names = await readdir(p);
  const exports = names
    .filter(isExport)
    .sort(exportOrder)
    .map((n) => path.join(p, n));
  if (exports.length === 0) throw new InputError(p, undefined, 'the folder has no CvrExport*.json file');
  return { dir: p, exports };
}

async function manifest<T extends z.ZodType>(
  dir: string,
  name: string,
  item: T,
  required: boolean,
): Promise<z.infer<T>[]> {
  const file = path.join(dir, name);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    if (required)
      throw new InputError(
        file,
        undefined,
        `the ${name.replace('.json', '')} is missing from the export folder`,
      );
    return [];
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InputError(file, undefined, `not valid JSON: ${(e as Error).message}`);
  }
  const r = manifestSchema(item).safeParse(json);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new InputError(file, i ? formatPath(i.path) : undefined, i?.message ?? 'not a Dominion manifest');
  }
  return r.data.List as z.infer<T>[];
}

function currentSnapshot(s: DominionSession): DominionSnapshot {
  if (s.Modified && s.Modified.IsCurrent !== false) return s.Modified;
  if (s.Modified && s.Original.IsCurrent === false) return s.Modified;
  return s.Original;
}

const portionId = (id: number) => `portion-${id}`;
const precinctId = (id: number) => `precinct-${id}`;
const ballotTypeId = (id: number) => `ballot-type-${id}`;

export function dominionSessionToCvr(
  ctx: DominionContext,
  file: string,
  index: number,
  text: string,
  jurisdiction: string,
): ConvertedCvr {
  const record = `Sessions[${index}]`;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InputError(file, record, `not valid JSON: ${(e as Error).message}`);
  }
  const parsed = DominionSessionSchema.safeParse(json);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new InputError(file, record, i ? `${formatPath(i.path)}: ${i.message}` : 'not a Dominion session');
  }
  const s = parsed.data;
  const snap = currentSnapshot(s);
  const ranked = new Set(ctx.ranked);
  const byContest = new Map<string, Mark[]>();
  for (const card of snap.Cards ?? [{ Contests: snap.Contests ?? [] }])
    for (const contest of card.Contests) {
      // A contest the tabulator flagged as not valid on this ballot is not on it: no votes, no undervote.
      if (contest.OutstackConditionIds?.some((c) => ctx.invalidContest.includes(c))) continue;
      const id = String(contest.Id);
      const marks = byContest.get(id) ?? [];
      byContest.set(id, marks);
      for (const m of contest.Marks) {
        if (m.IsAmbiguous) continue; // adjudicated as not a mark
        const mark: { choice: string; rank?: number } = { choice: String(m.CandidateId) };
        if (ranked.has(contest.Id)) {
          if (m.Rank === undefined || m.Rank < 1)
            throw new InputError(file, record, `ranked contest ${id}: a mark has no rank`);
          mark.rank = m.Rank;
        }
        marks.push(mark);
      }
    }
  const cvr: Cvr = {
    jurisdiction,
    id: `${s.TabulatorId}-${s.BatchId}-${s.RecordId}`,
    tabulator: String(s.TabulatorId),
    batch: String(s.BatchId),
    ...(typeof s.RecordId === 'number' ? { position: s.RecordId } : {}),
    ...(snap.PrecinctPortionId !== undefined ? { precinct: portionId(snap.PrecinctPortionId) } : {}),
    ...(snap.BallotTypeId !== undefined ? { ballotStyle: ballotTypeId(snap.BallotTypeId) } : {}),
    ...(s.CountingGroupId !== undefined && ctx.countingGroups[String(s.CountingGroupId)]
      ? { countingGroup: ctx.countingGroups[String(s.CountingGroupId)] }
      : {}),
    contests: [...byContest.entries()].map(([contest, marks]) => ({ contest, marks })),
  };
  return { cvr };
}

export const dominionFormat: CvrFormatReader<DominionContext> = {
  name: 'dominion',
  recordLabel: elementLabel('Sessions'),
  async files(p) {
    const { dir, exports } = await folderOf(p);
    const names = await readdir(dir);
    const manifests = names
      .filter((n) => /Manifest\.json$/i.test(n))
      .sort()
      .map((n) => path.join(dir, n));
    return [...manifests, ...exports];
  },
  async context(p) {
    const { dir } = await folderOf(p);
    const contests = await manifest(dir, REQUIRED[1]!, DominionContestSchema, true);
    const candidates = await manifest(dir, REQUIRED[0]!, DominionCandidateSchema, true);
    const portions = await manifest(
      dir,
      'PrecinctPortionManifest.json',
      DominionPrecinctPortionSchema,
      false,
    );
    const precincts = await manifest(dir, 'PrecinctManifest.json', DominionNamedSchema, false);
    const ballotTypes = await manifest(dir, 'BallotTypeManifest.json', DominionNamedSchema, false);
    const groups = await manifest(dir, 'CountingGroupManifest.json', DominionNamedSchema, false);
    const events = await manifest(dir, 'ElectionEventManifest.json', DominionElectionEventSchema, false);
    const outstack = await manifest(dir, 'OutstackConditionManifest.json', DominionNamedSchema, false);
    const contestIds = new Set(contests.map((c) => c.Id));
    const orphan = candidates.find((c) => !contestIds.has(c.ContestId));
    if (orphan)
      throw new InputError(
        path.join(dir, REQUIRED[0]!),
        undefined,
        `candidate ${orphan.Id} names contest ${orphan.ContestId}, which the ContestManifest does not have`,
      );
    const event = events[0];
    return {
      contests: contests.map((c) => ({
        id: c.Id,
        name: c.Description,
        voteFor: c.VoteFor,
        ranks: c.NumOfRanks,
        districtId: c.DistrictId,
      })),
      candidates: candidates.map((c) => ({
        id: c.Id,
        name: c.Description,
        contestId: c.ContestId,
        writeIn: /write/i.test(c.Type ?? ''),
      })),
      portions: portions.map((p) => ({ id: p.Id, name: p.Description, precinctId: p.PrecinctId })),
      precincts: precincts.map((p) => ({ id: p.Id, name: p.Description })),
      ballotTypes: ballotTypes.map((b) => ({ id: b.Id, name: b.Description })),
      countingGroups: Object.fromEntries(groups.map((g) => [String(g.Id), g.Description])),
      election: event
        ? { name: event.Description, jurisdiction: event.Jurisdiction, date: event.ElectionDate }
        : undefined,
      ranked: contests.filter((c) => c.NumOfRanks > 0).map((c) => c.Id),
      invalidContest: outstack.filter((o) => o.Description === 'InvalidContest').map((o) => o.Id),
    };
  },
  async *records(p, _ctx, _report, onBytes) {
    const { exports } = await folderOf(p);
    for (const file of exports)
      for await (const items of splitJsonFile(file, 'Sessions', onBytes))
        for (const item of items)
          if (item.kind === 'element') yield { index: item.index, file, text: item.text };
  },
  convert: (ctx, raw, jurisdiction) => dominionSessionToCvr(ctx, raw.file, raw.index, raw.text, jurisdiction),
  vendorNames: (ctx) => ({
    contests: Object.fromEntries(ctx.contests.map((c) => [String(c.id), c.name])),
    choices: Object.fromEntries(
      ctx.contests.map((c) => [
        String(c.id),
        Object.fromEntries(
          ctx.candidates.filter((x) => x.contestId === c.id).map((x) => [String(x.id), x.name]),
        ),
      ]),
    ),
    units: Object.fromEntries([
      ...ctx.precincts.map((x) => [precinctId(x.id), x.name] as const),
      ...ctx.portions.map((x) => [portionId(x.id), x.name] as const),
    ]),
    ballotStyles: Object.fromEntries(ctx.ballotTypes.map((b) => [ballotTypeId(b.id), b.name])),
  }),
  async derive(p, ctx) {
    const d = ctx.election?.date;
    const date = d && /^\d{8}$/.test(d) ? `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}` : undefined;
    const name = ctx.election?.name ?? path.basename(p);
    const jurisdiction = { id: DERIVED_JURISDICTION, name: ctx.election?.jurisdiction ?? name };
    const precinctIds = new Set(ctx.precincts.map((x) => x.id));
    const orphanPortions = ctx.portions.filter(
      (x) => x.precinctId === undefined || !precinctIds.has(x.precinctId),
    );
    const unit = (
      id: string,
      unitName: string,
      splits: { id: string; name: string; districts: string[] }[] = [],
    ) => ({
      id,
      name: unitName,
      jurisdiction: jurisdiction.id,
      districts: [],
      splits,
    });
    const empty = ctx.contests.filter((c) => !ctx.candidates.some((x) => x.contestId === c.id));
    return derivedDefinition({
      title: name,
      date,
      jurisdiction,
      precincts: [
        ...ctx.precincts.map((pr) =>
          unit(
            precinctId(pr.id),
            pr.name,
            ctx.portions
              .filter((x) => x.precinctId === pr.id)
              .map((x) => ({ id: portionId(x.id), name: x.name, districts: [] })),
          ),
        ),
        // Portions whose precinct is not in a PrecinctManifest stand as precincts of their own.
        ...orphanPortions.map((x) => unit(portionId(x.id), x.name)),
      ],
      ballotStyles: ctx.ballotTypes.map((b) => ballotTypeId(b.id)),
      contests: ctx.contests.map((c) =>
        derivedContest({
          id: String(c.id),
          title: c.name,
          seats: c.voteFor,
          ranks: c.ranks,
          candidates: ctx.candidates
            .filter((x) => x.contestId === c.id)
            .map((x) => ({ id: String(x.id), name: x.name, ...(x.writeIn ? { writeIn: true } : {}) })),
        }),
      ),
      notes: [
        `derived from the Dominion manifests: ${ctx.contests.length} contests, ${ctx.precincts.length} precincts, ${ctx.portions.length} precinct portions, ${ctx.ballotTypes.length} ballot types`,
        ...empty.map((c) => `contest "${c.name}" has no candidates in the CandidateManifest`),
      ],
    });
  },
};
