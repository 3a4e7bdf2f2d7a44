import { describeDataThroughCli } from './data.js';

describeDataThroughCli(1, 2);
