import { defineConfig } from 'tsup';
import { library } from '../../tsup.library';

// deferred.ts is an entry of its own (`@seqcoder/neural/deferred`): stand-ins that a program can
// register without loading the rest of the package (see there).
export default defineConfig({ ...library, entry: ['src/index.ts', 'src/deferred.ts'] });
