import { defineConfig } from 'tsup';
import { library } from '../../tsup.library';

export default defineConfig(library);
