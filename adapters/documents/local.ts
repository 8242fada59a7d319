// Documents as files in one folder outside the web root, two-letter subfolders to keep directories small.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { DocumentStore } from './index';
import { assertStorageKey } from './keys';

export function localDocumentStore(dir: string): DocumentStore {
  const root = path.resolve(dir);
  const fileOf = (key: string) => {
    assertStorageKey(key);
    return path.join(root, key.slice(0, 2), key);
  };

  return {
    async put(key, bytes) {
      const file = fileOf(key);
      await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o750 });
      // Written beside its final name and renamed, so a reader never sees half a file.
      const partial = `${file}.partial`;
      await fs.writeFile(partial, bytes, { flag: 'wx', mode: 0o640 });
      await fs.rename(partial, file);
    },

    async get(key) {
      try {
        return await fs.readFile(fileOf(key));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
    },

    async delete(key) {
      await fs.rm(fileOf(key), { force: true });
    },
  };
}
