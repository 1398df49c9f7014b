// Image scanning (StartImageScan, DescribeImageScanFindings, scan on push): an image to scan is marked
// IN_PROGRESS; the scan controller reads its package database out of its layers and matches the packages
// against the operator's advisory files (core/ecr-scan.ts), then records the findings.
import type { ImageScanFinding } from '@aws-sdk/client-ecr';
import { imageKey, severityCounts, type EcrImageRecord } from '../../core/ecr.js';
import { ImageNotFoundException, ScanNotFoundException, UnsupportedImageTypeException } from '../../core/ecr-errors.js';
import { matchAdvisories, PACKAGE_DATABASES, parseAdvisoryFile, parsePackageDatabase, type Advisory, type Ecosystem } from '../../core/ecr-scan.js';
import type { ControlContext } from '../context.js';
import { ControllerRunner } from '../runner.js';
import { isFailure, resolveImageId, type ImageId } from './image-ids.js';
import { page } from './pagination.js';
import { resolveRepository } from './repositories.js';

/** Package databases larger than this are not read (dpkg's status file of a large image is a few MiB). */
const MAX_DATABASE_BYTES = 32 * 1024 * 1024;

function resolveImage(ctx: ControlContext, repositoryName: string, registryId: string, imageId: ImageId): EcrImageRecord {
  const found = resolveImageId(ctx.state, repositoryName, imageId);
  if (isFailure(found))
    throw new ImageNotFoundException(`The image with imageId {imageDigest:'${imageId.imageDigest ?? 'null'}', imageTag:'${imageId.imageTag ?? 'null'}'} does not exist within the repository with name '${repositoryName}' in the registry with id '${registryId}'`);
  return found;
}

export async function startImageScan(ctx: ControlContext, input: { registryId?: string; repositoryName: string; imageId: ImageId }) {
  const repo = resolveRepository(ctx, ctx.state, input);
  const image = resolveImage(ctx, repo.repositoryName, repo.registryId, input.imageId);
  if (image.references.length === 0 || image.artifactType || image.layers.length === 0)
    throw new UnsupportedImageTypeException('The image is not supported for scanning: it is not a container image with layers');
  await ctx.state.mutate((tx) => {
    const current = tx.get('ecrImage', imageKey(repo.repositoryName, image.imageDigest));
    if (current) tx.put('ecrImage', imageKey(repo.repositoryName, image.imageDigest), { ...current, scan: { status: 'IN_PROGRESS', description: 'The scan is in progress.', findings: [] } });
  });
  return { registryId: repo.registryId, repositoryName: repo.repositoryName, imageId: { imageDigest: image.imageDigest, ...(input.imageId.imageTag && { imageTag: input.imageId.imageTag }) }, imageScanStatus: { status: 'IN_PROGRESS', description: 'The scan is in progress.' } };
}

export function describeImageScanFindings(ctx: ControlContext, input: { registryId?: string; repositoryName: string; imageId: ImageId; nextToken?: string; maxResults?: number }) {
  const repo = resolveRepository(ctx, ctx.state, input);
  const image = resolveImage(ctx, repo.repositoryName, repo.registryId, input.imageId);
  const scan = image.scan;
  if (!scan)
    throw new ScanNotFoundException(`Image scan does not exist for the image with '{imageDigest:'${image.imageDigest}', imageTag:'${input.imageId.imageTag ?? 'null'}'}' in the repository with name '${repo.repositoryName}' in the registry with id '${repo.registryId}'`);
  const { items, nextToken } = page(scan.findings, input);
  return {
    registryId: repo.registryId,
    repositoryName: repo.repositoryName,
    imageId: { imageDigest: image.imageDigest, ...(input.imageId.imageTag && { imageTag: input.imageId.imageTag }) },
    imageScanStatus: { status: scan.status, description: scan.description },
    ...(scan.status === 'COMPLETE' && {
      imageScanFindings: { imageScanCompletedAt: scan.completedAt, vulnerabilitySourceUpdatedAt: scan.completedAt, findingSeverityCounts: severityCounts(scan.findings), findings: items },
    }),
    ...(nextToken && { nextToken }),
  };
}

/** Scans the images marked IN_PROGRESS (and, at start, those a restart interrupted). */
export function runImageScans(ctx: ControlContext, signal: AbortSignal): Promise<void> {
  const inProgress = (image: EcrImageRecord | undefined) => image?.scan?.status === 'IN_PROGRESS';
  const runner = new ControllerRunner<string>(ctx, (key) => scanImage(ctx, key), {
    name: 'ecr image scans',
    triggers: (changes) => changes.filter((c) => c.kind === 'ecrImage' && inProgress(c.after as EcrImageRecord | undefined)).map((c) => c.id),
    retryMs: 30_000,
    resync: { everyMs: 60 * 60 * 1000, keys: () => [...ctx.state.entries('ecrImage')].filter(([, image]) => inProgress(image)).map(([key]) => key) },
  });
  return runner.run(signal);
}

async function scanImage(ctx: ControlContext, key: string): Promise<void> {
  const image = ctx.state.get('ecrImage', key);
  const registry = ctx.registry;
  if (image?.scan?.status !== 'IN_PROGRESS' || !registry) return;
  let scan: EcrImageRecord['scan'];
  try {
    const files = await registry.imageFiles(image.layers, Object.keys(PACKAGE_DATABASES), MAX_DATABASE_BYTES);
    const database = Object.entries(PACKAGE_DATABASES).find(([path]) => files.has(path));
    if (!database) {
      scan = { status: 'UNSUPPORTED_IMAGE', description: 'UnsupportedImageError: The operating system and/or package manager are not supported.', findings: [] };
    } else {
      const [path, ecosystem] = database as [string, Ecosystem];
      const packages = parsePackageDatabase(ecosystem, files.get(path)!);
      const advisories: Advisory[] = (await registry.advisories()).flatMap(parseAdvisoryFile);
      const findings: ImageScanFinding[] = matchAdvisories(ecosystem, packages, advisories);
      scan = { status: 'COMPLETE', description: 'The scan was completed successfully.', completedAt: ctx.clock.now(), findings };
    }
  } catch (err) {
    ctx.log.warn('image scan failed', { key, err: (err as Error).message });
    scan = { status: 'FAILED', description: `The scan failed: ${(err as Error).message}`, findings: [] };
  }
  await ctx.state.mutate((tx) => {
    const current = tx.get('ecrImage', key);
    if (current?.scan?.status === 'IN_PROGRESS') tx.put('ecrImage', key, { ...current, scan });
  });
  ctx.log.info('image scanned', { key, status: scan.status, findings: scan.findings.length });
}
