// DescribeInstanceTypes: the instance type table (instance-types.ts), by name, filtered, in pages.
import type { DescribeInstanceTypesRequest, DescribeInstanceTypesResult, InstanceTypeInfo } from '@aws-sdk/client-ec2';
import { InvalidInstanceType } from '../../core/ec2-instances-errors.js';
import type { ControlContext } from '../context.js';
import { describe, type FilterFields } from './describe.js';
import { instanceTypeInfo, instanceTypes } from './instance-types.js';

const FIELDS: FilterFields<InstanceTypeInfo> = {
  'auto-recovery-supported': (t) => t.AutoRecoverySupported,
  'bare-metal': (t) => t.BareMetal,
  'burstable-performance-supported': (t) => t.BurstablePerformanceSupported,
  'current-generation': (t) => t.CurrentGeneration,
  'dedicated-hosts-supported': (t) => t.DedicatedHostsSupported,
  'ebs-info.ebs-optimized-support': (t) => t.EbsInfo?.EbsOptimizedSupport,
  'ebs-info.encryption-support': (t) => t.EbsInfo?.EncryptionSupport,
  'ebs-info.nvme-support': (t) => t.EbsInfo?.NvmeSupport,
  'free-tier-eligible': (t) => t.FreeTierEligible,
  'hibernation-supported': (t) => t.HibernationSupported,
  hypervisor: (t) => t.Hypervisor,
  'instance-storage-supported': (t) => t.InstanceStorageSupported,
  'instance-type': (t) => t.InstanceType,
  'memory-info.size-in-mib': (t) => t.MemoryInfo?.SizeInMiB,
  'network-info.efa-supported': (t) => t.NetworkInfo?.EfaSupported,
  'network-info.ena-support': (t) => t.NetworkInfo?.EnaSupport,
  'network-info.encryption-in-transit-supported': (t) => t.NetworkInfo?.EncryptionInTransitSupported,
  'network-info.ipv4-addresses-per-interface': (t) => t.NetworkInfo?.Ipv4AddressesPerInterface,
  'network-info.ipv6-addresses-per-interface': (t) => t.NetworkInfo?.Ipv6AddressesPerInterface,
  'network-info.ipv6-supported': (t) => t.NetworkInfo?.Ipv6Supported,
  'network-info.maximum-network-cards': (t) => t.NetworkInfo?.MaximumNetworkCards,
  'network-info.maximum-network-interfaces': (t) => t.NetworkInfo?.MaximumNetworkInterfaces,
  'network-info.network-performance': (t) => t.NetworkInfo?.NetworkPerformance,
  'processor-info.supported-architecture': (t) => t.ProcessorInfo?.SupportedArchitectures,
  'processor-info.sustained-clock-speed-in-ghz': (t) => t.ProcessorInfo?.SustainedClockSpeedInGhz,
  'supported-boot-mode': (t) => t.SupportedBootModes,
  'supported-root-device-type': (t) => t.SupportedRootDeviceTypes,
  'supported-usage-class': (t) => t.SupportedUsageClasses,
  'supported-virtualization-type': (t) => t.SupportedVirtualizationTypes,
  'vcpu-info.default-cores': (t) => t.VCpuInfo?.DefaultCores,
  'vcpu-info.default-threads-per-core': (t) => t.VCpuInfo?.DefaultThreadsPerCore,
  'vcpu-info.default-vcpus': (t) => t.VCpuInfo?.DefaultVCpus,
};

export async function describeInstanceTypes(_ctx: ControlContext, input: DescribeInstanceTypesRequest): Promise<DescribeInstanceTypesResult> {
  const all = [...instanceTypes()].map(([name, spec]) => instanceTypeInfo(name, spec));
  // EC2 pages these by 100 at most, and answers every page-less request in pages too.
  const { items, NextToken } = describe(all, (t) => t.InstanceType!, { ...input, MaxResults: input.MaxResults ?? 100, ids: input.InstanceTypes }, FIELDS, (name) =>
    new InvalidInstanceType(`The following supplied instance types do not exist: [${name}]`),
  );
  return { InstanceTypes: items, ...(NextToken !== undefined && { NextToken }) };
}
