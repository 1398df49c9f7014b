// GetOperation, ListOperations.
import type { SdOperationRecord } from '../../core/servicediscovery.js';
import type { ControlContext } from '../context.js';
import { page, passes, resolveOperation, type Filter } from './records.js';

export const getOperation = (ctx: ControlContext, input: { OperationId: string }) => ({ Operation: resolveOperation(ctx.state, input.OperationId) });

export function listOperations(ctx: ControlContext, input: { Filters?: Filter[]; NextToken?: string; MaxResults?: number }) {
  const value = (o: SdOperationRecord, name: string) => {
    if (name === 'NAMESPACE_ID') return o.Targets.NAMESPACE;
    if (name === 'SERVICE_ID') return o.Targets.SERVICE;
    if (name === 'STATUS') return o.Status;
    if (name === 'TYPE') return o.Type;
    // BETWEEN two epoch times in seconds.
    if (name === 'UPDATE_DATE') return String(new Date(o.UpdateDate).getTime() / 1000);
    return undefined;
  };
  const all = [...ctx.state.all('sdOperation')]
    .filter((o) => (input.Filters ?? []).every((f) => passes(value(o, f.Name), f)))
    .sort((a, b) => new Date(a.CreateDate).getTime() - new Date(b.CreateDate).getTime() || (a.Id < b.Id ? -1 : 1))
    .map((o) => ({ Id: o.Id, Status: o.Status }));
  return page(all, input, 'Operations');
}
