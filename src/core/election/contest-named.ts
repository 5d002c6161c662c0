import { didYouMean } from '../closest.js';
import { err, ok, type Result } from '../result.js';
import type { Contest } from './schema.js';

/**
 * The contest an office names, by id or title (an id first, as ids are unique), or why none is: `where`
 * says where it was looked for ("in the election", "under audit"), and the closest names follow.
 */
export function contestNamed(contests: readonly Contest[], name: string, where: string): Result<Contest> {
  const found = contests.find((c) => c.id === name) ?? contests.find((c) => c.title === name);
  return found
    ? ok(found)
    : err(
        `contest ${JSON.stringify(name)} is not ${where}${didYouMean(
          name,
          contests.map((c) => c.title),
        )}`,
      );
}
