// CloudWatch Logs' secondary indexes over the control plane's state (see `defineIndex`).
import { defineIndex } from '../state.js';

export const streamsByGroup = defineIndex('logStream', (s) => s.logGroupName);
