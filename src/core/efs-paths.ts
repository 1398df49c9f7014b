// Paths inside an EFS file system (access points' root directories, ECS's `rootDirectory`), checked once and
// kept in one normal form, `/a/b` (`/` the root): every value that becomes a host path passes through here,
// so no `..`, `.`, NUL or empty segment can name a place outside the file system.

export class EfsPathError extends Error {}

/** Characters EFS refuses in an access point's path segments (its model's Path pattern). */
const ACCESS_POINT_FORBIDDEN = /[$#<>;`|&?{}^*\n]/;
const MAX_ACCESS_POINT_PATH = 100;
const MAX_ACCESS_POINT_DEPTH = 4;

/** The segments of an absolute path; `.`/`..` segments, NUL and control characters refused, repeated or trailing `/` folded. */
export function pathSegments(value: string): string[] {
  if (!value.startsWith('/')) throw new EfsPathError(`'${value}' is not an absolute path`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) throw new EfsPathError('a path cannot hold control characters');
  const segments = value.split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '.' || s === '..')) throw new EfsPathError(`'${value}' has a '.' or '..' segment`);
  return segments;
}

const normal = (segments: readonly string[]) => '/' + segments.join('/');

/**
 * An access point's RootDirectory Path as EFS takes it: absolute, at most 100 characters and 4 levels, no
 * segment starting with `.`, none of `$#<>;`|&?{}^*`. Answers the normal form.
 */
export function accessPointPath(value: string): string {
  if (value.length > MAX_ACCESS_POINT_PATH) throw new EfsPathError(`the path must be at most ${MAX_ACCESS_POINT_PATH} characters`);
  const segments = pathSegments(value);
  if (segments.length > MAX_ACCESS_POINT_DEPTH) throw new EfsPathError(`the path can have at most ${MAX_ACCESS_POINT_DEPTH} levels`);
  for (const s of segments) {
    if (s.startsWith('.') || ACCESS_POINT_FORBIDDEN.test(s)) throw new EfsPathError(`'${s}' is not a valid directory name`);
  }
  return normal(segments);
}

/**
 * The directory a task's volume mounts: ECS's `rootDirectory` (relative to the access point's root when it
 * has one; ECS then allows only `/`) inside the file system. Answers the normal form.
 */
export function volumeDirectory(accessPointRoot: string | undefined, rootDirectory: string | undefined): string {
  return normal([...pathSegments(accessPointRoot ?? '/'), ...pathSegments(rootDirectory ?? '/')]);
}

/** An access point's CreationInfo Permissions (`755`, `0750`) as mode bits. */
export function permissionBits(permissions: string): number {
  if (!/^[0-7]{3,4}$/.test(permissions)) throw new EfsPathError(`'${permissions}' is not an octal mode`);
  return parseInt(permissions, 8);
}
