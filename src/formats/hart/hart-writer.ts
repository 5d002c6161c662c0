/**
 * Writes an election's CVRs as Hart Verity writes them: a folder of per-ballot XML files (`<Cvr>` with
 * `Contests/Contest/Options/Option`, an option's `Value` its ranks as 0s and 1s, one position per rank —
 * `1` for a plain vote — write-ins as `WriteInData`), named by
 * the ballot's `CvrGuid`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Cvr } from '../../core/cvr/model.js';
import { choicesOf, type Election } from '../../core/election/schema.js';

const escapeXml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const el = (name: string, body: string) => `<${name}>${body}</${name}>`;

export async function writeHartFolder(dir: string, election: Election, cvrs: Iterable<Cvr>): Promise<number> {
  await mkdir(dir, { recursive: true });
  const contests = new Map(election.contests.map((c) => [c.id, c]));
  const units = new Map(
    election.precincts.flatMap((p) => [p, ...p.splits].map((u) => [u.id, u.name] as const)),
  );
  let n = 0;
  for (const cvr of cvrs) {
    const body = cvr.contests
      .map((entry) => {
        const c = contests.get(entry.contest)!;
        const choices = new Map(choicesOf(c).map((x) => [x.id, x]));
        // One Option per choice marked; its Value has a 1 at each rank the choice holds.
        const ranksOf = new Map<string, { ranks: number[]; writeIn?: string }>();
        for (const m of entry.marks) {
          const held = ranksOf.get(m.choice) ?? { ranks: [], ...(m.writeIn ? { writeIn: m.writeIn } : {}) };
          held.ranks.push(m.rank ?? 1);
          ranksOf.set(m.choice, held);
        }
        const positions = c.type === 'ranked' ? c.maxRankings : 1;
        const options = [...ranksOf.entries()]
          .map(([choice, held]) => {
            const x = choices.get(choice)!;
            const writeIn = 'writeIn' in x && x.writeIn;
            const value = Array.from({ length: positions }, (_, i) =>
              held.ranks.includes(i + 1) ? '1' : '0',
            );
            return el(
              'Option',
              (writeIn ? '' : el('Name', escapeXml(x.name))) +
                el('Id', escapeXml(x.id)) +
                el('Value', value.join('')) +
                (writeIn ? el('WriteInData', el('Text', escapeXml(held.writeIn ?? ''))) : ''),
            );
          })
          .join('');
        return el(
          'Contest',
          el('Name', escapeXml(c.title)) + el('Id', escapeXml(c.id)) + el('Options', options),
        );
      })
      .join('');
    const split = cvr.precinct
      ? el(
          'PrecinctSplit',
          el('Name', escapeXml(units.get(cvr.precinct) ?? cvr.precinct)) + el('Id', escapeXml(cvr.precinct)),
        )
      : '';
    const xml =
      '<?xml version="1.0" encoding="utf-8"?><Cvr xmlns="http://tempuri.org/CVRDesign.xsd">' +
      el('Contests', body) +
      (cvr.position !== undefined ? el('BatchSequence', String(cvr.position)) : '') +
      split +
      (cvr.batch ? el('BatchNumber', escapeXml(cvr.batch)) : '') +
      el('CvrGuid', escapeXml(cvr.id)) +
      '</Cvr>';
    await writeFile(path.join(dir, `${cvr.id.replace(/[^A-Za-z0-9_.-]/g, '_')}.xml`), xml);
    n++;
  }
  return n;
}
