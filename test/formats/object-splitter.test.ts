import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type SplitItem, splitJsonObject } from '../../src/formats/json/object-splitter.js';

async function* chunked(bytes: Uint8Array, sizes: number[]) {
  let at = 0;
  let k = 0;
  while (at < bytes.length) {
    const size = Math.max(1, sizes[k++ % sizes.length] ?? 7);
    yield bytes.subarray(at, at + size);
    at += size;
  }
}

async function collect(text: string, sizes: number[] = [4096]): Promise<SplitItem[]> {
  const out: SplitItem[] = [];
  for await (const items of splitJsonObject(chunked(new TextEncoder().encode(text), sizes), 'CVR'))
    out.push(...items);
  return out;
}

function rebuild(items: SplitItem[]): Record<string, unknown> {
  const obj: Record<string, unknown> = {};
  for (const it of items) {
    if (it.kind === 'member') obj[it.key] = it.value;
    else {
      const list = (obj[it.key] as unknown[] | undefined) ?? [];
      list.push(JSON.parse(it.text));
      obj[it.key] = list;
    }
  }
  return obj;
}

describe('splitJsonObject', () => {
  it('reproduces JSON.parse for any object, any chunking, any whitespace', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(
          fc.string().filter((k) => k !== 'CVR' && k !== '__proto__'),
          fc.jsonValue(),
        ),
        fc.array(fc.jsonValue(), { minLength: 1 }),
        fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1 }),
        fc.boolean(),
        async (members, cvrs, sizes, pretty) => {
          const value = { ...members, CVR: cvrs };
          const text = JSON.stringify(value, null, pretty ? 2 : undefined);
          const got = rebuild(await collect(text, sizes));
          expect(got).toEqual(JSON.parse(text));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('handles escapes and quotes split across chunks', async () => {
    const text = JSON.stringify({ a: 'x\\"y', CVR: [{ b: '\\\\', c: 'q"}]' }, 'z\\'], d: 1 });
    for (let size = 1; size < 8; size++)
      expect(rebuild(await collect(text, [size]))).toEqual(JSON.parse(text));
  });

  it('refuses truncated input, naming the element', async () => {
    const text = JSON.stringify({ CVR: [{ a: 1 }, { b: 2 }, { c: 3 }] });
    await expect(collect(text.slice(0, text.length - 9))).rejects.toThrow(/truncated.*CVR\[2\]/);
  });

  it('refuses non-objects, bad members and trailing garbage', async () => {
    await expect(collect('[1,2]')).rejects.toThrow(/not a JSON object/);
    await expect(collect('{"a": tru, "CVR": []}')).rejects.toThrow(/member "a"/);
    await expect(collect('{"CVR": [1,,2]}')).rejects.toThrow(/empty element/);
    await expect(collect('{"CVR": []} x')).rejects.toThrow(/after the end/);
    await expect(collect('{"CVR": 5}')).rejects.toThrow(/must be an array/);
  });
});
