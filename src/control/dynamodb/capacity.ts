// ReturnConsumedCapacity: the units a call used, as AWS counts them (reads in 4 KB units, halved when
// eventually consistent; writes in 1 KB units). Reported, never throttled.
export type CapacityMode = 'TOTAL' | 'INDEXES' | 'NONE' | undefined;

export function consumedCapacity(mode: CapacityMode, tableName: string, units: number) {
  if (mode !== 'TOTAL' && mode !== 'INDEXES') return undefined;
  return { TableName: tableName, CapacityUnits: units, ...(mode === 'INDEXES' && { Table: { CapacityUnits: units } }) };
}

/** Read units of `bytes` read (at least one unit, as AWS charges a read of nothing). */
export const readUnits = (bytes: number, consistent: boolean | undefined) => Math.max(1, Math.ceil(bytes / 4096)) * (consistent ? 1 : 0.5);
