import type { ControlContext } from '../context.js';
import { describeTable as description, resolveTable } from './tables.js';

export function describeTable(ctx: ControlContext, input: { TableName: string }) {
  return { Table: description(ctx, resolveTable(ctx.state, input.TableName)) };
}
