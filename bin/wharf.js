#!/usr/bin/env node
// The `wharf` executable: the compiled CLI (npm start / npm test build it).
import '../dist/src/cli/main.js';
