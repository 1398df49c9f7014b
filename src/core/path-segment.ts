// A name or id that becomes one component of a file path (a task's cgroup, a per-resource file): it must
// name a place inside its directory, never another (`..`, `/`), and survive as a C string (no NUL).

export class PathSegmentError extends Error {}

export function pathSegment(value: string): string {
  if (!/^[A-Za-z0-9_.:@-]{1,255}$/.test(value) || value === '.' || value === '..') {
    throw new PathSegmentError(`'${JSON.stringify(value.slice(0, 64)).slice(1, -1)}' cannot name a file`);
  }
  return value;
}
