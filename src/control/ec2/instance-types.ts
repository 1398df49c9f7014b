// EC2's instance types as data (data/ec2-instance-types.json: default vCPUs, memory, architecture, network
// of each type), read once: what RunInstances accepts, what DescribeInstanceTypes answers, and the resources
// each instance's agent offers.
import type { InstanceTypeInfo } from '@aws-sdk/client-ec2';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface InstanceTypeSpec {
  vcpu: number;
  memoryMiB: number;
  architecture: 'x86_64' | 'arm64';
  hypervisor: 'nitro' | 'xen';
  burstable: boolean;
  clockGhz: number;
  network: string;
  maxEnis: number;
  ipv4PerEni: number;
}

let table: Map<string, InstanceTypeSpec> | undefined;

/** Every instance type Wharf knows, by name. */
export function instanceTypes(): ReadonlyMap<string, InstanceTypeSpec> {
  if (!table) {
    // The package's root, from src/control/ec2 or dist/src/control/ec2 alike.
    let root = dirname(fileURLToPath(import.meta.url));
    while (!existsSync(join(root, 'package.json'))) root = dirname(root);
    const doc = JSON.parse(readFileSync(join(root, 'data', 'ec2-instance-types.json'), 'utf8')) as { instanceTypes: Record<string, InstanceTypeSpec> };
    table = new Map(Object.entries(doc.instanceTypes));
  }
  return table;
}

export const instanceTypeSpec = (name: string): InstanceTypeSpec | undefined => instanceTypes().get(name);

/** A type as DescribeInstanceTypes shows it. */
export function instanceTypeInfo(name: string, spec: InstanceTypeSpec): InstanceTypeInfo {
  const threads = spec.burstable && spec.vcpu === 1 ? 1 : spec.architecture === 'arm64' ? 1 : 2;
  return {
    InstanceType: name as InstanceTypeInfo['InstanceType'],
    CurrentGeneration: true,
    FreeTierEligible: name === 't2.micro' || name === 't3.micro',
    SupportedUsageClasses: ['on-demand', 'spot'],
    SupportedRootDeviceTypes: ['ebs'],
    SupportedVirtualizationTypes: ['hvm'],
    BareMetal: false,
    Hypervisor: spec.hypervisor,
    ProcessorInfo: { SupportedArchitectures: [spec.architecture], SustainedClockSpeedInGhz: spec.clockGhz },
    VCpuInfo: { DefaultVCpus: spec.vcpu, DefaultCores: Math.max(1, spec.vcpu / threads), DefaultThreadsPerCore: threads },
    MemoryInfo: { SizeInMiB: spec.memoryMiB },
    InstanceStorageSupported: false,
    EbsInfo: { EbsOptimizedSupport: spec.hypervisor === 'nitro' ? 'default' : 'unsupported', EncryptionSupport: 'supported', NvmeSupport: spec.hypervisor === 'nitro' ? 'required' : 'unsupported' },
    NetworkInfo: {
      NetworkPerformance: spec.network,
      MaximumNetworkInterfaces: spec.maxEnis,
      MaximumNetworkCards: 1,
      DefaultNetworkCardIndex: 0,
      Ipv4AddressesPerInterface: spec.ipv4PerEni,
      Ipv6AddressesPerInterface: spec.ipv4PerEni,
      Ipv6Supported: true,
      EnaSupport: spec.hypervisor === 'nitro' ? 'required' : 'unsupported',
      EfaSupported: false,
      EncryptionInTransitSupported: false,
    },
    PlacementGroupInfo: { SupportedStrategies: ['partition', 'spread', ...(spec.burstable ? [] : ['cluster' as const])] },
    HibernationSupported: !spec.burstable || spec.architecture === 'x86_64',
    BurstablePerformanceSupported: spec.burstable,
    DedicatedHostsSupported: !spec.burstable,
    AutoRecoverySupported: true,
    SupportedBootModes: spec.architecture === 'arm64' ? ['uefi'] : ['legacy-bios', 'uefi'],
  };
}
