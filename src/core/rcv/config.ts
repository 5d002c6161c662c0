/**
 * An RCTab contest configuration: read with zod, then checked with RCTab's own rules so an invalid
 * configuration is refused with every problem listed, not just the first.
 */
import { z } from 'zod';
import { Dec } from './decimal.js';

/** RCTab writes numbers as strings; older files and hand-written ones use JSON numbers. */
const Textish = z
  .union([z.string(), z.number()])
  .transform((v) => String(v))
  .optional();
const Flag = z.unknown().optional();

export const RctabSourceSchema = z
  .object({
    provider: Textish,
    filePath: Textish,
    contestId: Textish,
    firstVoteColumnIndex: Textish,
    firstVoteRowIndex: Textish,
    idColumnIndex: Textish,
    batchColumnIndex: Textish,
    precinctColumnIndex: Textish,
    overvoteDelimiter: Textish,
    overvoteLabel: Textish,
    skippedRankLabel: Textish,
    undervoteLabel: Textish,
    undeclaredWriteInLabel: Textish,
    treatBlankAsUndeclaredWriteIn: Flag,
  })
  .loose();

export const RctabConfigSchema = z
  .object({
    tabulatorVersion: Textish,
    outputSettings: z
      .object({
        contestName: Textish,
        contestDate: Textish,
        contestJurisdiction: Textish,
        contestOffice: Textish,
        outputDirectory: Textish,
        tabulateByPrecinct: Flag,
        tabulateByBatch: Flag,
        generateCdfJson: Flag,
      })
      .loose(),
    cvrFileSources: z.array(RctabSourceSchema).default([]),
    candidates: z
      .array(
        z
          .object({
            name: Textish,
            code: Textish,
            aliases: z.array(z.string()).optional(),
            excluded: Flag,
          })
          .loose(),
      )
      .default([]),
    rules: z
      .object({
        tiebreakMode: Textish,
        overvoteRule: Textish,
        winnerElectionMode: Textish,
        randomSeed: Textish,
        numberOfWinners: Textish,
        multiSeatBottomsUpPercentageThreshold: Textish,
        decimalPlacesForVoteArithmetic: Textish,
        minimumVoteThreshold: Textish,
        maxSkippedRanksAllowed: Textish,
        maxRankingsAllowed: Textish,
        nonIntegerWinningThreshold: Flag,
        doesFirstRoundDetermineThreshold: Flag,
        hareQuota: Flag,
        batchElimination: Flag,
        cutoffElimination: Flag,
        continueUntilTwoCandidatesRemain: Flag,
        stopTabulationEarlyAfterRound: Textish,
        exhaustOnDuplicateCandidate: Flag,
        rulesDescription: Textish,
      })
      .loose(),
  })
  .loose();

export type RctabConfigFile = z.infer<typeof RctabConfigSchema>;
export type RctabSource = z.infer<typeof RctabSourceSchema>;

export const WINNER_ELECTION_MODES = [
  'singleWinnerMajority',
  'multiWinnerAllowOnlyOneWinnerPerRound',
  'multiWinnerAllowMultipleWinnersPerRound',
  'bottomsUp',
  'bottomsUpUsingPercentageThreshold',
  'multiPassIrv',
] as const;
export const TIEBREAK_MODES = [
  'random',
  'stopCountingAndAsk',
  'previousRoundCountsThenRandom',
  'previousRoundCountsThenAsk',
  'useCandidateOrder',
  'generatePermutation',
] as const;
export const OVERVOTE_RULES = [
  'alwaysSkipToNextRank',
  'exhaustImmediately',
  'exhaustIfMultipleContinuing',
] as const;
export const PROVIDERS = ['cdf', 'clearBallot', 'dominion', 'ess', 'hart', 'genericCsv'] as const;

export type WinnerElectionMode = (typeof WINNER_ELECTION_MODES)[number];
export type TiebreakMode = (typeof TIEBREAK_MODES)[number];
export type OvervoteRule = (typeof OVERVOTE_RULES)[number];
export type Provider = (typeof PROVIDERS)[number];

export const UNDECLARED_WRITE_IN = 'Undeclared Write-ins';

/** Winners' surpluses move on (multi-seat STV); bottoms-up modes elect without transferring. */
export const usesSurpluses = (rules: Pick<RcvRules, 'numberOfWinners' | 'winnerElectionMode'>): boolean =>
  rules.numberOfWinners > 1 &&
  rules.winnerElectionMode !== 'bottomsUp' &&
  rules.winnerElectionMode !== 'bottomsUpUsingPercentageThreshold';

