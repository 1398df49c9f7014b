// Create{Private,Public}DnsNamespace, CreateHttpNamespace, GetNamespace, ListNamespaces, DeleteNamespace,
// Update{Http,PrivateDns,PublicDns}Namespace.
import { InvalidInput, NamespaceAlreadyExists, ResourceInUse } from '../../core/servicediscovery-errors.js';
import { dnsName, type NamespaceType, type SdNamespaceRecord, type SdTag } from '../../core/servicediscovery.js';
import type { ControlContext } from '../context.js';
import { namespaceArn, newId, page, passes, recordOperation, resolveNamespace, type Filter } from './records.js';
import { checkTags } from './tags.js';

interface CreateNamespaceInput {
  Name: string;
  CreatorRequestId?: string;
  Description?: string;
  Vpc?: string;
  Tags?: SdTag[];
  Properties?: { DnsProperties?: { SOA?: { TTL: number } } };
}

const create = (Type: NamespaceType) => async (ctx: ControlContext, input: CreateNamespaceInput) => {
  const Name = Type === 'HTTP' ? httpName(input.Name) : dnsName(input.Name);
  const tags = checkTags(input.Tags ?? []);
  const OperationId = await ctx.state.mutate((tx) => {
    if (Type === 'DNS_PRIVATE' && !tx.get('vpc', input.Vpc ?? '')) throw new InvalidInput(`VPC ${input.Vpc} does not exist.`);
    for (const other of ctx.state.all('sdNamespace')) {
      // A creator request id repeated: the same request again, answered with its first operation.
      if (input.CreatorRequestId && other.CreatorRequestId === input.CreatorRequestId && other.Name === Name)
        return [...ctx.state.all('sdOperation')].find((o) => o.Targets.NAMESPACE === other.Id && o.Type === 'CREATE_NAMESPACE')!.Id;
      if (other.Name !== Name) {
        // Route 53 refuses private zones in one VPC whose names overlap (one a subdomain of the other).
        const overlaps = other.Name.endsWith(`.${Name}`) || Name.endsWith(`.${other.Name}`);
        // Cloud Map accepts the request and its operation fails, as the hosted zone cannot be made.
        if (Type === 'DNS_PRIVATE' && other.Type === 'DNS_PRIVATE' && other.vpc === input.Vpc && overlaps)
          return recordOperation(ctx, tx, 'CREATE_NAMESPACE', {}, {
            ErrorCode: 'CANNOT_CREATE_HOSTED_ZONE',
            ErrorMessage: `Namespace ${other.Name} (${other.Id}) in VPC ${input.Vpc} overlaps ${Name}.`,
          });
        continue;
      }
      if (other.Type === 'HTTP' || Type === 'HTTP' || (Type === 'DNS_PRIVATE' && other.vpc === input.Vpc) || Type === other.Type)
        throw new NamespaceAlreadyExistsWithId(`Namespace ${Name} already exists.`, other.Id);
    }
    const Id = newId(ctx, 'ns');
    const record: SdNamespaceRecord = {
      Id,
      Arn: namespaceArn(ctx, Id),
      Name,
      Type,
      ...(input.Description !== undefined ? { Description: input.Description } : {}),
      CreateDate: ctx.clock.now(),
      ...(input.CreatorRequestId ? { CreatorRequestId: input.CreatorRequestId } : {}),
      ...(input.Vpc ? { vpc: input.Vpc } : {}),
      ...(Type !== 'HTTP' ? { soaTtl: input.Properties?.DnsProperties?.SOA?.TTL ?? 15, hostedZoneId: `Z${ctx.ids.id().slice(-20).toUpperCase()}` } : {}),
      tags,
    };
    tx.put('sdNamespace', Id, record);
    return recordOperation(ctx, tx, 'CREATE_NAMESPACE', { NAMESPACE: Id });
  });
  ctx.log.info('namespace created', { name: Name, type: Type });
  return { OperationId };
};

