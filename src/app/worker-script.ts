/** Where a compiled worker script lives (tests run from sources, so they use the build `npm test` makes first). */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** `name` is the worker's file name under src/app without extension; undefined when it is not built. */
export function compiledWorker(name: string): string | undefined {
  const here = fileURLToPath(import.meta.url);
  const js = here.endsWith('.ts')
    ? path.resolve(path.dirname(here), `../../dist/src/app/${name}.js`)
    : path.join(path.dirname(here), `${name}.js`);
  return existsSync(js) ? js : undefined;
}
