#!/usr/bin/env node
// The `seqcoder` command's entry point. It is committed (not built) so that package managers can
// link the command at install time, before the build has written dist/.
import '../dist/cli.js';
