// Launch templates and their versions (Create/Describe/Modify/DeleteLaunchTemplate(s), Create/Describe/
// DeleteLaunchTemplateVersions): each version keeps the launch data RunInstances and Auto Scaling launch
// from; versions are numbered from 1, `$Latest` is the highest, `$Default` the one ModifyLaunchTemplate set.
import type {
  CreateLaunchTemplateRequest,
  CreateLaunchTemplateResult,
  CreateLaunchTemplateVersionRequest,
  CreateLaunchTemplateVersionResult,
  DeleteLaunchTemplateRequest,
  DeleteLaunchTemplateResult,
  DeleteLaunchTemplateVersionsRequest,
  DeleteLaunchTemplateVersionsResult,
  DescribeLaunchTemplatesRequest,
  DescribeLaunchTemplatesResult,
  DescribeLaunchTemplateVersionsRequest,
  DescribeLaunchTemplateVersionsResult,
  LaunchTemplate,
  LaunchTemplateVersion,
  ModifyLaunchTemplateRequest,
  ModifyLaunchTemplateResult,
  RequestLaunchTemplateData,
  ResponseLaunchTemplateData,
} from '@aws-sdk/client-ec2';
import type { CallContext } from '../../core/caller.js';
import type { LaunchTemplateRecord, LaunchTemplateVersionRecord } from '../../core/ec2-instances.js';
import {
  InvalidLaunchTemplateIdMalformed,
  InvalidLaunchTemplateIdNotFound,
  InvalidLaunchTemplateIdVersionNotFound,
  InvalidLaunchTemplateNameAlreadyExists,
  InvalidLaunchTemplateNameMalformed,
  InvalidLaunchTemplateNameNotFound,
} from '../../core/ec2-instances-errors.js';
import { InvalidParameterCombination } from '../../core/ec2-errors.js';
import { InvalidParameterValue, MissingParameter } from '../../core/errors.js';
import type { ControlContext } from '../context.js';
import type { Reader } from '../ecs/lookups.js';
import type { State } from '../state.js';
import { describe, tagsFor, type FilterFields } from './describe.js';

/** A launch template by id or name, and a version (`$Latest`, `$Default` or a number; `$Default` when absent). */
export interface LaunchTemplateRef {
  id?: string;
  name?: string;
  version?: string;
}

const TEMPLATE_ID = /^lt-[0-9a-f]{17}$/;
const TEMPLATE_NAME = /^[a-zA-Z0-9().\-/_]{3,128}$/;

/** The template a reference names, with EC2's errors for a malformed or unknown id or name. */
export function resolveLaunchTemplate(state: Pick<State, 'all'> & Reader, ref: { id?: string; name?: string }): LaunchTemplateRecord {
  if (ref.id !== undefined && ref.name !== undefined) {
    throw new InvalidParameterCombination('Both a launch template ID and a launch template name were specified. Specify only one.');
  }
  if (ref.id !== undefined) {
    if (!TEMPLATE_ID.test(ref.id)) throw new InvalidLaunchTemplateIdMalformed(`The specified ID for the launch template, ${ref.id}, is not valid.`);
    const template = state.get('launchTemplate', ref.id);
    if (!template) throw new InvalidLaunchTemplateIdNotFound(`The specified launch template, with template ID ${ref.id}, does not exist.`);
    return template;
  }
  if (ref.name === undefined) throw new MissingParameter('The request must contain the parameter launchTemplateName or launchTemplateId');
  const template = byName(state, ref.name);
  if (!template) throw new InvalidLaunchTemplateNameNotFound(`The specified launch template, with template name ${ref.name}, does not exist.`);
  return template;
}

function byName(state: Pick<State, 'all'> & Reader, name: string): LaunchTemplateRecord | undefined {
  for (const t of state.all('launchTemplate')) if (t.LaunchTemplateName === name) return state.get('launchTemplate', t.LaunchTemplateId) ?? undefined;
  return undefined;
}

/** The version a reference names: `$Latest`, `$Default`, or a number. */
function findVersion(template: LaunchTemplateRecord, version: string | undefined): LaunchTemplateVersionRecord {
  const number = version === undefined || version === '$Default' ? template.DefaultVersionNumber : version === '$Latest' ? template.LatestVersionNumber : Number(version);
  const found = Number.isInteger(number) ? template.versions.find((v) => v.VersionNumber === number) : undefined;
  if (!found) {
    throw new InvalidLaunchTemplateIdVersionNotFound(`Could not find launch template version ${version} for launch template ${template.LaunchTemplateId}.`);
  }
  return found;
}

