import { describeDataRoundTrips } from './shared-data.js';

describeDataRoundTrips(1, 2);
