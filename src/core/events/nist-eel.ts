/** Events as a NIST SP 1500-101 ElectionEventLog (one Device: the log). Deterministic for a given log. */
import type { TallyEvent } from './event.js';

export interface LoggedEvent {
  readonly seq: number;
  readonly event: TallyEvent;
  /** SHA-256 (hex) of the entry's exact bytes in the log. */
  readonly entrySha256: string;
}

const describe = (e: TallyEvent): string =>
  Object.entries(e.data)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');

export function toElectionEventLog(events: readonly LoggedEvent[], electionId: string, origin: string) {
  return {
    '@type': 'EventLogging.ElectionEventLog',
    ElectionId: electionId,
    GeneratedTime: events[events.length - 1]?.event.at ?? '1970-01-01T00:00:00.000Z',
    Device: [
      {
        '@type': 'EventLogging.Device',
        Id: origin,
        Type: 'ems',
        Manufacturer: 'Tallyproof',
        Model: 'tallyproof',
        HashType: 'sha-256',
        Details: 'Events committed in the Tallyproof CVR log; Sequence is the entry index in the log.',
        Event: events.map(({ seq, event, entrySha256 }) => ({
          '@type': 'EventLogging.Event',
          Id: event.type,
          Type: event.type,
          Sequence: String(seq),
          TimeStamp: event.at,
          Disposition: 'success',
          Description: describe(event),
          Hash: entrySha256,
          ...(event.by ? { UserId: event.by } : {}),
        })),
      },
    ],
  };
}
