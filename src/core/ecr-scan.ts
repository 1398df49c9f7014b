// Image scanning, pure: the OS packages an image has (from its dpkg status file or apk installed database,
// as the layers leave them), compared with the operator's advisories (docs/ecr.md "Advisory files"), into
// findings as ECR's basic scanning reports them (name, severity, uri, package_name/package_version).
import type { ImageScanFinding } from '@aws-sdk/client-ecr';

export type Ecosystem = 'debian' | 'alpine';

export interface InstalledPackage {
  name: string;
  version: string;
  /** The source package (dpkg `Source:`), which advisories may name instead. */
  source?: string;
}

/** The files a scan reads, by their path in the image (no leading slash). */
export const PACKAGE_DATABASES: Record<string, Ecosystem> = {
  'var/lib/dpkg/status': 'debian',
  'lib/apk/db/installed': 'alpine',
};

/** dpkg's status file: paragraphs of `Field: value`; installed packages only. */
export function parseDpkgStatus(text: string): InstalledPackage[] {
  const packages: InstalledPackage[] = [];
  for (const paragraph of text.split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    for (const line of paragraph.split('\n')) {
      const m = /^([A-Za-z0-9-]+):\s*(.*)$/.exec(line);
      if (m) fields.set(m[1]!.toLowerCase(), m[2]!.trim());
    }
    const name = fields.get('package');
    const version = fields.get('version');
    if (!name || !version || !(fields.get('status') ?? 'install ok installed').endsWith(' installed')) continue;
    const source = fields.get('source')?.split(' ')[0];
    packages.push({ name, version, ...(source && { source }) });
  }
  return packages;
}

/** apk's installed database: paragraphs of one-letter keys (`P:` name, `V:` version, `o:` origin). */
export function parseApkInstalled(text: string): InstalledPackage[] {
  const packages: InstalledPackage[] = [];
  for (const paragraph of text.split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    for (const line of paragraph.split('\n')) if (line[1] === ':') fields.set(line[0]!, line.slice(2).trim());
    const name = fields.get('P');
    const version = fields.get('V');
    if (name && version) packages.push({ name, version, ...(fields.get('o') && { source: fields.get('o')! }) });
  }
  return packages;
}

export const parsePackageDatabase = (ecosystem: Ecosystem, text: string) => (ecosystem === 'debian' ? parseDpkgStatus(text) : parseApkInstalled(text));

// dpkg's order of characters in version strings: `~` before everything (even the end), letters before the rest.
const order = (c: string | undefined) => (c === undefined ? 0 : c === '~' ? -1 : /[A-Za-z]/.test(c) ? c.charCodeAt(0) : c.charCodeAt(0) + 256);

function compareFragment(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    let first = 0;
    while ((i < a.length && !/\d/.test(a[i]!)) || (j < b.length && !/\d/.test(b[j]!))) {
      const ac = i < a.length && !/\d/.test(a[i]!) ? a[i] : undefined;
      const bc = j < b.length && !/\d/.test(b[j]!) ? b[j] : undefined;
      const diff = order(ac) - order(bc);
      if (diff) return diff;
      if (ac !== undefined) i++;
      if (bc !== undefined) j++;
    }
    while (a[i] === '0') i++;
    while (b[j] === '0') j++;
    while (i < a.length && /\d/.test(a[i]!) && j < b.length && /\d/.test(b[j]!)) {
      if (!first) first = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (i < a.length && /\d/.test(a[i]!)) return 1;
    if (j < b.length && /\d/.test(b[j]!)) return -1;
    if (first) return first;
  }
  return 0;
}

/**
 * Debian's version order (deb-version(7): epoch, upstream, revision); apk's `1.36.1-r3` orders the same way
 * for the versions its packages use (digits, dots, letters and an `-r` revision).
 */
export function compareVersions(a: string, b: string): number {
  const split = (v: string) => {
    const colon = v.indexOf(':');
    const epoch = colon >= 0 ? Number(v.slice(0, colon)) : 0;
    const rest = colon >= 0 ? v.slice(colon + 1) : v;
    const dash = rest.lastIndexOf('-');
    return { epoch, upstream: dash >= 0 ? rest.slice(0, dash) : rest, revision: dash >= 0 ? rest.slice(dash + 1) : '' };
  };
  const x = split(a);
  const y = split(b);
  return Math.sign(x.epoch - y.epoch || compareFragment(x.upstream, y.upstream) || compareFragment(x.revision, y.revision));
}

/** One advisory of an advisory file: `package` (binary or source) in `ecosystem` is affected below `fixedVersion` (always, without one). */
export interface Advisory {
  id: string;
  ecosystem: Ecosystem;
  package: string;
  fixedVersion?: string;
  introducedVersion?: string;
  severity: 'INFORMATIONAL' | 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL' | 'UNDEFINED';
  description?: string;
  uri?: string;
}

const SEVERITIES = new Set(['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL', 'UNDEFINED']);

/** An advisory file (`{"advisories": [...]}`), checked; throws naming the first bad entry. */
export function parseAdvisoryFile(text: string): Advisory[] {
  const file = JSON.parse(text) as { advisories?: Partial<Advisory>[] };
  if (!Array.isArray(file.advisories)) throw new Error('an advisory file is {"advisories": [...]}');
  return file.advisories.map((a, i) => {
    if (typeof a.id !== 'string' || typeof a.package !== 'string' || (a.ecosystem !== 'debian' && a.ecosystem !== 'alpine') || !SEVERITIES.has(a.severity ?? ''))
      throw new Error(`advisory ${i} needs id, package, ecosystem (debian or alpine) and severity (${[...SEVERITIES].join(', ')})`);
    return a as Advisory;
  });
}

/** The findings for the image's packages, most severe first. */
export function matchAdvisories(ecosystem: Ecosystem, packages: readonly InstalledPackage[], advisories: readonly Advisory[]): ImageScanFinding[] {
  const findings: ImageScanFinding[] = [];
  for (const advisory of advisories) {
    if (advisory.ecosystem !== ecosystem) continue;
    for (const pkg of packages) {
      if (pkg.name !== advisory.package && pkg.source !== advisory.package) continue;
      if (advisory.fixedVersion !== undefined && compareVersions(pkg.version, advisory.fixedVersion) >= 0) continue;
      if (advisory.introducedVersion !== undefined && compareVersions(pkg.version, advisory.introducedVersion) < 0) continue;
      findings.push({
        name: advisory.id,
        severity: advisory.severity,
        ...(advisory.description && { description: advisory.description }),
        ...(advisory.uri && { uri: advisory.uri }),
        attributes: [
          { key: 'package_name', value: pkg.name },
          { key: 'package_version', value: pkg.version },
        ],
      });
    }
  }
  const rank = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL', 'UNDEFINED'];
  return findings.sort((a, b) => rank.indexOf(a.severity!) - rank.indexOf(b.severity!) || (a.name! < b.name! ? -1 : 1));
}
