import { describeDataThroughCli } from './data.js';

describeDataThroughCli(2, 2);
