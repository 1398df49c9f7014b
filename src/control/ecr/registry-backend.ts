// ECR behind the registry (src/registry/): who a registry request comes from (the GetAuthorizationToken
// password in its Basic credentials), whether IAM and the repository's policy let them do it (each registry
// operation is the ECR action AWS authorises it as), and the images the manifests are.
import type { CallContext, Caller } from '../../core/caller.js';
import { imageKey, isDigest, isImageTag, isRepositoryName } from '../../core/ecr.js';
import { RegistryError, type Descriptor, type ParsedManifest, type RegistryBackend, type RegistryOperation, type RegistryPrincipal } from '../../core/ecr-registry.js';
import type { AwsError } from '../../core/errors.js';
import { denialMessage, evaluate } from '../../core/policy/evaluate.js';
import type { AuthorizationRequest } from '../../core/policy/types.js';
import { globalKeys } from '../authorization/requests.js';
import { PolicyCompiler, Principals } from '../authorization/principals.js';
import type { ControlContext } from '../context.js';
import { inRegion } from '../regions.js';
import { openAuthorizationToken } from './authorization-token.js';
import { deleteImages, findImage, recordImage } from './images.js';
import { blobScope, imagesOf } from './repositories.js';
import { repositoryPolicyDocument } from './repository-policy.js';

/** The ECR action each registry operation is authorised as (ECR's "Amazon ECR managed policies" and IAM reference). */
const ACTIONS: Record<RegistryOperation, string> = {
  pullManifest: 'ecr:BatchGetImage',
  pullBlob: 'ecr:GetDownloadUrlForLayer',
  checkBlob: 'ecr:BatchCheckLayerAvailability',
  pushBlob: 'ecr:InitiateLayerUpload',
  pushManifest: 'ecr:PutImage',
  deleteManifest: 'ecr:BatchDeleteImage',
  listTags: 'ecr:ListImages',
};

/** ECR's errors as the registry answers them. */
const REGISTRY_CODES: Record<string, [string, number]> = {
  ImageTagAlreadyExistsException: ['TAG_INVALID', 400],
  LayersNotFoundException: ['MANIFEST_BLOB_UNKNOWN', 400],
  ReferencedImagesNotFoundException: ['MANIFEST_BLOB_UNKNOWN', 400],
  RepositoryNotFoundException: ['NAME_UNKNOWN', 404],
  ImageNotFoundException: ['MANIFEST_UNKNOWN', 404],
};

interface EcrPrincipal {
  call: CallContext;
  ctx: ControlContext;
}

const principalOf = (p: RegistryPrincipal) => p.registryPrincipal as EcrPrincipal;

export interface EcrRegistryOptions {
  /** `--auth permissive`: any token this server issued may do anything, as the API's callers may. */
  permissive: boolean;
}

export class EcrRegistryBackend implements RegistryBackend {
  private readonly principals: Principals;
  private readonly compiler = new PolicyCompiler();

  constructor(
    private readonly ctx: ControlContext,
    private readonly options: EcrRegistryOptions,
  ) {
    this.principals = new Principals(ctx.state, this.compiler);
  }

  authenticate(authorization: string | undefined): RegistryPrincipal | undefined {
    const m = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(authorization ?? '');
    if (!m) return undefined;
    const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0 || decoded.slice(0, colon) !== 'AWS') return undefined;
    const opened = openAuthorizationToken(this.ctx, decoded.slice(colon + 1));
    if (opened === 'expired') throw new RegistryError('DENIED', 'Your authorization token has expired. Reauthenticate and try again.', 403);
    if (!opened) return undefined;
    const principal: EcrPrincipal = { call: { requestId: 'registry', caller: opened.caller, region: opened.region }, ctx: inRegion(this.ctx, opened.region) };
    return { registryPrincipal: principal };
  }

  authorize(p: RegistryPrincipal, repository: string, operation: RegistryOperation): string {
    const { ctx, call } = principalOf(p);
    const record = isRepositoryName(repository) ? ctx.state.get('ecrRepository', repository) : undefined;
    if (!record) throw new RegistryError('NAME_UNKNOWN', `The repository with name '${repository}' does not exist in the registry with id '${ctx.partition.accountId}'`, 404);
    if (!this.options.permissive) this.permit(ctx, call, ACTIONS[operation], record.repositoryArn, record.policyText);
    return blobScope(ctx, repository);
  }

  /** IAM's decision with the repository's policy as the resource policy; root is allowed all, as in AWS. */
  private permit(ctx: ControlContext, call: CallContext, action: string, resource: string, policyText: string | undefined): void {
    const caller: Caller = call.caller;
    if (caller.type === undefined || caller.type === 'root') return;
    const input = this.principals.evaluationInput(caller);
    const request: AuthorizationRequest = { action, resource, context: globalKeys(ctx, call, input.tags) };
    const result = evaluate({ ...input, ...(policyText && { resourcePolicy: this.compiler.compile(repositoryPolicyDocument(policyText, resource), 'resource') }) }, request);
    if (result.decision !== 'Allow') throw new RegistryError('DENIED', denialMessage(caller.arn, request, result), 403);
  }

  manifest(p: RegistryPrincipal, repository: string, reference: string) {
    const image = findImage(principalOf(p).ctx.state, repository, isDigest(reference) ? { imageDigest: reference } : { imageTag: reference });
    return image && { digest: image.imageDigest, mediaType: image.imageManifestMediaType, size: image.manifestSize };
  }

  async putManifest(p: RegistryPrincipal, repository: string, manifest: ParsedManifest, tag: string | undefined): Promise<void> {
    if (tag !== undefined && !isImageTag(tag)) throw new RegistryError('TAG_INVALID', `Invalid tag ${tag}`, 400);
    await translated(() => recordImage(principalOf(p).ctx, repository, manifest, tag, { repeat: 'accept' }));
  }

  async deleteManifest(p: RegistryPrincipal, repository: string, digest: string): Promise<void> {
    const { ctx } = principalOf(p);
    if (!findImage(ctx.state, repository, { imageDigest: digest })) throw new RegistryError('MANIFEST_UNKNOWN', 'Requested image not found', 404);
    await deleteImages(ctx, repository, [digest]);
  }

  tags(p: RegistryPrincipal, repository: string): string[] {
    return imagesOf(principalOf(p).ctx.state, repository).flatMap((image) => image.imageTags);
  }

  referrers(p: RegistryPrincipal, repository: string, digest: string): Descriptor[] {
    return imagesOf(principalOf(p).ctx.state, repository)
      .filter((image) => image.subjectManifestDigest === digest)
      .map((image) => ({
        mediaType: image.imageManifestMediaType,
        digest: image.imageDigest,
        size: image.manifestSize,
        ...(image.artifactType && { artifactType: image.artifactType }),
      }));
  }

  pulled(p: RegistryPrincipal, repository: string, digest: string): void {
    const { ctx } = principalOf(p);
    void ctx.state
      .mutate((tx) => {
        const image = tx.get('ecrImage', imageKey(repository, digest));
        if (image) tx.put('ecrImage', imageKey(repository, digest), { ...image, lastRecordedPullTime: ctx.clock.now() });
      })
      .catch((err: unknown) => ctx.log.warn('pull time not recorded', { repository, digest, err: (err as Error).message }));
  }
}

/** Runs an ECR operation for the registry: ECR's errors become the registry's. */
async function translated<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    const mapped = REGISTRY_CODES[(err as AwsError).code];
    if (mapped) throw new RegistryError(mapped[0], (err as Error).message, mapped[1]);
    throw err;
  }
}
