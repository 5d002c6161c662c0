/**
 * Hart Verity CVR export: a folder of per-ballot XML files (namespace http://tempuri.org/CVRDesign.xsd):
 * `CvrGuid`, `BatchNumber`, `BatchSequence`, `PrecinctSplit`, `Contests/Contest/{Id,Name,Options/Option/
 * {Id,Name,Value,WriteInData}}`. An option's Value is a string of 0s and 1s read left to right, one position
 * per rank: `1` is a plain vote, `0100` rank 2, `0101` ranks 2 and 4 for the one option (a repeated
 * ranking); the same position marked in two options is an overvote at that rank, which the contest's rules
 * apply as to any CVR. A contest whose Values are longer than one position is ranked. Contest and option
 * ids are Hart's GUIDs.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Mark } from '../../core/cvr/model.js';
import { type ConvertedCvr, type CvrFormatReader, numberedLabel, type RawRecord } from '../cvr-format.js';
import { DERIVED_JURISDICTION, derivedContest, derivedDefinition } from '../derived-definition.js';
import { InputError } from '../errors.js';
import { readSmallFile } from '../small-file.js';
import { child, children, parseSmallXml, textOf, type XmlElement } from '../xml/small-xml.js';
import { zipEntries } from '../zip-check.js';

export interface HartContext {
  /** Contests in which some option's Value has more than one position: ranked. */
  readonly ranked: string[];
}

/** The ranks (1-based positions) an option's Value marks; undefined when it is not a string of 0s and 1s. */
export function hartRanks(value: string): number[] | undefined {
  if (!/^[01]+$/.test(value)) return undefined;
  const ranks: number[] = [];
  for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) === 49) ranks.push(i + 1);
  return ranks;
}

async function ballotFiles(p: string): Promise<string[]> {
  const s = await stat(p).catch(() => undefined);
  if (!s) throw new InputError(p, undefined, 'no such folder');
  if (s.isFile() && /\.zip$/i.test(p)) return [p];
  if (!s.isDirectory())
    throw new InputError(p, undefined, 'a Hart export is a folder (or a .zip) of per-ballot XML files');
  const files = (await readdir(p)).filter((n) => /\.xml$/i.test(n)).sort();
  if (files.length === 0) throw new InputError(p, undefined, 'the folder has no .xml files');
  return files.map((n) => path.join(p, n));
}

function parseBallot(raw: RawRecord): XmlElement {
  let doc: XmlElement;
  try {
    doc = parseSmallXml(raw.text);
  } catch (e) {
    throw new InputError(raw.file, undefined, `not well-formed XML: ${(e as Error).message.split('\n')[0]}`);
  }
  if (doc.name !== 'Cvr')
    throw new InputError(raw.file, undefined, `the root element is <${doc.name}>, not a Hart <Cvr>`);
  return doc;
}

function contestsOf(doc: XmlElement) {
  return children(child(doc, 'Contests'), 'Contest').map((c) => ({
    id: textOf(c, 'Id'),
    name: textOf(c, 'Name'),
    options: children(child(c, 'Options'), 'Option').map((o) => ({
      id: textOf(o, 'Id'),
      name: textOf(o, 'Name'),
      value: (textOf(o, 'Value') ?? '1').trim(),
      writeIn: child(o, 'WriteInData') !== undefined,
      writeInText: textOf(child(o, 'WriteInData'), 'Text'),
    })),
  }));
}

export function hartBallotToCvr(ctx: HartContext, raw: RawRecord, jurisdiction: string): ConvertedCvr {
  const doc = parseBallot(raw);
  const guid = textOf(doc, 'CvrGuid');
  if (!guid) throw new InputError(raw.file, undefined, 'no CvrGuid');
  const ranked = new Set(ctx.ranked);
  const contests = contestsOf(doc).map((c, i) => {
    if (!c.id) throw new InputError(raw.file, `Contest[${i}]`, 'a contest without an Id');
    const marks: Mark[] = c.options.flatMap((o, j) => {
      if (!o.id) throw new InputError(raw.file, `Contest[${i}].Option[${j}]`, 'an option without an Id');
      const ranks = hartRanks(o.value);
      if (!ranks)
        throw new InputError(
          raw.file,
          `Contest[${i}].Option[${j}]`,
          `Value ${JSON.stringify(o.value)} is not a string of 0s and 1s (one position per rank)`,
        );
      const writeIn = o.writeInText ? { writeIn: o.writeInText } : {};
      if (!ranked.has(c.id!)) return ranks.length > 0 ? [{ choice: o.id, ...writeIn }] : [];
      return ranks.map((rank) => ({ choice: o.id!, rank, ...writeIn }));
    });
    return { contest: c.id, marks };
  });
  const sequence = textOf(doc, 'BatchSequence');
  const split = child(doc, 'PrecinctSplit');
  return {
    cvr: {
      jurisdiction,
      id: guid,
      ...(textOf(doc, 'BatchNumber') ? { batch: textOf(doc, 'BatchNumber') } : {}),
      ...(sequence && /^\d+$/.test(sequence) ? { position: Number(sequence) } : {}),
      ...(textOf(split, 'Id') ? { precinct: textOf(split, 'Id') } : {}),
      contests,
    },
  };
}