/** What a launch from a template uses: its id, the version resolved, and that version's data. */
export function launchTemplateData(state: Pick<State, 'all'> & Reader, ref: LaunchTemplateRef): { id: string; version: number; data: ResponseLaunchTemplateData } {
  const template = resolveLaunchTemplate(state, ref);
  const version = findVersion(template, ref.version);
  return { id: template.LaunchTemplateId, version: version.VersionNumber, data: version.LaunchTemplateData };
}

// The request's launch data is kept as EC2 answers it: the two shapes differ only in their list members'
// request-side names, which the wire protocol maps. Empty user data is none, as EC2 keeps it (Terraform's
// provider sends `UserData=` for a template without any).
function asResponse(data: RequestLaunchTemplateData | undefined): ResponseLaunchTemplateData {
  const { UserData, ...rest } = data ?? {};
  return (UserData ? { ...rest, UserData } : rest) as ResponseLaunchTemplateData;
}

function checkData(data: RequestLaunchTemplateData | undefined): void {
  const base64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
  if (data?.UserData !== undefined && !base64.test(data.UserData)) throw new InvalidParameterValue('Invalid BASE64 encoding of user data.');
}

const templateView = (t: LaunchTemplateRecord): LaunchTemplate => ({
  LaunchTemplateId: t.LaunchTemplateId,
  LaunchTemplateName: t.LaunchTemplateName,
  CreateTime: t.CreateTime,
  CreatedBy: t.CreatedBy,
  DefaultVersionNumber: t.DefaultVersionNumber,
  LatestVersionNumber: t.LatestVersionNumber,
  ...(t.Tags.length && { Tags: t.Tags }),
});

const versionView = (t: LaunchTemplateRecord, v: LaunchTemplateVersionRecord): LaunchTemplateVersion => ({
  LaunchTemplateId: t.LaunchTemplateId,
  LaunchTemplateName: t.LaunchTemplateName,
  VersionNumber: v.VersionNumber,
  ...(v.VersionDescription !== undefined && { VersionDescription: v.VersionDescription }),
  CreateTime: v.CreateTime,
  CreatedBy: v.CreatedBy,
  DefaultVersion: v.VersionNumber === t.DefaultVersionNumber,
  LaunchTemplateData: v.LaunchTemplateData,
});

export async function createLaunchTemplate(ctx: ControlContext, input: CreateLaunchTemplateRequest, call: CallContext): Promise<CreateLaunchTemplateResult> {
  const name = input.LaunchTemplateName;
  if (name === undefined) throw new MissingParameter('The request must contain the parameter LaunchTemplateName');
  if (!TEMPLATE_NAME.test(name)) {
    throw new InvalidLaunchTemplateNameMalformed('A launch template name must be between 3 and 128 characters, and may contain letters, numbers, and the following characters: - ( ) . / _.');
  }
  if (input.LaunchTemplateData === undefined) throw new MissingParameter('The request must contain the parameter LaunchTemplateData');
  checkData(input.LaunchTemplateData);
  const template = await ctx.state.mutate((tx) => {
    if (byName(ctx.state, name)) throw new InvalidLaunchTemplateNameAlreadyExists('Launch template name already in use.');
    const now = ctx.clock.now();
    const record: LaunchTemplateRecord = {
      LaunchTemplateId: `lt-${ctx.ids.id().slice(-17)}`,
      LaunchTemplateName: name,
      CreateTime: now,
      CreatedBy: call.caller.arn,
      DefaultVersionNumber: 1,
      LatestVersionNumber: 1,
      Tags: tagsFor('launch-template', input.TagSpecifications),
      versions: [{ VersionNumber: 1, ...(input.VersionDescription !== undefined && { VersionDescription: input.VersionDescription }), CreateTime: now, CreatedBy: call.caller.arn, LaunchTemplateData: asResponse(input.LaunchTemplateData) }],
    };
    return tx.put('launchTemplate', record.LaunchTemplateId, record);
  });
  ctx.log.info('launch template created', { launchTemplateId: template.LaunchTemplateId, name });
  return { LaunchTemplate: templateView(template) };
}