/** RCTab's file-name form of an id: anything but letters, digits, `_`, `-` and `.` becomes `_`. */
export const rctabFileName = (id: string) => id.replace(/[^a-zA-Z0-9_\-.]/g, '_');
export const EXPLICIT_OVERVOTE = 'overvote';
const RESERVED = ['residual surplus', 'exhausted', 'uncounted'];

/** The counting rules, resolved: what the tabulator runs on, whichever way they were written down. */
export interface RcvRules {
  readonly winnerElectionMode: WinnerElectionMode;
  readonly numberOfWinners: number;
  readonly tiebreakMode: TiebreakMode;
  readonly randomSeed?: bigint;
  readonly overvoteRule: OvervoteRule;
  /** Infinity for `unlimited`. */
  readonly maxSkippedRanksAllowed: number;
  readonly maxRankingsAllowed: number;
  readonly decimalPlaces: number;
  readonly nonIntegerWinningThreshold: boolean;
  readonly hareQuota: boolean;
  readonly firstRoundDeterminesThreshold: boolean;
  readonly batchElimination: boolean;
  readonly cutoffElimination: boolean;
  readonly continueUntilTwoCandidatesRemain: boolean;
  /** Infinity when not set. */
  readonly stopTabulationEarlyAfterRound: number;
  readonly exhaustOnDuplicateCandidate: boolean;
  /** The bottoms-up percentage as a fraction (15 → 0.15). */
  readonly bottomsUpPercentage?: Dec;
}

export interface RcvCandidate {
  readonly name: string;
  readonly aliases: readonly string[];
  readonly excluded: boolean;
}

/** One contest to count: who stands, under which rules, and what the reports are to say about it. */
export interface RcvContest {
  readonly name: string;
  readonly date: string;
  readonly jurisdiction: string;
  readonly office: string;
  /** In configuration order (it matters for `useCandidateOrder`). */
  readonly candidates: readonly RcvCandidate[];
  /** Whether ballots may hold undeclared write-ins (a source names a label for them). */
  readonly undeclaredWriteIns: boolean;
  readonly tabulateByPrecinct: boolean;
  readonly tabulateByBatch: boolean;
  readonly rules: RcvRules;
}

