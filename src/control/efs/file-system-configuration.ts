// What a file system carries besides its data: lifecycle policies, its backup policy and its resource
// policy (Put/Describe/DeleteFileSystemPolicy; checked as IAM checks a resource policy, read by mounts).
import type { LifecyclePolicy } from '../../core/efs.js';
import { BadRequest, InvalidPolicyException, PolicyNotFound } from '../../core/efs-errors.js';
import { AwsError } from '../../core/errors.js';
import { compilePolicy } from '../../core/policy/compile.js';
import type { ControlContext } from '../context.js';
import { resolveFileSystem } from './file-systems.js';

/** Each transition at most once, each policy with one transition (EFS's rule). */
function checkLifecyclePolicies(policies: readonly LifecyclePolicy[]): void {
  const seen = new Set<string>();
  for (const policy of policies) {
    const keys = Object.keys(policy).filter((k) => policy[k as keyof LifecyclePolicy] !== undefined);
    if (keys.length !== 1) throw new BadRequest('Each lifecycle policy must have exactly one transition.');
    if (seen.has(keys[0]!)) throw new BadRequest(`Found duplicate ${keys[0]} lifecycle policy.`);
    seen.add(keys[0]!);
  }
}

export async function putLifecycleConfiguration(ctx: ControlContext, input: { FileSystemId: string; LifecyclePolicies: LifecyclePolicy[] }) {
  checkLifecyclePolicies(input.LifecyclePolicies);
  const record = await ctx.state.mutate((tx) => {
    const current = resolveFileSystem(tx, input.FileSystemId);
    return tx.put('efsFileSystem', current.FileSystemId, { ...current, LifecyclePolicies: input.LifecyclePolicies });
  });
  return { LifecyclePolicies: record.LifecyclePolicies };
}

export function describeLifecycleConfiguration(ctx: ControlContext, input: { FileSystemId: string }) {
  return { LifecyclePolicies: resolveFileSystem(ctx.state, input.FileSystemId).LifecyclePolicies };
}

export async function putBackupPolicy(ctx: ControlContext, input: { FileSystemId: string; BackupPolicy: { Status: string } }) {
  const status = input.BackupPolicy.Status;
  if (status !== 'ENABLED' && status !== 'DISABLED') throw new BadRequest(`Backup policy status '${status}' cannot be requested; use ENABLED or DISABLED.`);
  const record = await ctx.state.mutate((tx) => {
    const current = resolveFileSystem(tx, input.FileSystemId);
    return tx.put('efsFileSystem', current.FileSystemId, { ...current, BackupPolicy: { Status: status } });
  });
  return { BackupPolicy: record.BackupPolicy };
}

export function describeBackupPolicy(ctx: ControlContext, input: { FileSystemId: string }) {
  return { BackupPolicy: resolveFileSystem(ctx.state, input.FileSystemId).BackupPolicy };
}

export async function putFileSystemPolicy(ctx: ControlContext, input: { FileSystemId: string; Policy: string; BypassPolicyLockoutSafetyCheck?: boolean }) {
  try {
    compilePolicy(input.Policy, 'resource');
  } catch (error) {
    if (error instanceof AwsError) throw new InvalidPolicyException(`Invalid policy: ${error.message}`);
    throw error;
  }
  const record = await ctx.state.mutate((tx) => {
    const current = resolveFileSystem(tx, input.FileSystemId);
    return tx.put('efsFileSystem', current.FileSystemId, { ...current, Policy: input.Policy });
  });
  return { FileSystemId: record.FileSystemId, Policy: record.Policy };
}

export function describeFileSystemPolicy(ctx: ControlContext, input: { FileSystemId: string }) {
  const record = resolveFileSystem(ctx.state, input.FileSystemId);
  if (record.Policy === undefined) throw new PolicyNotFound(`File system '${record.FileSystemId}' does not have a file system policy.`);
  return { FileSystemId: record.FileSystemId, Policy: record.Policy };
}

export async function deleteFileSystemPolicy(ctx: ControlContext, input: { FileSystemId: string }): Promise<Record<string, never>> {
  await ctx.state.mutate((tx) => {
    const { Policy: _policy, ...rest } = resolveFileSystem(tx, input.FileSystemId);
    tx.put('efsFileSystem', rest.FileSystemId, rest);
  });
  return {};
}
