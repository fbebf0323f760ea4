/**
 * The image's USER on this machine: the same name, with this machine's uid and gid (created when
 * missing, as node:24-slim has them), so RUN steps and the started image run as that user.
 */
import { spawnSync } from 'node:child_process';

/** A user of the image, as uid and gid on this machine. */
export interface ImageUser {
  name: string;
  uid: number;
  gid: number;
}

function idOf(flag: '-u' | '-g', name: string): number | undefined {
  const r = spawnSync('id', [flag, name], { encoding: 'utf8' });
  return r.status === 0 ? Number(r.stdout.trim()) : undefined;
}

/**
 * Resolves a USER (`name` or `name:group`, or numeric) to this machine's uid and gid, creating a
 * system user of that name when there is none (the base image has it; this machine may not).
 */
export function resolveUser(spec: string): ImageUser {
  const [name = spec, group] = spec.split(':');
  if (/^\d+$/.test(name)) return { name, uid: Number(name), gid: Number(group ?? name) };
  if (idOf('-u', name) === undefined) {
    const r = spawnSync(
      'useradd',
      ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', name],
      {
        encoding: 'utf8',
      },
    );
    if (r.status !== 0 && idOf('-u', name) === undefined)
      throw new Error(`the image runs as '${name}', which this machine lacks and could not create: ${r.stderr}`);
  }
  const gid = group === undefined ? idOf('-g', name) : /^\d+$/.test(group) ? Number(group) : idOf('-g', group);
  return { name, uid: idOf('-u', name)!, gid: gid ?? idOf('-g', name)! };
}

/** spawn options that drop to the image's user (none for root or no USER). */
export function asUser(user: string | undefined): { uid?: number; gid?: number } {
  if (user === undefined || user === 'root' || user === '0') return {};
  const { uid, gid } = resolveUser(user);
  return { uid, gid };
}
