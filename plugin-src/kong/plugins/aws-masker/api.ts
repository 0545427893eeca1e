// Admin API endpoints (Kong loads kong.plugins.<name>.api for every enabled plugin; a table of path -> method ->
// handler(self, db, helpers)). GET /aws-masker/metrics: the plugin's counters in Prometheus text format, from the
// shared dict kong_aws_masker (all workers).
import { metricsText, CONTENT_TYPE } from "./plugin/metrics";

export = {
  "/aws-masker/metrics": {
    GET(this: void): void {
      return kong.response.exit(200, metricsText(), { "Content-Type": CONTENT_TYPE });
    },
  },
};
