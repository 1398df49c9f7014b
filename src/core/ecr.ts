// ECR as Wharf keeps it: repositories and images are records (what DescribeRepositories/DescribeImages
// answer); the bytes (layers, configs, manifests) are blobs on disk behind the registry's BlobStore port
// (decision 0002). Names, digests and tags are validated here as ECR validates them, once, for every path
// that takes one (the API, the registry, the agent).
import type { ImageDetail, ImageScanFinding, Repository } from '@aws-sdk/client-ecr';
import { InvalidParameterException } from './ecr-errors.js';

export interface EcrRepositoryRecord extends Omit<Repository, 'createdAt'> {
  repositoryArn: string;
  registryId: string;
  repositoryName: string;
  repositoryUri: string;
  createdAt: Date;
  imageTagMutability: 'MUTABLE' | 'IMMUTABLE';
  imageScanningConfiguration: { scanOnPush: boolean };
  encryptionConfiguration: { encryptionType: 'AES256' | 'KMS'; kmsKey?: string };
  tags: { Key: string; Value: string }[];
  /** SetRepositoryPolicy's text, evaluated as the repository's resource policy. */
  policyText?: string;
  lifecyclePolicyText?: string;
  lastLifecycleEvaluatedAt?: Date;
  /** The last StartLifecyclePolicyPreview's answer (ECR keeps one per repository). */
  lifecyclePreview?: { policyText: string; results: LifecycleAction[] };
}

/** One image: a manifest (or index) by digest, with the tags that point at it. */
export interface EcrImageRecord extends Pick<ImageDetail, 'artifactMediaType' | 'subjectManifestDigest'> {
  registryId: string;
  repositoryName: string;
  imageDigest: string;
  imageTags: string[];
  imageManifestMediaType: string;
  /** The manifest's own size plus its layers' (ECR's imageSizeInBytes counts the compressed layers). */
  imageSizeInBytes: number;
  /** The manifest's own bytes (the registry serves it with this Content-Length). */
  manifestSize: number;
  imagePushedAt: Date;
  lastRecordedPullTime?: Date;
  /** Digests of every blob the manifest names (config, layers) and of the manifests an index names. */
  references: string[];
  /** The layers in order (config and layers of an image manifest), for scanning. */
  layers: string[];
  artifactType?: string;
  scan?: ImageScan;
}

export interface ImageScan {
  status: 'IN_PROGRESS' | 'COMPLETE' | 'FAILED' | 'UNSUPPORTED_IMAGE';
  description: string;
  completedAt?: Date;
  findings: ImageScanFinding[];
}

/** The registry's settings (DescribeRegistry): one per region. */
export interface EcrRegistryRecord {
  replicationConfiguration: { rules: { destinations: { region: string; registryId: string }[]; repositoryFilters?: { filter: string; filterType: string }[] }[] };
}

/** What a lifecycle rule decided for one image. */
export interface LifecycleAction {
  imageDigest: string;
  imageTags: string[];
  imagePushedAt: Date;
  appliedRulePriority: number;
}

declare module './records.js' {
  interface RecordKinds {
    ecrRepository: EcrRepositoryRecord;
    ecrImage: EcrImageRecord;
    ecrRegistry: EcrRegistryRecord;
  }
}

/** The image record's key: one image per digest per repository. */
export const imageKey = (repositoryName: string, digest: string) => `${repositoryName}@${digest}`;

// ECR's patterns (models/ecr.json RepositoryName, ImageTag, ImageDigest).
const REPOSITORY_NAME = /^(?=.{2,256}$)(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

export const isRepositoryName = (name: string) => REPOSITORY_NAME.test(name);
export const isImageTag = (tag: string) => IMAGE_TAG.test(tag);
export const isDigest = (digest: string) => DIGEST.test(digest);

export function checkRepositoryName(name: string): string {
  if (!isRepositoryName(name))
    throw new InvalidParameterException(
      `Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must satisfy regular expression '(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*''`,
    );
  return name;
}

/** The image's ImageDetail as DescribeImages answers it. */
export function imageDetail(image: EcrImageRecord): ImageDetail & { imagePushedAt: Date } {
  return {
    registryId: image.registryId,
    repositoryName: image.repositoryName,
    imageDigest: image.imageDigest,
    ...(image.imageTags.length && { imageTags: image.imageTags }),
    imageSizeInBytes: image.imageSizeInBytes,
    imagePushedAt: image.imagePushedAt,
    imageManifestMediaType: image.imageManifestMediaType,
    ...(image.artifactMediaType && { artifactMediaType: image.artifactMediaType }),
    ...(image.lastRecordedPullTime && { lastRecordedPullTime: image.lastRecordedPullTime }),
    ...(image.subjectManifestDigest && { subjectManifestDigest: image.subjectManifestDigest }),
    imageStatus: 'ACTIVE',
    ...(image.scan && {
      imageScanStatus: { status: image.scan.status, description: image.scan.description },
      ...(image.scan.status === 'COMPLETE' && {
        imageScanFindingsSummary: {
          imageScanCompletedAt: image.scan.completedAt,
          vulnerabilitySourceUpdatedAt: image.scan.completedAt,
          findingSeverityCounts: severityCounts(image.scan.findings),
        },
      }),
    }),
  };
}

export function severityCounts(findings: readonly ImageScanFinding[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const f of findings) counts[f.severity!] = (counts[f.severity!] ?? 0) + 1;
  return counts;
}

/** A `<account>.dkr.ecr.<region>.amazonaws.com[.cn]/<repository>[:tag|@digest]` image name, parsed. */
export interface EcrImageName {
  registryId: string;
  region: string;
  repositoryName: string;
  /** `:tag` or `@sha256:...`, as written; `:latest` when absent. */
  reference: string;
}

const ECR_IMAGE = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([^:@]+)((?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?)$/;

export function parseEcrImageName(image: string): EcrImageName | undefined {
  const m = ECR_IMAGE.exec(image);
  if (!m || !isRepositoryName(m[3]!)) return undefined;
  return { registryId: m[1]!, region: m[2]!, repositoryName: m[3]!, reference: m[4] || ':latest' };
}
