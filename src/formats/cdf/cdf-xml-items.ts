/**
 * NIST SP 1500-103 XML, read as a stream and turned into the same items as the JSON report: each top-level
 * `CVR` element becomes the JSON text of the equivalent JSON CVR, and the other top-level elements (Election,
 * GpUnit, …) become members. So one set of schemas and one conversion serve both encodings.
 * XML → JSON: `ObjectId` is `@id`, `xsi:type` is `@type`; repeatable elements are arrays; counts are numbers.
 */
import { createReadStream } from 'node:fs';
import { SaxesParser } from 'saxes';
import { InputError } from '../errors.js';
import type { SplitItem } from '../json/object-splitter.js';

const ARRAYS = new Set([
  'CVR',
  'CVRSnapshot',
  'CVRContest',
  'CVRContestSelection',
  'SelectionPosition',
  'Election',
  'GpUnit',
  'Candidate',
  'Contest',
  'ContestSelection',
  'CandidateIds',
  'Party',
  'PartyIds',
  'BallotImage',
  'ReportingDevice',
  'ReportGeneratingDeviceIds',
  'ComposingGpUnitIds',
  'Code',
]);
const NUMBERS = new Set([
  'NumberVotes',
  'Rank',
  'BatchSequenceId',
  'VotesAllowed',
  'NumberElected',
  'NumberOfRanks',
  'Undervotes',
  'Overvotes',
  'Selections',
  'OptionPosition',
  'TotalNumberVotes',
  'TotalFractionalVotes',
  'SequenceOrder',
]);
const BOOLEANS = new Set(['IsWriteIn']);

/** Bounds on what one element may hold: a report's structure is shallow and its values short. */
const MAX_DEPTH = 64;
const MAX_TEXT_CHARS = 1024 * 1024;

interface Frame {
  readonly name: string;
  readonly obj: Record<string, unknown>;
  text: string;
  hasChildren: boolean;
}

const local = (name: string) => name.replace(/^.*:/, '');

function leafValue(name: string, text: string): unknown {
  const t = text.trim();
  if (NUMBERS.has(name) && /^-?\d+$/.test(t)) return Number(t);
  if (BOOLEANS.has(name)) return t === 'true' || t === '1';
  return t;
}

/** The report's CVRs and members as the JSON splitter gives them: in arrays, the CVRs each chunk completes. */
export async function* cdfXmlItems(file: string, onBytes?: (n: number) => void): AsyncGenerator<SplitItem[]> {
  const parser = new SaxesParser({ xmlns: false, position: true });
  const stack: Frame[] = [];
  const ready: SplitItem[] = [];
  let cvrIndex = 0;
  let sawRoot = false;
  parser.on('opentag', (tag) => {
    const name = local(tag.name);
    if (stack.length === 0) {
      if (name !== 'CastVoteRecordReport')
        throw new Error(`the root element is <${name}>, not a CastVoteRecordReport`);
      sawRoot = true;
    }
    const obj: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(tag.attributes as Record<string, string>)) {
      if (k === 'ObjectId') obj['@id'] = v;
      else if (local(k) === 'type') obj['@type'] = local(v);
    }
    const parent = stack[stack.length - 1];
    if (parent) parent.hasChildren = true;
    if (stack.length >= MAX_DEPTH)
      throw new Error(
        `elements nested deeper than ${MAX_DEPTH}: not a CDF report (a CVR nests about 8 deep)`,
      );
    stack.push({ name, obj, text: '', hasChildren: false });
  });
  parser.on('text', (t) => {
    const top = stack[stack.length - 1];
    if (!top) return;
    top.text += t;
    if (top.text.length > MAX_TEXT_CHARS)
      throw new Error(`<${top.name}> holds more than ${MAX_TEXT_CHARS} characters of text: not a CDF value`);
  });
  parser.on('closetag', () => {
    const frame = stack.pop()!;
    const value =
      frame.hasChildren || Object.keys(frame.obj).length > 0 ? frame.obj : leafValue(frame.name, frame.text);
    const parent = stack[stack.length - 1];
    if (!parent) return;
    if (stack.length === 1) {
      // a child of the report
      if (frame.name === 'CVR')
        ready.push({ kind: 'element', key: 'CVR', index: cvrIndex++, text: JSON.stringify(value) });
      else ready.push({ kind: 'member', key: frame.name, value: ARRAYS.has(frame.name) ? [value] : value });
      return;
    }
    const existing = parent.obj[frame.name];
    if (ARRAYS.has(frame.name))
      parent.obj[frame.name] = [...((existing as unknown[] | undefined) ?? []), value];
    else if (existing !== undefined)
      parent.obj[frame.name] = [...(Array.isArray(existing) ? existing : [existing]), value];
    else parent.obj[frame.name] = value;
  });

  // Repeated top-level members (several Election or GpUnit elements) are merged into one array member.
  const members = new Map<string, unknown[]>();
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
      onBytes?.(chunk.length);
      parser.write(decoder.decode(chunk, { stream: true }));
      const elements: SplitItem[] = [];
      for (const item of ready.splice(0)) {
        if (item.kind === 'element') elements.push(item);
        else {
          const list = members.get(item.key) ?? [];
          list.push(...(Array.isArray(item.value) ? item.value : [item.value]));
          members.set(item.key, list);
        }
      }
      if (elements.length > 0) yield elements;
    }
    parser.close();
  } catch (e) {
    const message = (e as Error).message.split('\n')[0] ?? 'unreadable';
    if (e instanceof TypeError && /encoded data was not valid/.test(message))
      throw new InputError(file, undefined, 'the file is not valid UTF-8');
    throw new InputError(file, `line ${parser.line}`, `not well-formed CDF XML: ${message}`);
  }
  if (!sawRoot || stack.length > 0) throw new InputError(file, undefined, 'the file ends early (truncated)');
  yield [
    ...ready.splice(0).filter((item) => item.kind === 'element'),
    ...[...members].map(
      ([key, value]): SplitItem => ({
        kind: 'member',
        key,
        value: ARRAYS.has(key) ? value : value[0],
      }),
    ),
  ];
}
