// S3's errors: REST-XML `<Error><Code>`, with S3's own HTTP statuses. `details` go out as elements beside the
// message (`<BucketName>`, `<Key>`), as S3 writes them.
import { AwsError } from './errors.js';

export class S3Error extends AwsError {
  constructor(code: string, message: string, status: number, readonly details?: Record<string, string>) {
    super(code, message, status);
  }
}

const s3Error = (code: string, status: number, message: string, detail?: string) =>
  class extends S3Error {
    constructor(value?: string, text = message) {
      super(code, text, status, detail && value !== undefined ? { [detail]: value } : undefined);
    }
  };

export const NoSuchBucket = s3Error('NoSuchBucket', 404, 'The specified bucket does not exist', 'BucketName');
export const NoSuchKey = s3Error('NoSuchKey', 404, 'The specified key does not exist.', 'Key');
export const NoSuchVersion = s3Error('NoSuchVersion', 404, 'The specified version does not exist.', 'VersionId');
export const NoSuchUpload = s3Error('NoSuchUpload', 404, 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.', 'UploadId');
export const BucketNotEmpty = s3Error('BucketNotEmpty', 409, 'The bucket you tried to delete is not empty', 'BucketName');
export const BucketAlreadyExists = s3Error('BucketAlreadyExists', 409, 'The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.', 'BucketName');
export const BucketAlreadyOwnedByYou = s3Error('BucketAlreadyOwnedByYou', 409, 'Your previous request to create the named bucket succeeded and you already own it.', 'BucketName');
export const InvalidBucketName = s3Error('InvalidBucketName', 400, 'The specified bucket is not valid.', 'BucketName');
export const IllegalLocationConstraintException = s3Error('IllegalLocationConstraintException', 400, 'The location constraint is incompatible for the region specific endpoint this request was sent to.');
export const InvalidLocationConstraint = s3Error('InvalidLocationConstraint', 400, 'The specified location-constraint is not valid', 'LocationConstraint');
export const NoSuchTagSet = s3Error('NoSuchTagSet', 404, 'The TagSet does not exist', 'BucketName');
export const NoSuchBucketPolicy = s3Error('NoSuchBucketPolicy', 404, 'The bucket policy does not exist', 'BucketName');
export const NoSuchCORSConfiguration = s3Error('NoSuchCORSConfiguration', 404, 'The CORS configuration does not exist', 'BucketName');
export const NoSuchLifecycleConfiguration = s3Error('NoSuchLifecycleConfiguration', 404, 'The lifecycle configuration does not exist', 'BucketName');
export const MalformedPolicy = s3Error('MalformedPolicy', 400, 'Policies must be valid JSON and the first byte must be \'{\'');
export const MalformedXML = s3Error('MalformedXML', 400, 'The XML you provided was not well-formed or did not validate against our published schema');
export const InvalidArgument = s3Error('InvalidArgument', 400, 'Invalid Argument', 'ArgumentName');
export const InvalidRequest = s3Error('InvalidRequest', 400, 'Invalid Request');
export const InvalidTag = s3Error('InvalidTag', 400, 'The tag provided was not a valid tag.');
export const InvalidRange = s3Error('InvalidRange', 416, 'The requested range is not satisfiable', 'RangeRequested');
export const PreconditionFailed = s3Error('PreconditionFailed', 412, 'At least one of the pre-conditions you specified did not hold', 'Condition');
export const NotModified = s3Error('NotModified', 304, 'Not Modified');
export const InvalidPart = s3Error('InvalidPart', 400, 'One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part\'s entity tag.');
export const InvalidPartOrder = s3Error('InvalidPartOrder', 400, 'The list of parts was not in ascending order. Parts must be ordered by part number.');
export const EntityTooSmall = s3Error('EntityTooSmall', 400, 'Your proposed upload is smaller than the minimum allowed object size.');
export const EntityTooLarge = s3Error('EntityTooLarge', 400, 'Your proposed upload exceeds the maximum allowed size');
export const MethodNotAllowed = s3Error('MethodNotAllowed', 405, 'The specified method is not allowed against this resource.');
export const NoSuchUploadPart = s3Error('InvalidPart', 400, 'One or more of the specified parts could not be found.');
// A preflight (OPTIONS) the bucket's CORS configuration does not allow.
export const CorsForbidden = s3Error('AccessForbidden', 403, 'CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource\'s CORS spec.');
export const InvalidObjectState = s3Error('InvalidObjectState', 403, 'The operation is not valid for the object\'s storage class');
