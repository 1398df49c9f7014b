// DynamoDB tables as Wharf keeps them (records, in State: the TableDescription members AWS answers) and the
// ItemStore port through which their items go (decision 0002: bulk data outside State, one transaction
// per write, durable before the answer).
import type { Item } from './dynamodb/attribute-values.js';
import type { ItemLayout, RowKey } from './dynamodb/keys.js';

export interface KeySchemaElement {
  AttributeName: string;
  KeyType: 'HASH' | 'RANGE';
}
export interface AttributeDefinition {
  AttributeName: string;
  AttributeType: 'S' | 'N' | 'B';
}
export interface Projection {
  ProjectionType: 'ALL' | 'KEYS_ONLY' | 'INCLUDE';
  NonKeyAttributes?: string[];
}
export interface Throughput {
  ReadCapacityUnits: number;
  WriteCapacityUnits: number;
}
export interface SecondaryIndexRecord {
  IndexName: string;
  KeySchema: KeySchemaElement[];
  Projection: Projection;
  /** GSIs only: their own throughput (provisioned tables) and status (CREATING while backfilled). */
  ProvisionedThroughput?: Throughput;
  IndexStatus?: 'CREATING' | 'ACTIVE' | 'DELETING';
}
export interface Tag {
  Key: string;
  Value: string;
}

export interface TableRecord {
  TableName: string;
  TableArn: string;
  TableId: string;
  KeySchema: KeySchemaElement[];
  AttributeDefinitions: AttributeDefinition[];
  BillingMode: 'PROVISIONED' | 'PAY_PER_REQUEST';
  /** Stored as given (0/0 on demand); not enforced. */
  ProvisionedThroughput: Throughput;
  LocalSecondaryIndexes?: SecondaryIndexRecord[];
  GlobalSecondaryIndexes?: SecondaryIndexRecord[];
  StreamSpecification?: { StreamEnabled: boolean; StreamViewType?: string };
  LatestStreamLabel?: string;
  SSESpecification?: { Enabled?: boolean; SSEType?: string; KMSMasterKeyId?: string };
  TableClass: 'STANDARD' | 'STANDARD_INFREQUENT_ACCESS';
  DeletionProtectionEnabled: boolean;
  CreationDateTime: Date;
  LastUpdateToPayPerRequestDateTime?: Date;
  TableStatus: 'ACTIVE' | 'UPDATING' | 'DELETING';
  /** Time to live: the attribute holding each item's expiry (epoch seconds), when enabled. */
  timeToLive?: { AttributeName: string; enabled: boolean };
  tags: Tag[];
}

declare module './records.js' {
  interface RecordKinds {
    dynamodbTable: TableRecord;
  }
}

/** An item as read, with its size as AWS counts it. */
export interface StoredItem {
  item: Item;
  size: number;
}

/** Where a read of rows starts and ends, and in which direction (row keys are memcmp-ordered). */
export interface RowRange {
  /** The index read ('' for the table itself). */
  index: string;
  /** Query: the one partition read; absent for a scan. */
  hash?: Buffer;
  /** Bounds on the range key, inclusive or not (query only). */
  lower?: { key: Buffer; inclusive: boolean };
  upper?: { key: Buffer; inclusive: boolean };
  forward: boolean;
  /** Resume after this row (ExclusiveStartKey). */
  after?: RowKey;
  /** Scan segments: the hash space is split in `total` equal parts; `segment` is one of them. */
  segment?: { segment: number; total: number };
}

/** What a write transaction may do: reads see its own writes; every write keeps the table's indexes. */
export interface ItemTransaction {
  get(layout: ItemLayout, key: Item): StoredItem | undefined;
  put(layout: ItemLayout, item: Item, size: number): void;
  delete(layout: ItemLayout, key: Item): void;
}

export interface ItemStore {
  /**
   * Runs `fn` in one transaction, committed (durably) before the promise settles; a throw rolls back what
   * `fn` wrote and rejects. Concurrent writes share commits, each still all-or-nothing.
   */
  write<T>(fn: (tx: ItemTransaction) => T): Promise<T>;
  get(layout: ItemLayout, key: Item): StoredItem | undefined;
  /** Rows of a table or index in key order, lazily: the caller stops when its page is full. */
  rows(layout: ItemLayout, range: RowRange): Iterable<StoredItem & { row: RowKey }>;
  /** Writes an index's rows for the items already in the table (a GSI added by UpdateTable). */
  backfill(layout: ItemLayout, index: string): Promise<void>;
  /** The item count and size of a table or one of its indexes (DescribeTable). */
  stats(tableId: string, index?: string): { count: number; bytes: number };
  /** Removes a table's or an index's rows (DeleteTable, a deleted GSI). */
  drop(tableId: string, index?: string): Promise<void>;
  /** Removes every item (Wharf's reset). */
  clear(): Promise<void>;
  close(): void;
}
