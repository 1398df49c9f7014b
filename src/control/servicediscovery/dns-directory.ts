// Cloud Map's records as the DNS server reads them, from every region's State: DNS namespaces by name
// (HTTP namespaces have no DNS) and services, in a table rebuilt after any namespace or service changes;
// instances read live from State, so an answer follows a registration the moment it commits. The revision
// counts every change to namespaces, services and instances, made or undone in memory (what the server's
// replies are built from), so that the server rebuilds a cached reply the moment its records change.
import type { Directory } from '../../core/servicediscovery-dns.js';
import type { SdNamespaceRecord, SdServiceRecord } from '../../core/servicediscovery.js';
import type { State } from '../state.js';
import { instancesOfService } from './instances.js';

interface Table {
  namespaces: Map<string, SdNamespaceRecord>;
  services: Map<string, SdServiceRecord>;
  /** The region of each service, by id: where its instances are. */
  regions: Map<string, string>;
}

export function stateDirectory(state: State): Directory & { close(): void } {
  let table: Table | undefined;
  let revision = 0;
  const close = state.subscribe(
    (changes) => {
      if (changes.some((c) => c.kind === 'sdNamespace' || c.kind === 'sdService')) table = undefined;
      if (changes.some((c) => c.kind === 'sdNamespace' || c.kind === 'sdService' || c.kind === 'sdInstance')) revision++;
    },
    { everyRegion: true, uncommitted: true },
  );
  const built = (): Table => {
    if (table) return table;
    const fresh: Table = { namespaces: new Map(), services: new Map(), regions: new Map() };
    for (const region of state.regions()) {
      const view = state.inRegion(region);
      for (const ns of view.all('sdNamespace')) if (ns.Type !== 'HTTP') fresh.namespaces.set(ns.Name.toLowerCase(), ns);
      for (const s of view.all('sdService')) {
        fresh.services.set(`${s.NamespaceId}\0${s.Name.toLowerCase()}`, s);
        fresh.regions.set(s.Id, region);
      }
    }
    return (table = fresh);
  };
  return {
    namespace: (name) => built().namespaces.get(name),
    service: (namespaceId, name) => built().services.get(`${namespaceId}\0${name.toLowerCase()}`),
    instances: (serviceId) => {
      const region = built().regions.get(serviceId);
      return region ? state.inRegion(region).where(instancesOfService, serviceId) : [];
    },
    revision: () => revision,
    close,
  };
}
