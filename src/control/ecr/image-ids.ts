// Image identifiers in batch calls: each resolved to an image or to ECR's failure for it.
import { isDigest, isImageTag, type EcrImageRecord } from '../../core/ecr.js';
import type { State, Transaction } from '../state.js';
import { findImage } from './images.js';

export interface ImageId {
  imageDigest?: string;
  imageTag?: string;
}

export interface ImageFailure {
  imageId: ImageId;
  failureCode: string;
  failureReason: string;
}

export function resolveImageId(state: Pick<State, 'get' | 'where'>, repositoryName: string, id: ImageId, tx?: Pick<Transaction, 'get'>): EcrImageRecord | ImageFailure {
  if (!id.imageDigest && !id.imageTag) return { imageId: id, failureCode: 'MissingDigestAndTag', failureReason: 'Invalid request parameters: both tag and digest cannot be null' };
  if (id.imageDigest && !isDigest(id.imageDigest)) return { imageId: id, failureCode: 'InvalidImageDigest', failureReason: 'Invalid request parameters: image digest should satisfy the regex \'[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+\'' };
  if (id.imageTag && !isImageTag(id.imageTag)) return { imageId: id, failureCode: 'InvalidImageTag', failureReason: 'Invalid request parameters: image tag should satisfy the regex \'[a-zA-Z0-9-_.]+\'' };
  const image = findImage(state, repositoryName, id, tx);
  if (image) return image;
  if (id.imageDigest && id.imageTag && findImage(state, repositoryName, { imageDigest: id.imageDigest }, tx))
    return { imageId: id, failureCode: 'ImageTagDoesNotMatchDigest', failureReason: 'Invalid request parameters: given tag does not map to the given digest' };
  return { imageId: id, failureCode: 'ImageNotFound', failureReason: 'Requested image not found' };
}

export const isFailure = (value: EcrImageRecord | ImageFailure): value is ImageFailure => 'failureCode' in value;