/** NamespaceAlreadyExists carries the existing namespace's id, as AWS's does. */
class NamespaceAlreadyExistsWithId extends NamespaceAlreadyExists {
  constructor(message: string, readonly NamespaceId: string) {
    super(message);
  }
}

function httpName(name: string): string {
  if (!/^[!-~]{1,1024}$/.test(name)) throw new InvalidInput(`Name '${name}' is not a valid namespace name.`);
  return name;
}

export const createPrivateDnsNamespace = create('DNS_PRIVATE');
export const createPublicDnsNamespace = create('DNS_PUBLIC');
export const createHttpNamespace = create('HTTP');

/** The namespace as GetNamespace and ListNamespaces show it. */
export function namespaceShape(ns: SdNamespaceRecord, services: number) {
  const dns = ns.Type === 'HTTP' ? {} : { DnsProperties: { HostedZoneId: ns.hostedZoneId, SOA: { TTL: ns.soaTtl } } };
  return {
    Id: ns.Id,
    Arn: ns.Arn,
    Name: ns.Name,
    Type: ns.Type,
    ...(ns.Description !== undefined ? { Description: ns.Description } : {}),
    ServiceCount: services,
    Properties: { ...dns, HttpProperties: { HttpName: ns.Name } },
    CreateDate: ns.CreateDate,
    ...(ns.CreatorRequestId ? { CreatorRequestId: ns.CreatorRequestId } : {}),
  };
}

const serviceCount = (ctx: ControlContext, id: string) => [...ctx.state.all('sdService')].filter((s) => s.NamespaceId === id).length;

export function getNamespace(ctx: ControlContext, input: { Id: string }) {
  const ns = resolveNamespace(ctx.state, input.Id);
  return { Namespace: namespaceShape(ns, serviceCount(ctx, ns.Id)) };
}

export function listNamespaces(ctx: ControlContext, input: { Filters?: Filter[]; NextToken?: string; MaxResults?: number }) {
  const value = (ns: SdNamespaceRecord, name: string) => (name === 'TYPE' ? ns.Type : name === 'NAME' || name === 'HTTP_NAME' ? ns.Name : undefined);
  const all = [...ctx.state.all('sdNamespace')]
    .filter((ns) => (input.Filters ?? []).every((f) => passes(value(ns, f.Name), f)))
    .sort((a, b) => new Date(a.CreateDate).getTime() - new Date(b.CreateDate).getTime() || (a.Id < b.Id ? -1 : 1))
    .map((ns) => namespaceShape(ns, serviceCount(ctx, ns.Id)));
  return page(all, input, 'Namespaces');
}

export async function deleteNamespace(ctx: ControlContext, input: { Id: string }) {
  const OperationId = await ctx.state.mutate((tx) => {
    const ns = resolveNamespace(tx, input.Id);
    if ([...ctx.state.all('sdService')].some((s) => s.NamespaceId === ns.Id)) throw new ResourceInUse(`Namespace ${ns.Id} has services.`);
    tx.delete('sdNamespace', ns.Id);
    return recordOperation(ctx, tx, 'DELETE_NAMESPACE', { NAMESPACE: ns.Id });
  });
  return { OperationId };
}

interface UpdateNamespaceInput {
  Id: string;
  Namespace: { Description?: string; Properties?: { DnsProperties?: { SOA?: { TTL: number } } } };
}

export async function updateNamespace(ctx: ControlContext, input: UpdateNamespaceInput) {
  const OperationId = await ctx.state.mutate((tx) => {
    const ns = resolveNamespace(tx, input.Id);
    const soaTtl = input.Namespace.Properties?.DnsProperties?.SOA?.TTL;
    tx.put('sdNamespace', ns.Id, {
      ...ns,
      ...(input.Namespace.Description !== undefined ? { Description: input.Namespace.Description } : {}),
      ...(soaTtl !== undefined && ns.Type !== 'HTTP' ? { soaTtl } : {}),
    });
    return recordOperation(ctx, tx, 'UPDATE_NAMESPACE', { NAMESPACE: ns.Id });
  });
  return { OperationId };
}
