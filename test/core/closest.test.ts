/** "Did you mean …" is offered for a likely typo, never for an unrelated name. */
import { describe, expect, it } from 'vitest';
import { didYouMean } from '../../src/core/closest.js';

describe('didYouMean', () => {
  const contests = ['Governor', 'County Commission', 'Measure A: Library Bond', 'Mayor of Portland'];

  it('suggests the name a typo was meant to be', () => {
    expect(didYouMean('Govenor', contests)).toBe(' (did you mean "Governor"?)');
    expect(didYouMean('governor', contests)).toBe(' (did you mean "Governor"?)');
    expect(didYouMean('Mayor of Portlnd', contests)).toBe(' (did you mean "Mayor of Portland"?)');
    expect(didYouMean('countee', ['county', 'state'])).toBe(' (did you mean "county"?)');
    expect(didYouMean('Ada Lovelase', ['Ada Lovelace', 'Grace Hopper'])).toBe(
      ' (did you mean "Ada Lovelace"?)',
    );
  });

  it('offers nothing when no name is close', () => {
    expect(didYouMean('mayor', ['Governor', 'County Commission'])).toBe('');
    expect(didYouMean('Sheriff', contests)).toBe('');
    expect(didYouMean('x', ['Governor'])).toBe('');
    expect(didYouMean('anything', [])).toBe('');
  });
});
