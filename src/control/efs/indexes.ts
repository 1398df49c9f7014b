// EFS's secondary indexes over the control plane's state (see `defineIndex`).
import { defineIndex } from '../state.js';

export const mountTargetsByFileSystem = defineIndex('efsMountTarget', (m) => m.FileSystemId);
export const accessPointsByFileSystem = defineIndex('efsAccessPoint', (a) => a.FileSystemId);
