// ECR's errors (awsJson: the shape name is the code).
import { define } from './errors.js';

export const InvalidParameterException = define('InvalidParameterException');
export const RepositoryNotFoundException = define('RepositoryNotFoundException');
export const RepositoryAlreadyExistsException = define('RepositoryAlreadyExistsException');
export const RepositoryNotEmptyException = define('RepositoryNotEmptyException');
export const RepositoryPolicyNotFoundException = define('RepositoryPolicyNotFoundException');
export const LifecyclePolicyNotFoundException = define('LifecyclePolicyNotFoundException');
export const LifecyclePolicyPreviewNotFoundException = define('LifecyclePolicyPreviewNotFoundException');
export const ImageNotFoundException = define('ImageNotFoundException');
export const ImageAlreadyExistsException = define('ImageAlreadyExistsException');
export const ImageTagAlreadyExistsException = define('ImageTagAlreadyExistsException');
export const ImageDigestDoesNotMatchException = define('ImageDigestDoesNotMatchException');
export const LayersNotFoundException = define('LayersNotFoundException');
export const ReferencedImagesNotFoundException = define('ReferencedImagesNotFoundException');
export const ScanNotFoundException = define('ScanNotFoundException');
export const UnsupportedImageTypeException = define('UnsupportedImageTypeException');
export const InvalidTagParameterException = define('InvalidTagParameterException');
export const TooManyTagsException = define('TooManyTagsException');
export const UploadNotFoundException = define('UploadNotFoundException');
export const ServerException = define('ServerException', 500);