export class RcvConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(`${file}: invalid RCTab configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

const blank = (v: string | undefined): v is undefined => v === undefined || v.trim() === '';
const isInteger = (v: string) => /^[+-]?\d+$/.test(v.trim());

function flagOf(value: unknown, field: string, problems: string[]): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'boolean') return value;
  problems.push(`${field} must be true or false, not ${JSON.stringify(value)}`);
  return false;
}

function integerOf(
  value: string | undefined,
  field: string,
  min: number,
  max: number,
  required: boolean,
  problems: string[],
): number | undefined {
  if (blank(value)) {
    if (required) problems.push(`${field} must be an integer from ${min} to ${max}`);
    return undefined;
  }
  const n = isInteger(value) ? Number(value) : Number.NaN;
  if (!(n >= min && n <= max))
    problems.push(`${field} must be an integer from ${min} to ${max}${required ? '' : ' if supplied'}`);
  return Number.isNaN(n) ? undefined : n;
}

/** Validates a parsed configuration; returns the contest and its sources, or every problem found. */
export function resolveRctabConfig(
  raw: RctabConfigFile,
):
  | { ok: true; contest: RcvContest; sources: RctabSource[]; generateCdfJson: boolean }
  | { ok: false; problems: string[] } {
  const problems: string[] = [];
  const out = raw.outputSettings;
  const rules = raw.rules;

  const flag = (value: unknown, field: string) => flagOf(value, field, problems);
  const integerIn = (value: string | undefined, field: string, min: number, max: number, required: boolean) =>
    integerOf(value, field, min, max, required, problems);

  if (blank(out.contestName)) problems.push('contestName is required');

  // Candidates: names and aliases unique, not reserved.
  const seen = new Set<string>();
  const candidates: RcvCandidate[] = [];
  for (const [i, c] of raw.candidates.entries()) {
    if (blank(c.name)) {
      problems.push(`candidates[${i}]: a name is required for each candidate`);
      continue;
    }
    const aliases = [...(c.aliases ?? []), ...(blank(c.code) ? [] : [c.code])];
    for (const text of [c.name, ...aliases]) {
      if (seen.has(text)) problems.push(`duplicate candidate name or alias: ${JSON.stringify(text)}`);
      if (RESERVED.includes(text.toLowerCase()))
        problems.push(`${JSON.stringify(text)} is a reserved term and can't be a candidate name`);
      seen.add(text);
    }
    candidates.push({ name: c.name, aliases, excluded: flag(c.excluded, `candidates[${i}].excluded`) });
  }

  // Sources.
  const sources = raw.cvrFileSources;
  if (sources.length === 0) problems.push('the configuration must name at least one cast vote record source');
  const paths = new Set<string>();
  const tabulateByPrecinct = flag(out.tabulateByPrecinct, 'tabulateByPrecinct');
  const tabulateByBatch = flag(out.tabulateByBatch, 'tabulateByBatch');
  const generateCdfJson = flag(out.generateCdfJson, 'generateCdfJson');
  const overvoteRule = rules.overvoteRule as OvervoteRule;
  for (const [i, s] of sources.entries()) {
    const where = `cvrFileSources[${i}]${blank(s.filePath) ? '' : ` (${s.filePath})`}`;
    if (blank(s.filePath)) problems.push(`${where}: filePath is required`);
    else if (paths.has(s.filePath)) problems.push(`${where}: duplicate filePath`);
    else paths.add(s.filePath);
    const provider = s.provider as Provider;
    if (!PROVIDERS.includes(provider)) {
      problems.push(`${where}: provider must be one of ${PROVIDERS.join(', ')}`);
      continue;
    }
    const labels: [string, string | undefined][] = [
      ['overvoteLabel', s.overvoteLabel],
      ['skippedRankLabel', s.skippedRankLabel ?? s.undervoteLabel],
      ['undeclaredWriteInLabel', s.undeclaredWriteInLabel],
    ];
    for (const [field, value] of labels) {
      if (blank(value)) continue;
      if (RESERVED.includes(value.toLowerCase()))
        problems.push(`${where}: ${field} "${value}" is a reserved term`);
      for (const [other, otherValue] of labels)
        if (other !== field && !blank(otherValue) && otherValue.toLowerCase() === value.toLowerCase())
          problems.push(`${where}: "${value}" can't be both ${field} and ${other}`);
    }
    if (provider === 'ess' || provider === 'genericCsv') {
      integerIn(s.firstVoteColumnIndex, `${where}: firstVoteColumnIndex`, 1, 1000, true);
      integerIn(s.firstVoteRowIndex, `${where}: firstVoteRowIndex`, 1, 100000, true);
      if (provider === 'ess') {
        integerIn(s.idColumnIndex, `${where}: idColumnIndex`, 1, 1000, false);
        integerIn(s.precinctColumnIndex, `${where}: precinctColumnIndex`, 1, 1000, false);
        if (blank(s.precinctColumnIndex) && tabulateByPrecinct)
          problems.push(`${where}: precinctColumnIndex is required when tabulateByPrecinct is enabled`);
        if (blank(s.overvoteDelimiter) && overvoteRule === 'exhaustIfMultipleContinuing')
          problems.push(
            `${where}: overvoteDelimiter is required when overvoteRule is exhaustIfMultipleContinuing`,
          );
      }
      if (!blank(s.overvoteDelimiter) && /\\|^[a-zA-Z0-9.',\-"\s]+$/.test(s.overvoteDelimiter))
        problems.push(`${where}: overvoteDelimiter is invalid`);
      if (!blank(s.overvoteDelimiter) && !blank(s.overvoteLabel))
        problems.push(`${where}: overvoteDelimiter and overvoteLabel can't both be supplied`);
    } else {
      for (const [field, value] of [
        ['firstVoteColumnIndex', s.firstVoteColumnIndex],
        ['firstVoteRowIndex', s.firstVoteRowIndex],
        ['idColumnIndex', s.idColumnIndex],
        ['precinctColumnIndex', s.precinctColumnIndex],
        ['overvoteDelimiter', s.overvoteDelimiter],
      ] as const)
        if (!blank(value))
          problems.push(`${where}: ${field} should not be defined for provider "${provider}"`);
      if (provider === 'cdf' && !blank(s.filePath) && !/\.(json|xml)$/i.test(s.filePath))
        problems.push(`${where}: CDF source files must be .json or .xml`);
      if (provider === 'cdf' && tabulateByPrecinct)
        problems.push(`${where}: tabulateByPrecinct may not be used with CDF files`);
      if (flag(s.treatBlankAsUndeclaredWriteIn, `${where}: treatBlankAsUndeclaredWriteIn`))
        problems.push(
          `${where}: treatBlankAsUndeclaredWriteIn should not be true for provider "${provider}"`,
        );
      if (blank(s.contestId)) problems.push(`${where}: contestId must be defined for provider "${provider}"`);
    }
    if (
      !blank(s.overvoteLabel) &&
      overvoteRule !== 'exhaustImmediately' &&
      overvoteRule !== 'alwaysSkipToNextRank'
    )
      problems.push(
        `${where}: when overvoteLabel is supplied, overvoteRule must be exhaustImmediately or alwaysSkipToNextRank`,
      );
  }
  const undeclaredWriteIns = sources.some(
    (s) => !blank(s.undeclaredWriteInLabel) || s.treatBlankAsUndeclaredWriteIn === true,
  );
  const declared = candidates.length;
  if (declared < 1) problems.push('the configuration must name at least one declared candidate');
  else if (candidates.every((c) => c.excluded)) problems.push('at least one candidate must not be excluded');

  const resolvedRules = resolveRctabRules(rules, declared, problems);

  if (problems.length > 0 || !resolvedRules) return { ok: false, problems };
  return {
    ok: true,
    sources,
    generateCdfJson,
    contest: {
      name: out.contestName ?? '',
      date: out.contestDate ?? '',
      jurisdiction: out.contestJurisdiction ?? '',
      office: out.contestOffice ?? '',
      candidates,
      undeclaredWriteIns,
      tabulateByPrecinct,
      tabulateByBatch,
      rules: resolvedRules,
    },
  };
}

/**
 * Validates RCTab's counting rules (as a configuration file writes them) for a contest with `declared`
 * candidates; problems are added to `problems`, and the rules are returned when there are none.
 */
export function resolveRctabRules(
  rules: RctabConfigFile['rules'],
  declared: number,
  problems: string[],
): RcvRules | undefined {
  const before = problems.length;
  const flag = (value: unknown, field: string) => flagOf(value, field, problems);
  const integerIn = (value: string | undefined, field: string, min: number, max: number, required: boolean) =>
    integerOf(value, field, min, max, required, problems);
  const overvoteRule = rules.overvoteRule as OvervoteRule;
  const tiebreakMode = rules.tiebreakMode as TiebreakMode;
  if (!TIEBREAK_MODES.includes(tiebreakMode))
    problems.push(`tiebreakMode must be one of ${TIEBREAK_MODES.join(', ')}`);
  const needsSeed = ['random', 'previousRoundCountsThenRandom', 'generatePermutation'].includes(tiebreakMode);
  if (needsSeed && blank(rules.randomSeed))
    problems.push('randomSeed is required when the tiebreakMode is random');
  const seed = integerIn(rules.randomSeed, 'randomSeed', -140737488355328, 140737488355327, false);
  if (!OVERVOTE_RULES.includes(overvoteRule))
    problems.push(`overvoteRule must be one of ${OVERVOTE_RULES.join(', ')}`);
  const mode = rules.winnerElectionMode as WinnerElectionMode;
  if (!WINNER_ELECTION_MODES.includes(mode))
    problems.push(`winnerElectionMode must be one of ${WINNER_ELECTION_MODES.join(', ')}`);
  const maxRankingsRaw = rules.maxRankingsAllowed;
  const maxRankings =
    maxRankingsRaw?.toLowerCase() === 'max'
      ? declared
      : blank(maxRankingsRaw) || !isInteger(maxRankingsRaw)
        ? Number.NaN
        : Number(maxRankingsRaw);
  if (!(maxRankings >= 1)) problems.push('maxRankingsAllowed must be "max" or an integer of at least 1');
  const maxSkippedRaw = rules.maxSkippedRanksAllowed;
  const maxSkipped =
    maxSkippedRaw?.toLowerCase() === 'unlimited'
      ? Number.POSITIVE_INFINITY
      : blank(maxSkippedRaw) || !isInteger(maxSkippedRaw)
        ? Number.NaN
        : Number(maxSkippedRaw);
  if (!(maxSkipped >= 0))
    problems.push('maxSkippedRanksAllowed must be "unlimited" or an integer of at least 0');
  const winners = integerIn(rules.numberOfWinners, 'numberOfWinners', 0, 2 ** 31 - 1, true);
  const decimals = integerIn(
    rules.decimalPlacesForVoteArithmetic,
    'decimalPlacesForVoteArithmetic',
    1,
    20,
    true,
  );
  // minimumVoteThreshold is obsolete in RCTab and ignored; it is still range-checked as RCTab does.
  integerIn(rules.minimumVoteThreshold, 'minimumVoteThreshold', 0, 1000000, false);
  const pct = integerIn(
    rules.multiSeatBottomsUpPercentageThreshold,
    'multiSeatBottomsUpPercentageThreshold',
    1,
    100,
    false,
  );
  const stopAfter = integerIn(
    rules.stopTabulationEarlyAfterRound,
    'stopTabulationEarlyAfterRound',
    1,
    2 ** 31 - 1,
    false,
  );
  const batchElimination = flag(rules.batchElimination, 'batchElimination');
  const continueUntilTwo = flag(rules.continueUntilTwoCandidatesRemain, 'continueUntilTwoCandidatesRemain');
  const nonInteger = flag(rules.nonIntegerWinningThreshold, 'nonIntegerWinningThreshold');
  const hareQuota = flag(rules.hareQuota, 'hareQuota');
  if (winners !== undefined) {
    if (winners > 0 && mode === 'bottomsUpUsingPercentageThreshold')
      problems.push('numberOfWinners must be 0 when winnerElectionMode is bottomsUpUsingPercentageThreshold');
    if (winners > 1 && mode !== 'multiPassIrv') {
      if (continueUntilTwo)
        problems.push('continueUntilTwoCandidatesRemain cannot be true in a multi-seat contest');
      if (batchElimination) problems.push('batchElimination cannot be true in a multi-seat contest');
    }
    if (winners === 1 && mode !== 'singleWinnerMajority')
      problems.push(`winnerElectionMode cannot be ${mode} in a single-seat contest`);
    if (winners === 0) {
      if (mode !== 'bottomsUpUsingPercentageThreshold')
        problems.push(
          'when numberOfWinners is 0, winnerElectionMode must be bottomsUpUsingPercentageThreshold',
        );
      if (pct === undefined)
        problems.push('when numberOfWinners is 0, multiSeatBottomsUpPercentageThreshold is required');
    }
  }
  if (mode === 'bottomsUpUsingPercentageThreshold' && batchElimination)
    problems.push(
      'batchElimination cannot be true when winnerElectionMode is bottomsUpUsingPercentageThreshold',
    );
  if (
    mode !== 'multiWinnerAllowOnlyOneWinnerPerRound' &&
    mode !== 'multiWinnerAllowMultipleWinnersPerRound'
  ) {
    if (nonInteger)
      problems.push(`nonIntegerWinningThreshold cannot be true when winnerElectionMode is ${mode}`);
    if (hareQuota) problems.push(`hareQuota cannot be true when winnerElectionMode is ${mode}`);
  }
  if (nonInteger && hareQuota) problems.push('nonIntegerWinningThreshold and hareQuota cannot both be true');

  if (problems.length > before) return undefined;
  return {
    winnerElectionMode: mode,
    numberOfWinners: winners ?? 1,
    tiebreakMode,
    ...(seed !== undefined ? { randomSeed: BigInt(rules.randomSeed!.trim()) } : {}),
    overvoteRule,
    maxSkippedRanksAllowed: maxSkipped,
    maxRankingsAllowed: maxRankings,
    decimalPlaces: decimals ?? 4,
    nonIntegerWinningThreshold: nonInteger,
    hareQuota,
    firstRoundDeterminesThreshold: flag(
      rules.doesFirstRoundDetermineThreshold,
      'doesFirstRoundDetermineThreshold',
    ),
    batchElimination,
    cutoffElimination: flag(rules.cutoffElimination, 'cutoffElimination'),
    continueUntilTwoCandidatesRemain: continueUntilTwo,
    stopTabulationEarlyAfterRound: stopAfter ?? Number.POSITIVE_INFINITY,
    exhaustOnDuplicateCandidate: flag(rules.exhaustOnDuplicateCandidate, 'exhaustOnDuplicateCandidate'),
    ...(pct !== undefined
      ? {
          bottomsUpPercentage: Dec.parse(rules.multiSeatBottomsUpPercentageThreshold!).divideExact(
            Dec.int(100),
          ),
        }
      : {}),
  };
}
