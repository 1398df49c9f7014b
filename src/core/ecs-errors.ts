// ECS's errors, as named in the ECS service model.
import { AwsError, define } from './errors.js';

export const ClientException = define('ClientException');
export const InvalidParameterException = define('InvalidParameterException');
export const ServerException = define('ServerException', 500);
export const ClusterNotFoundException = define('ClusterNotFoundException');
export const ClusterContainsContainerInstancesException = define('ClusterContainsContainerInstancesException');
export const ClusterContainsServicesException = define('ClusterContainsServicesException');
export const ClusterContainsTasksException = define('ClusterContainsTasksException');
export const TargetNotFoundException = define('TargetNotFoundException');
export const AttributeLimitExceededException = define('AttributeLimitExceededException');
export const ServiceNotFoundException = define('ServiceNotFoundException');
export const ServiceNotActiveException = define('ServiceNotActiveException');

/** RunTask's clientToken reused with a different request; `resourceIds` are the tasks the token already started. */
export class ConflictException extends AwsError {
  constructor(
    message: string,
    readonly resourceIds: string[],
  ) {
    super('ConflictException', message);
  }
}
export const UnsupportedFeatureException = define('UnsupportedFeatureException');
export const NamespaceNotFoundException = define('NamespaceNotFoundException');
export const ServiceDeploymentNotFoundException = define('ServiceDeploymentNotFoundException');
export const TaskSetNotFoundException = define('TaskSetNotFoundException');
export const DaemonNotFoundException = define('DaemonNotFoundException');
export const NoUpdateAvailableException = define('NoUpdateAvailableException');
