/** NIST SP 1500-103 JSON as a CvrFormatReader: one report file is one import. */
import { stat } from 'node:fs/promises';
import type { CvrFormatReader } from '../cvr-format.js';
import { InputError } from '../errors.js';
import { cdfTextToCvr, readCdfCvrTexts } from './cdf-json-reader.js';
import { deriveDefinitionFromCdf } from './derive-definition.js';

export const cdfFormat: CvrFormatReader<null> = {
  name: 'cdf',
  recordName: 'CVR',
  async files(path) {
    const s = await stat(path).catch(() => undefined);
    if (!s) throw new InputError(path, undefined, 'no such file');
    if (!s.isFile())
      throw new InputError(path, undefined, 'a CDF import is one CastVoteRecordReport file, not a folder');
    return [path];
  },
  context: async () => null,
  async *records(path, _ctx, report, onBytes) {
    const texts = readCdfCvrTexts(path, onBytes, (header) => {
      report.electionIds = header.elections.map((e) => e['@id']);
    });
    for await (const { index, text } of texts) yield { index, file: path, text };
  },
  convert: (_ctx, raw, jurisdiction) => cdfTextToCvr(raw.file, raw.index, raw.text, jurisdiction),
  derive: (path) => deriveDefinitionFromCdf(path),
};
