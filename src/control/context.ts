import type { Partition } from '../core/arn.js';
import type { ItemStore } from '../core/dynamodb.js';
import type { MetricStore } from '../core/cloudwatch.js';
import type { FileSystemStorage } from '../core/efs.js';
import type { NfsServer } from '../core/efs-exports.js';
import type { RegistryPorts } from '../core/ecr-registry.js';
import type { InstanceLauncher } from '../core/ec2-instances.js';
import type { S3ObjectReader } from '../core/elbv2.js';
import type { LoadBalancerDataPlane } from '../core/load-balancer.js';
import type { ObjectStore } from '../core/s3.js';
import type { LogEventStore } from '../core/logs.js';
import type { Ids, Logger, Timer } from '../core/ports.js';
import type { State } from './state.js';
import type { SessionKeys } from './sts/session-keys.js';

/** What every control-plane operation and controller is given: state and the ports, nothing concrete. */
export interface ControlContext {
  state: State;
  clock: Timer;
  ids: Ids;
  log: Logger;
  partition: Partition;
  /** Where agents reach the control plane (DiscoverPollEndpoint answers with it). */
  endpoint: string;
  /** Seals STS session tokens and derives temporary credentials' secrets, from the server's own secret. */
  sessionKeys: SessionKeys;
  /** DynamoDB items (every region's: tables are told apart by their TableId), where this control plane serves DynamoDB. */
  items?: ItemStore;
  /** CloudWatch Logs' events (every region's: calls pass their region), where this control plane serves Logs. */
  logEvents?: LogEventStore;
  /**
   * The load balancers' data plane, when this control plane runs one, and the address its listeners bind
   * (CreateListener asks it for ports; ELBv2's controller keeps it serving the records).
   */
  loadBalancers?: { dataPlane: LoadBalancerDataPlane; address: string };
  /** S3 objects, where this control plane serves S3 (ELBv2 trust stores read their CA bundles there). */
  s3Objects?: S3ObjectReader;
  /** S3's object versions, uploads and bodies (every region's: buckets are global), where this control plane serves S3. */
  objects?: ObjectStore;
  /** CloudWatch metric datapoints and alarm history (every region's: calls pass their partition). */
  metrics?: MetricStore;
  /** EFS file systems' directories (every region's: ids are unique), where this control plane serves EFS. */
  fileSystems?: FileSystemStorage;
  /** The server's host (agents register theirs as `wharf.host-id`): agents elsewhere mount EFS over NFS. */
  hostId?: string;
  /** The NFS server exporting the file systems to agents on other hosts (nfs-ganesha), where one runs. */
  nfs?: NfsServer;
  /** ECR's image registry, where this control plane runs one: its address, its blobs, the scanner's advisories. */
  registry?: RegistryPorts;
  /** Where EC2 instances become hosts (a local agent each, by default), where this control plane runs them. */
  instanceLauncher?: InstanceLauncher;
  /** How often FARGATE_SPOT tasks and Spot instances are interrupted, per task or instance and hour (absent or 0: only when an operator asks). */
  spotInterruptionsPerHour?: number;
  /** How long EC2's Spot interruption notice lasts (two minutes unless WHARF_SPOT_NOTICE shortens it for tests). */
  spotNoticeMs?: number;
  /** The range of each region's default VPC when it is made (AWS's 172.31.0.0/16 unless the operator chose another /16). */
  defaultVpcCidr?: string;
  /** How long a minute of deployment bake times lasts (60 000 ms unless WHARF_DEPLOYMENT_MINUTE shortens it for tests). */
  deploymentMinuteMs?: number;
}
