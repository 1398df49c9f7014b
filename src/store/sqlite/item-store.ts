// The ItemStore port on SQLite (items.db): one row per item in its table and one per index it appears in,
// keyed (table, index, segment, partition key, range key, table key) so SQLite's own order (memcmp on
// blobs) is DynamoDB's. WAL with synchronous=FULL: a write is on disk before it answers. Writes that
// arrive together share one commit (one fsync), each in its own savepoint, so one failing write leaves the
// others and nothing of itself.
import type Database from 'better-sqlite3';
import type { ItemStore, ItemTransaction, RowRange, StoredItem } from '../../core/dynamodb.js';
import { decodeItem, encodeItem, type Item } from '../../core/dynamodb/attribute-values.js';
import { indexRow, projectForIndex, segmentOf, segmentStart, tableRow, type IndexLayout, type ItemLayout, type RowKey } from '../../core/dynamodb/keys.js';
import { openDatabase } from './database.js';

const MIGRATIONS: string[] = [
  `CREATE TABLE items (
     tbl  TEXT    NOT NULL,
     idx  TEXT    NOT NULL,
     seg  INTEGER NOT NULL,
     hk   BLOB    NOT NULL,
     rk   BLOB    NOT NULL,
     pk   BLOB    NOT NULL,
     doc  TEXT    NOT NULL,
     size INTEGER NOT NULL,
     PRIMARY KEY (tbl, idx, seg, hk, rk, pk)
   ) WITHOUT ROWID`,
];

interface Pending {
  fn: (tx: ItemTransaction) => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Row = { seg: number; hk: Buffer; rk: Buffer; pk: Buffer; doc: string; size: number };

export class SqliteItemStore implements ItemStore {
  private readonly db: Database.Database;
  private readonly statements: Record<'select' | 'upsert' | 'remove' | 'stats' | 'drop' | 'dropIndex', Database.Statement>;
  private readonly reads = new Map<string, Database.Statement>();
  private readonly tx: ItemTransaction;
  private pending: Pending[] = [];
  private scheduled = false;
  private readonly commitBatch: Database.Transaction<(batch: Pending[]) => { ok: boolean; value: unknown }[]>;

  /** `path` is a file, or `:memory:` for tests. */
  constructor(path: string) {
    // Items are the account's data: its owner's alone (SQLite gives -wal and -shm the file's mode).
    // Every write is durable before it is answered, as DynamoDB's are.
    this.db = openDatabase(path, [], { synchronous: 'FULL' });
    const version = this.db.pragma('user_version', { simple: true }) as number;
    for (let v = version; v < MIGRATIONS.length; v++) {
      this.db.exec(MIGRATIONS[v]!);
      this.db.pragma(`user_version = ${v + 1}`);
    }
    this.statements = {
      select: this.db.prepare('SELECT doc, size FROM items WHERE tbl = ? AND idx = ? AND seg = ? AND hk = ? AND rk = ? AND pk = ?'),
      upsert: this.db.prepare(
        'INSERT INTO items (tbl, idx, seg, hk, rk, pk, doc, size) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET doc = excluded.doc, size = excluded.size',
      ),
      remove: this.db.prepare('DELETE FROM items WHERE tbl = ? AND idx = ? AND seg = ? AND hk = ? AND rk = ? AND pk = ?'),
      stats: this.db.prepare('SELECT count(*) AS count, coalesce(sum(size), 0) AS bytes FROM items WHERE tbl = ? AND idx = ?'),
      drop: this.db.prepare('DELETE FROM items WHERE tbl = ?'),
      dropIndex: this.db.prepare('DELETE FROM items WHERE tbl = ? AND idx = ?'),
    };
    this.tx = {
      get: (layout, key) => this.get(layout, key),
      put: (layout, item, size) => this.put(layout, item, size),
      delete: (layout, key) => this.remove(layout, key),
    };
    const savepoint = this.db.transaction((fn: Pending['fn']) => fn(this.tx));
    this.commitBatch = this.db.transaction((batch: Pending[]) =>
      batch.map(({ fn }) => {
        try {
          return { ok: true, value: savepoint(fn) };
        } catch (error) {
          return { ok: false, value: error };
        }
      }),
    );
  }

  write<T>(fn: (tx: ItemTransaction) => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ fn, resolve: resolve as (value: unknown) => void, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      // Writes that arrive in the same turn of the event loop share a commit.
      setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = [];
    let results: { ok: boolean; value: unknown }[];
    try {
      results = this.commitBatch.immediate(batch);
    } catch (error) {
      for (const pending of batch) pending.reject(error);
      return;
    }
    results.forEach(({ ok, value }, i) => (ok ? batch[i]!.resolve(value) : batch[i]!.reject(value)));
  }

  get(layout: ItemLayout, key: Item): StoredItem | undefined {
    const row = tableRow(layout, key);
    const found = this.statements.select.get(layout.tableId, '', row.seg, row.hk, row.rk, row.pk) as { doc: string; size: number } | undefined;
    return found && { item: decodeItem(found.doc), size: found.size };
  }

