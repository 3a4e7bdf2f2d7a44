import { defineConfig } from 'tsup';
import { library } from '../../tsup.library';

// onnxruntime-node is an optional dependency, which tsup would bundle: it stays a run-time import.
export default defineConfig({ ...library, external: ['onnxruntime-node'] });
