// The control plane's state: every record in memory for fast reads, written through the Store port.
// Mutations run one at a time (a queue), so a mutation's reads and writes are consistent without locks;
// each commits atomically to the store before memory changes and listeners hear of it.
import { serviceArnOfTask } from '../core/arn.js';
import { taskHost, type Kind, type RecordKinds } from '../core/ecs.js';
import type { Store, StoredChange } from '../core/ports.js';

export type Change<K extends Kind = Kind> = {
  kind: K;
  id: string;
  before: RecordKinds[K] | undefined;
  after: RecordKinds[K] | undefined;
};

type Listener = (changes: Change[]) => void;

/** Secondary indexes: for each kind, named functions from a record to the value it is filed under. */
const INDEXES: { [K in Kind]?: Record<string, (r: RecordKinds[K]) => string | undefined> } = {
  task: { cluster: (t) => t.clusterArn, containerInstance: (t) => t.containerInstanceArn, host: taskHost, service: serviceArnOfTask, loadBalanced: (t) => (t.loadBalancerTargets?.length ? 'yes' : undefined) },
  containerInstance: { cluster: (c) => c.clusterArn, managedCapacity: (c) => (c.managedCapacity ? 'yes' : undefined) },
  taskDefinition: { family: (d) => d.family },
  service: { cluster: (s) => s.clusterArn },
  serviceDeployment: { service: (d) => d.serviceArn },
  serviceRevision: { service: (r) => r.serviceArn },
  subnet: { vpc: (s) => s.VpcId },
  securityGroup: { vpc: (g) => g.VpcId },
  networkInterface: { subnet: (n) => n.SubnetId, task: (n) => n.taskArn },
  listener: { loadBalancer: (l) => l.LoadBalancerArn },
  rule: { listener: (r) => r.ListenerArn },
};

/** A mutation's view: reads see its own staged writes; writes are staged until the mutation returns. */
export class Transaction {
  readonly staged = new Map<string, { kind: Kind; id: string; doc: unknown | undefined }>();
  constructor(private readonly state: State) {}

  get<K extends Kind>(kind: K, id: string): RecordKinds[K] | undefined {
    const staged = this.staged.get(`${kind}\0${id}`);
    return staged ? (staged.doc as RecordKinds[K] | undefined) : this.state.get(kind, id);
  }

  put<K extends Kind>(kind: K, id: string, doc: RecordKinds[K]): RecordKinds[K] {
    this.staged.set(`${kind}\0${id}`, { kind, id, doc });
    return doc;
  }

  delete(kind: Kind, id: string): void {
    this.staged.set(`${kind}\0${id}`, { kind, id, doc: undefined });
  }
}

export class State {
  private readonly tables = new Map<Kind, Map<string, unknown>>();
  private readonly indexes = new Map<string, Map<string, Set<string>>>();
  private readonly listeners = new Set<Listener>();
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(private readonly store: Store) {}

  static async open(store: Store): Promise<State> {
    const state = new State(store);
    for (const { kind, id, doc } of await store.load()) state.apply(kind as Kind, id, doc);
    return state;
  }

  get<K extends Kind>(kind: K, id: string): RecordKinds[K] | undefined {
    return this.tables.get(kind)?.get(id) as RecordKinds[K] | undefined;
  }

  all<K extends Kind>(kind: K): IterableIterator<RecordKinds[K]> {
    return ((this.tables.get(kind) ?? new Map()).values() as IterableIterator<RecordKinds[K]>);
  }

  /** Every record of `kind` with the id it is stored under. */
  entries<K extends Kind>(kind: K): IterableIterator<[string, RecordKinds[K]]> {
    return ((this.tables.get(kind) ?? new Map()).entries() as IterableIterator<[string, RecordKinds[K]]>);
  }

  kinds(): Kind[] {
    return [...this.tables.keys()];
  }

  count(kind: Kind): number {
    return this.tables.get(kind)?.size ?? 0;
  }

  /** Records of `kind` filed under `value` in the named secondary index (see INDEXES). */
  where<K extends Kind>(kind: K, index: string, value: string): RecordKinds[K][] {
    const ids = this.indexes.get(`${kind}.${index}`)?.get(value);
    if (!ids) return [];
    const table = this.tables.get(kind)!;
    return [...ids].map((id) => table.get(id) as RecordKinds[K]);
  }

  /** Hear of every committed change, after memory reflects it. Returns the unsubscribe function. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Runs `fn` alone against the current state, then commits what it staged. `fn` must not await: it
   * decides from what it reads, so nothing can change between its reads and the commit.
   */
  mutate<T>(fn: (tx: Transaction) => T): Promise<T> {
    const run = async () => {
      const tx = new Transaction(this);
      const result = fn(tx);
      if (tx.staged.size === 0) return result;
      const writes = [...tx.staged.values()];
      const stored: StoredChange[] = writes.map(({ kind, id, doc }) => ({ kind, id, doc: doc ?? null }));
      await this.store.commit(stored);
      const changes = writes.map(({ kind, id, doc }) => {
        const before = this.get(kind, id);
        this.apply(kind, id, doc);
        return { kind, id, before, after: doc } as Change;
      });
      for (const listener of this.listeners) listener(changes);
      return result;
    };
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private apply(kind: Kind, id: string, doc: unknown | undefined): void {
    let table = this.tables.get(kind);
    if (!table) this.tables.set(kind, (table = new Map()));
    const before = table.get(id);
    const indexes = INDEXES[kind] as Record<string, (r: unknown) => string | undefined> | undefined;
    for (const [name, key] of Object.entries(indexes ?? {})) {
      const index = this.indexes.get(`${kind}.${name}`) ?? new Map<string, Set<string>>();
      this.indexes.set(`${kind}.${name}`, index);
      const old = before === undefined ? undefined : key(before);
      if (old !== undefined) {
        const ids = index.get(old);
        ids?.delete(id);
        if (ids?.size === 0) index.delete(old);
      }
      const now = doc === undefined ? undefined : key(doc);
      if (now !== undefined) index.set(now, (index.get(now) ?? new Set()).add(id));
    }
    if (doc === undefined) table.delete(id);
    else table.set(id, doc);
  }
}