  private put(layout: ItemLayout, item: Item, size: number): void {
    const row = tableRow(layout, item);
    const old = this.get(layout, item);
    if (old) this.removeIndexRows(layout, old.item, row);
    this.statements.upsert.run(layout.tableId, '', row.seg, row.hk, row.rk, row.pk, encodeItem(item), size);
    for (const index of layout.indexes) {
      const at = indexRow(layout, index, item, row);
      if (at) this.statements.upsert.run(layout.tableId, index.name, at.seg, at.hk, at.rk, at.pk, encodeItem(projectForIndex(layout, index, item)), size);
    }
  }

  private remove(layout: ItemLayout, key: Item): void {
    const row = tableRow(layout, key);
    const old = this.get(layout, key);
    if (!old) return;
    this.removeIndexRows(layout, old.item, row);
    this.statements.remove.run(layout.tableId, '', row.seg, row.hk, row.rk, row.pk);
  }

  private removeIndexRows(layout: ItemLayout, item: Item, row: RowKey): void {
    for (const index of layout.indexes) {
      const at = indexRow(layout, index, item, row);
      if (at) this.statements.remove.run(layout.tableId, index.name, at.seg, at.hk, at.rk, at.pk);
    }
  }

  *rows(layout: ItemLayout, range: RowRange): Iterable<StoredItem & { row: RowKey }> {
    const where = ['tbl = ?', 'idx = ?'];
    const params: unknown[] = [layout.tableId, range.index];
    const forward = range.forward;
    if (range.hash) {
      where.push('seg = ?', 'hk = ?');
      params.push(segmentOf(range.hash), range.hash);
      if (range.lower) {
        where.push(`rk ${range.lower.inclusive ? '>=' : '>'} ?`);
        params.push(range.lower.key);
      }
      if (range.upper) {
        where.push(`rk ${range.upper.inclusive ? '<=' : '<'} ?`);
        params.push(range.upper.key);
      }
      if (range.after) {
        where.push(`(rk, pk) ${forward ? '>' : '<'} (?, ?)`);
        params.push(range.after.rk, range.after.pk);
      }
    } else {
      if (range.segment) {
        const { segment, total } = range.segment;
        where.push('seg >= ?', 'seg < ?');
        params.push(segmentStart(segment, total), segmentStart(segment + 1, total));
      }
      if (range.after) {
        where.push('(seg, hk, rk, pk) > (?, ?, ?, ?)');
        params.push(range.after.seg, range.after.hk, range.after.rk, range.after.pk);
      }
    }
    const order = range.hash ? (forward ? 'rk, pk' : 'rk DESC, pk DESC') : 'seg, hk, rk, pk';
    const sql = `SELECT seg, hk, rk, pk, doc, size FROM items WHERE ${where.join(' AND ')} ORDER BY ${order}`;
    let statement = this.reads.get(sql);
    if (!statement) this.reads.set(sql, (statement = this.db.prepare(sql)));
    for (const row of statement.iterate(...params) as IterableIterator<Row>)
      yield { item: decodeItem(row.doc), size: row.size, row: { seg: row.seg, hk: row.hk, rk: row.rk, pk: row.pk } };
  }

  async backfill(layout: ItemLayout, indexName: string): Promise<void> {
    const index = layout.indexes.find((i) => i.name === indexName)!;
    const page = this.db.prepare("SELECT seg, hk, rk, pk, doc, size FROM items WHERE tbl = ? AND idx = '' AND (seg, hk, rk) > (?, ?, ?) ORDER BY seg, hk, rk LIMIT 500");
    let after: Pick<Row, 'seg' | 'hk' | 'rk'> = { seg: -1, hk: Buffer.alloc(0), rk: Buffer.alloc(0) };
    for (;;) {
      // A page per transaction: writes to the table go on between them, and keep the index themselves.
      const rows = await this.write(() => {
        const rows = page.all(layout.tableId, after.seg, after.hk, after.rk) as Row[];
        for (const row of rows) {
          const item = decodeItem(row.doc);
          const at = backfilledRow(layout, index, item, row);
          if (at) this.statements.upsert.run(layout.tableId, index.name, at.seg, at.hk, at.rk, at.pk, encodeItem(projectForIndex(layout, index, item)), row.size);
        }
        return rows;
      });
      if (rows.length === 0) return;
      after = rows[rows.length - 1]!;
    }
  }

  stats(tableId: string, index = ''): { count: number; bytes: number } {
    return this.statements.stats.get(tableId, index) as { count: number; bytes: number };
  }

  async drop(tableId: string, index?: string): Promise<void> {
    await this.write(() => (index === undefined ? this.statements.drop.run(tableId) : this.statements.dropIndex.run(tableId, index)));
  }

  async clear(): Promise<void> {
    await this.write(() => this.db.prepare('DELETE FROM items').run());
  }

  close(): void {
    this.db.close();
  }
}

/** An existing item's row in a new index; one whose index key has the wrong type is left out, as AWS leaves it. */
function backfilledRow(layout: ItemLayout, index: IndexLayout, item: Item, row: RowKey): RowKey | undefined {
  try {
    return indexRow(layout, index, item, row);
  } catch {
    return undefined;
  }
}
