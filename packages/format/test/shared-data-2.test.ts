import { describeDataRoundTrips } from './shared-data.js';

describeDataRoundTrips(2, 2);
