// Manifests as the OCI image spec and Docker's image manifest v2 schema 2 define them: image manifests
// (config and layers) and indexes / manifest lists (manifests), with an OCI subject and artifact type. Read
// and checked here before the backend records one; schema 1 (signed, long deprecated) is refused as ECR does.
import { RegistryError, type Descriptor, type ParsedManifest } from './ecr-registry.js';

export const MEDIA_TYPES = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
} as const;

const IMAGE_MANIFESTS = new Set<string>([MEDIA_TYPES.dockerManifest, MEDIA_TYPES.ociManifest]);
const INDEXES = new Set<string>([MEDIA_TYPES.dockerList, MEDIA_TYPES.ociIndex]);

/** ECR's limit on a manifest's size. */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

const DIGEST = /^sha256:[a-f0-9]{64}$/;

const invalid = (message: string) => new RegistryError('MANIFEST_INVALID', message, 400);

function descriptor(value: unknown, where: string): Descriptor {
  const d = value as Partial<Descriptor> | null;
  if (!d || typeof d !== 'object' || typeof d.mediaType !== 'string' || typeof d.digest !== 'string' || !Number.isSafeInteger(d.size) || d.size! < 0)
    throw invalid(`${where} is not a descriptor (mediaType, digest, size)`);
  if (!DIGEST.test(d.digest)) throw invalid(`${where} has an unsupported digest ${d.digest}`);
  return {
    mediaType: d.mediaType,
    digest: d.digest,
    size: d.size!,
    ...(typeof d.artifactType === 'string' && { artifactType: d.artifactType }),
    ...(d.annotations && typeof d.annotations === 'object' && { annotations: d.annotations }),
  };
}

/**
 * Parses a pushed manifest, whose bytes hash to `digest`; `contentType` is the request's, which a `mediaType`
 * in the body must agree with.
 */
export function parseManifest(bytes: Uint8Array, digest: string, contentType: string | undefined): ParsedManifest {
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw invalid('manifest is not JSON');
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw invalid('manifest is not a JSON object');
  const declared = typeof body.mediaType === 'string' ? body.mediaType : undefined;
  const header = contentType?.split(';')[0]!.trim();
  const mediaType = declared ?? header ?? '';
  if (declared && header && header !== declared && header !== 'application/json') throw invalid(`manifest mediaType ${declared} does not match Content-Type ${header}`);
  if (body.schemaVersion !== 2) throw new RegistryError('MANIFEST_INVALID', 'Manifest schema version 1 is not supported; push with schema version 2', 400);
  const list = (name: string) => {
    const value = body[name];
    if (value === undefined) return [];
    if (!Array.isArray(value)) throw invalid(`${name} is not a list`);
    return value.map((d, i) => descriptor(d, `${name}[${i}]`));
  };
  const common = {
    digest,
    mediaType,
    size: bytes.length,
    ...(body.subject !== undefined && { subject: descriptor(body.subject, 'subject') }),
    ...(typeof body.annotations === 'object' && body.annotations !== null && { annotations: body.annotations as Record<string, string> }),
  };
  if (IMAGE_MANIFESTS.has(mediaType) || (!declared && !INDEXES.has(mediaType) && body.config !== undefined)) {
    const config = descriptor(body.config, 'config');
    const artifactType = typeof body.artifactType === 'string' ? body.artifactType : undefined;
    return { ...common, mediaType: mediaType || MEDIA_TYPES.ociManifest, blobs: [config, ...list('layers')], manifests: [], ...(artifactType && { artifactType }), ...(!artifactType && config.mediaType !== 'application/vnd.oci.image.config.v1+json' && config.mediaType !== 'application/vnd.docker.container.image.v1+json' && { artifactType: config.mediaType }) };
  }
  if (INDEXES.has(mediaType) || body.manifests !== undefined) {
    const artifactType = typeof body.artifactType === 'string' ? body.artifactType : undefined;
    return { ...common, mediaType: mediaType || MEDIA_TYPES.ociIndex, blobs: [], manifests: list('manifests'), ...(artifactType && { artifactType }) };
  }
  throw new RegistryError('MANIFEST_INVALID', `unsupported manifest media type ${mediaType || '(none)'}`, 415);
}