/** One ballot's XML is a few kilobytes; a file far larger is not a ballot, and is refused before it is read. */
export const MAX_BALLOT_FILE_BYTES = 16 * 1024 * 1024;

/** The ballot files of a folder, or of a .zip archive (named `archive.zip:entry.xml` in messages). */
async function* ballotBytes(p: string): AsyncGenerator<{ file: string; bytes: Uint8Array }> {
  const files = await ballotFiles(p);
  if (files.length === 1 && /\.zip$/i.test(files[0]!)) {
    let any = false;
    for await (const { name, bytes } of zipEntries(p, (n) => /\.xml$/i.test(n), MAX_BALLOT_FILE_BYTES)) {
      any = true;
      yield { file: `${p}:${name}`, bytes };
    }
    if (!any) throw new InputError(p, undefined, 'the archive has no .xml files');
    return;
  }
  for (const file of files) {
    const read = readSmallFile(file, MAX_BALLOT_FILE_BYTES);
    if ('size' in read)
      throw new InputError(
        file,
        undefined,
        `${read.size} bytes, more than the ${MAX_BALLOT_FILE_BYTES} a Hart ballot file may hold: not a ballot`,
      );
    yield { file, bytes: read.bytes };
  }
}

async function* ballots(p: string, onBytes?: (n: number) => void): AsyncGenerator<RawRecord> {
  let index = 0;
  for await (const { file, bytes } of ballotBytes(p)) {
    onBytes?.(bytes.length);
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw new InputError(file, undefined, 'the file is not valid UTF-8');
    }
    yield { index: index++, file, text };
  }
}

export const hartFormat: CvrFormatReader<HartContext> = {
  name: 'hart',
  recordLabel: numberedLabel('ballot'),
  files: ballotFiles,
  async context(p) {
    // One pass over the (small) ballot files to learn which contests are ranked.
    const ranked = new Set<string>();
    for await (const raw of ballots(p))
      for (const c of contestsOf(parseBallot(raw)))
        if (c.id && c.options.some((o) => o.value.length > 1)) ranked.add(c.id);
    return { ranked: [...ranked] };
  },
  records: (p, _ctx, _report, onBytes) => ballots(p, onBytes),
  convert: hartBallotToCvr,
  async derive(p, ctx) {
    const contests = new Map<
      string,
      {
        name: string;
        options: Map<string, { name: string; writeIn: boolean }>;
        maxRank: number;
        maxMarks: number;
      }
    >();
    const splits = new Map<string, string>();
    for await (const raw of ballots(p)) {
      const doc = parseBallot(raw);
      const split = child(doc, 'PrecinctSplit');
      const splitId = textOf(split, 'Id');
      if (splitId) splits.set(splitId, textOf(split, 'Name') ?? splitId);
      for (const c of contestsOf(doc)) {
        if (!c.id) continue;
        const entry = contests.get(c.id) ?? {
          name: c.name ?? c.id,
          options: new Map(),
          maxRank: 0,
          maxMarks: 0,
        };
        contests.set(c.id, entry);
        entry.maxMarks = Math.max(entry.maxMarks, c.options.length);
        for (const o of c.options) {
          if (!o.id) continue;
          entry.maxRank = Math.max(entry.maxRank, o.value.length);
          if (!entry.options.has(o.id))
            entry.options.set(o.id, { name: o.name ?? (o.writeIn ? 'Write-in' : o.id), writeIn: o.writeIn });
        }
      }
    }
    return derivedDefinition({
      title: 'Election',
      precincts: [...splits.entries()].map(([id, name]) => ({
        id,
        name,
        jurisdiction: DERIVED_JURISDICTION,
        districts: [],
        splits: [],
      })),
      contests: [...contests.entries()].map(([id, c]) => {
        const candidates = [...c.options.entries()].map(([oid, o]) => ({
          id: oid,
          name: o.name,
          ...(o.writeIn ? { writeIn: true } : {}),
        }));
        if (candidates.length === 0) candidates.push({ id: `${id}-no-votes`, name: 'No votes recorded' });
        const ranks = ctx.ranked.includes(id) ? c.maxRank : undefined;
        return derivedContest({ id, title: c.name, seats: 1, ranks, candidates });
      }),
      notes: [
        `derived from ${contests.size} contests seen on the ballots; a contest is known by the options voted in it (unvoted candidates are not in a Hart CVR)`,
        'votes allowed is taken as 1 per contest: a Hart CVR does not state it; load a definition for vote-for-N contests',
      ],
    });
  },
};