export async function createLaunchTemplateVersion(ctx: ControlContext, input: CreateLaunchTemplateVersionRequest, call: CallContext): Promise<CreateLaunchTemplateVersionResult> {
  if (input.LaunchTemplateData === undefined) throw new MissingParameter('The request must contain the parameter LaunchTemplateData');
  checkData(input.LaunchTemplateData);
  const { template, version } = await ctx.state.mutate((tx) => {
    const current = resolveLaunchTemplate({ all: (k) => ctx.state.all(k), get: (k, id) => tx.get(k, id) }, { id: input.LaunchTemplateId, name: input.LaunchTemplateName });
    // A source version's data is the base the new data's members replace.
    const base = input.SourceVersion === undefined ? {} : findVersion(current, input.SourceVersion).LaunchTemplateData;
    const number = current.LatestVersionNumber + 1;
    const version: LaunchTemplateVersionRecord = {
      VersionNumber: number,
      ...(input.VersionDescription !== undefined && { VersionDescription: input.VersionDescription }),
      CreateTime: ctx.clock.now(),
      CreatedBy: call.caller.arn,
      LaunchTemplateData: { ...base, ...asResponse(input.LaunchTemplateData) },
    };
    const template = tx.put('launchTemplate', current.LaunchTemplateId, { ...current, LatestVersionNumber: number, versions: [...current.versions, version] });
    return { template, version };
  });
  ctx.log.info('launch template version created', { launchTemplateId: template.LaunchTemplateId, version: version.VersionNumber });
  return { LaunchTemplateVersion: versionView(template, version) };
}

export async function modifyLaunchTemplate(ctx: ControlContext, input: ModifyLaunchTemplateRequest): Promise<ModifyLaunchTemplateResult> {
  const template = await ctx.state.mutate((tx) => {
    const current = resolveLaunchTemplate({ all: (k) => ctx.state.all(k), get: (k, id) => tx.get(k, id) }, { id: input.LaunchTemplateId, name: input.LaunchTemplateName });
    if (input.DefaultVersion === undefined) return current;
    const version = findVersion(current, input.DefaultVersion);
    return tx.put('launchTemplate', current.LaunchTemplateId, { ...current, DefaultVersionNumber: version.VersionNumber });
  });
  return { LaunchTemplate: templateView(template) };
}

export async function deleteLaunchTemplate(ctx: ControlContext, input: DeleteLaunchTemplateRequest): Promise<DeleteLaunchTemplateResult> {
  const template = await ctx.state.mutate((tx) => {
    const current = resolveLaunchTemplate({ all: (k) => ctx.state.all(k), get: (k, id) => tx.get(k, id) }, { id: input.LaunchTemplateId, name: input.LaunchTemplateName });
    tx.delete('launchTemplate', current.LaunchTemplateId);
    return current;
  });
  ctx.log.info('launch template deleted', { launchTemplateId: template.LaunchTemplateId });
  return { LaunchTemplate: templateView(template) };
}

/** Deletes versions one by one: each that does not exist, or is the default, is answered as not deleted. */
export async function deleteLaunchTemplateVersions(ctx: ControlContext, input: DeleteLaunchTemplateVersionsRequest): Promise<DeleteLaunchTemplateVersionsResult> {
  return ctx.state.mutate((tx) => {
    const current = resolveLaunchTemplate({ all: (k) => ctx.state.all(k), get: (k, id) => tx.get(k, id) }, { id: input.LaunchTemplateId, name: input.LaunchTemplateName });
    const ok: DeleteLaunchTemplateVersionsResult['SuccessfullyDeletedLaunchTemplateVersions'] = [];
    const failed: DeleteLaunchTemplateVersionsResult['UnsuccessfullyDeletedLaunchTemplateVersions'] = [];
    let versions = current.versions;
    for (const v of input.Versions ?? []) {
      const number = Number(v);
      const which = { LaunchTemplateId: current.LaunchTemplateId, LaunchTemplateName: current.LaunchTemplateName, VersionNumber: number };
      if (number === current.DefaultVersionNumber) {
        failed.push({ ...which, ResponseError: { Code: 'unexpectedError', Message: 'Cannot delete the default version of a launch template.' } });
      } else if (!versions.some((x) => x.VersionNumber === number)) {
        failed.push({ ...which, ResponseError: { Code: 'launchTemplateVersionDoesNotExist', Message: `The specified launch template version ${v} does not exist.` } });
      } else {
        versions = versions.filter((x) => x.VersionNumber !== number);
        ok.push(which);
      }
    }
    if (ok.length) tx.put('launchTemplate', current.LaunchTemplateId, { ...current, versions });
    return { SuccessfullyDeletedLaunchTemplateVersions: ok, UnsuccessfullyDeletedLaunchTemplateVersions: failed };
  });
}

