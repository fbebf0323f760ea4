import { readdir, readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');

async function sources(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith('.ts')).map((e) => join(e.parentPath, e.name));
}

describe('recon source files', () => {
  it('stay at or under 200 lines each (the package rule for readable files)', async () => {
    const files = [
      ...(await sources(join(root, 'src'))),
      ...(await sources(join(root, 'bench'))),
      ...(await sources(join(root, 'test'))),
    ];
    expect(files.length).toBeGreaterThan(20);
    const tooLong: string[] = [];
    for (const file of files) {
      const lines = (await readFile(file, 'utf8')).split('\n').length - 1;
      if (lines > 200) tooLong.push(`${relative(root, file)}: ${lines}`);
    }
    expect(tooLong).toEqual([]);
  });
});
