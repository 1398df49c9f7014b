// Amazon ECR on the gateway (awsJson 1.1): repositories, images, policies, lifecycle, scanning and the
// registry's authorization tokens. The images' bytes go through Wharf's registry (src/registry/), which
// `wharf up` serves on its own port.
import { batchDeleteImage } from '../control/ecr/batch-delete-image.js';
import { runBlobSweep } from '../control/ecr/blob-sweep.js';
import { batchGetImage } from '../control/ecr/batch-get-image.js';
import { createRepository } from '../control/ecr/create-repository.js';
import { deleteRepository } from '../control/ecr/delete-repository.js';
import { describeImages } from '../control/ecr/describe-images.js';
import { describeRepositories } from '../control/ecr/describe-repositories.js';
import { getAuthorizationToken } from '../control/ecr/get-authorization-token.js';
import { describeImageScanFindings, runImageScans, startImageScan } from '../control/ecr/image-scans.js';
import { batchCheckLayerAvailability } from '../control/ecr/layers.js';
import { runLifecyclePolicies } from '../control/ecr/lifecycle-controller.js';
import {
  deleteLifecyclePolicy,
  getLifecyclePolicy,
  getLifecyclePolicyPreview,
  putLifecyclePolicy,
  startLifecyclePolicyPreview,
} from '../control/ecr/lifecycle-policy.js';
import { listImages } from '../control/ecr/list-images.js';
import { putImage } from '../control/ecr/put-image.js';
import { describeRegistry, putReplicationConfiguration } from '../control/ecr/registry-settings.js';
import { putImageScanningConfiguration, putImageTagMutability } from '../control/ecr/repository-settings.js';
import { deleteRepositoryPolicy, getRepositoryPolicy, setRepositoryPolicy } from '../control/ecr/repository-policy.js';
import { listTagsForResource, tagResource, untagResource } from '../control/ecr/tags.js';
import { loadModel } from '../protocol/model.js';
import type { ServiceModule } from './module.js';

export const ecr: ServiceModule = {
  binding: (ctx) => ({
    model: loadModel('ecr'),
    handlers: {
      CreateRepository: (input) => createRepository(ctx, input),
      DescribeRepositories: (input) => describeRepositories(ctx, input),
      DeleteRepository: (input) => deleteRepository(ctx, input),
      PutImageTagMutability: (input) => putImageTagMutability(ctx, input),
      PutImageScanningConfiguration: (input) => putImageScanningConfiguration(ctx, input),
      SetRepositoryPolicy: (input) => setRepositoryPolicy(ctx, input),
      GetRepositoryPolicy: (input) => getRepositoryPolicy(ctx, input),
      DeleteRepositoryPolicy: (input) => deleteRepositoryPolicy(ctx, input),
      TagResource: (input) => tagResource(ctx, input),
      UntagResource: (input) => untagResource(ctx, input),
      ListTagsForResource: (input) => listTagsForResource(ctx, input),
      DescribeImages: (input) => describeImages(ctx, input),
      ListImages: (input) => listImages(ctx, input),
      BatchGetImage: (input) => batchGetImage(ctx, input),
      BatchDeleteImage: (input) => batchDeleteImage(ctx, input),
      PutImage: (input) => putImage(ctx, input),
      BatchCheckLayerAvailability: (input) => batchCheckLayerAvailability(ctx, input),
      GetAuthorizationToken: (input, call) => getAuthorizationToken(ctx, input, call),
      PutLifecyclePolicy: (input) => putLifecyclePolicy(ctx, input),
      GetLifecyclePolicy: (input) => getLifecyclePolicy(ctx, input),
      DeleteLifecyclePolicy: (input) => deleteLifecyclePolicy(ctx, input),
      StartLifecyclePolicyPreview: (input) => startLifecyclePolicyPreview(ctx, input),
      GetLifecyclePolicyPreview: (input) => getLifecyclePolicyPreview(ctx, input),
      StartImageScan: (input) => startImageScan(ctx, input),
      DescribeImageScanFindings: (input) => describeImageScanFindings(ctx, input),
      DescribeRegistry: () => describeRegistry(ctx),
      PutReplicationConfiguration: (input) => putReplicationConfiguration(ctx, input),
    },
  }),
  controllers: (ctx, signal) => [runLifecyclePolicies(ctx, signal), runImageScans(ctx, signal)],
  // One registry serves every region: its sweep runs once.
  hostControllers: (ctx, signal) => [runBlobSweep(ctx, signal)],
};