const TEMPLATE_FIELDS: FilterFields<LaunchTemplateRecord> = {
  'create-time': (t) => t.CreateTime.toISOString(),
  'launch-template-name': (t) => t.LaunchTemplateName,
};

export async function describeLaunchTemplates(ctx: ControlContext, input: DescribeLaunchTemplatesRequest): Promise<DescribeLaunchTemplatesResult> {
  let all = [...ctx.state.all('launchTemplate')];
  if (input.LaunchTemplateNames?.length) {
    const missing = input.LaunchTemplateNames.find((n) => !all.some((t) => t.LaunchTemplateName === n));
    if (missing !== undefined) throw new InvalidLaunchTemplateNameNotFound(`At least one of the launch templates specified in the request does not exist.`);
    all = all.filter((t) => input.LaunchTemplateNames!.includes(t.LaunchTemplateName));
  }
  const { items, NextToken } = describe(all, (t) => t.LaunchTemplateId, { ...input, ids: input.LaunchTemplateIds }, TEMPLATE_FIELDS, (id) =>
    new InvalidLaunchTemplateIdNotFound(`The specified launch template, with template ID ${id}, does not exist.`),
  );
  return { LaunchTemplates: items.map(templateView), ...(NextToken !== undefined && { NextToken }) };
}

type VersionOf = { template: LaunchTemplateRecord; version: LaunchTemplateVersionRecord };

const VERSION_FIELDS: FilterFields<VersionOf> = {
  'create-time': (v) => v.version.CreateTime.toISOString(),
  'ebs-optimized': (v) => v.version.LaunchTemplateData.EbsOptimized,
  'iam-instance-profile': (v) => [v.version.LaunchTemplateData.IamInstanceProfile?.Arn, v.version.LaunchTemplateData.IamInstanceProfile?.Name],
  'image-id': (v) => v.version.LaunchTemplateData.ImageId,
  'instance-type': (v) => v.version.LaunchTemplateData.InstanceType,
  'is-default-version': (v) => v.version.VersionNumber === v.template.DefaultVersionNumber,
  'kernel-id': (v) => v.version.LaunchTemplateData.KernelId,
  'ram-disk-id': (v) => v.version.LaunchTemplateData.RamDiskId,
};

export async function describeLaunchTemplateVersions(ctx: ControlContext, input: DescribeLaunchTemplateVersionsRequest): Promise<DescribeLaunchTemplateVersionsResult> {
  const named = input.LaunchTemplateId !== undefined || input.LaunchTemplateName !== undefined;
  // Without a template, EC2 describes the $Latest or $Default versions of every template.
  const templates = named ? [resolveLaunchTemplate(ctx.state, { id: input.LaunchTemplateId, name: input.LaunchTemplateName })] : [...ctx.state.all('launchTemplate')];
  if (!named && (input.Versions ?? []).some((v) => v !== '$Latest' && v !== '$Default')) {
    throw new InvalidParameterValue('Only $Latest and $Default can be specified as versions when no launch template is named.');
  }
  const selected: VersionOf[] = [];
  for (const template of templates) {
    let versions = input.Versions?.length ? [...new Set(input.Versions.map((v) => findVersion(template, v)))] : template.versions;
    const min = input.MinVersion === undefined ? undefined : Number(input.MinVersion);
    const max = input.MaxVersion === undefined ? undefined : Number(input.MaxVersion);
    versions = versions.filter((v) => (min === undefined || v.VersionNumber >= min) && (max === undefined || v.VersionNumber <= max));
    // Newest first, as EC2 lists them.
    for (const version of [...versions].sort((a, b) => b.VersionNumber - a.VersionNumber)) selected.push({ template, version });
  }
  const { items, NextToken } = describe(selected, (v) => `${v.template.LaunchTemplateId}:${String(1e9 - v.version.VersionNumber).padStart(10, '0')}`, input, VERSION_FIELDS, () => new InvalidParameterValue(''));
  return { LaunchTemplateVersions: items.map((v) => versionView(v.template, v.version)), ...(NextToken !== undefined && { NextToken }) };
}
