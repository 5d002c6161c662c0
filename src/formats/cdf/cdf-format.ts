/** NIST SP 1500-103 JSON as a CvrFormatReader: one report file is one import. */
import { type CvrFormatReader, elementLabel, oneFile } from '../cvr-format.js';
import { cdfTextToCvr, readCdfCvrTexts } from './cdf-json-reader.js';
import { deriveDefinitionFromCdf } from './derive-definition.js';

export const cdfFormat: CvrFormatReader<null> = {
  name: 'cdf',
  recordLabel: elementLabel('CVR'),
  files: (path) => oneFile(path, 'a CDF import is one CastVoteRecordReport file'),
  context: async () => null,
  async *records(path, _ctx, report, onBytes) {
    const texts = readCdfCvrTexts(path, onBytes, (header) => {
      report.electionIds = header.elections.map((e) => e['@id']);
    });
    for await (const batch of texts) for (const { index, text } of batch) yield { index, file: path, text };
  },
  convert: (_ctx, raw, jurisdiction) => cdfTextToCvr(raw.file, raw.index, raw.text, jurisdiction),
  derive: (path) => deriveDefinitionFromCdf(path),
};
