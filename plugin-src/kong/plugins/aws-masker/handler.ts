// aws-masker: masks AWS identifiers in what goes to Claude and restores them in the answers.
// The handler only wires Kong's phases to the plugin modules.
import { access } from "./plugin/request";
import { headerFilter, bodyFilter } from "./plugin/response";
import { PluginConf, reportUnusableSecrets, reportDeprecatedFields } from "./plugin/conf";
import { warmUpWorker } from "./plugin/warmup";
import { tuneJit } from "./plugin/luajit";
import { accessStarted, accessDone, observe } from "./plugin/observe";
import { VERSION } from "./version";

const AwsMaskerHandler = {
  // after auth (1000+) and rate limiting (910), before transformers (801), AI plugins (770) and loggers
  PRIORITY: 880,
  VERSION,

  init_worker(this: unknown): void {
    // (the trace cache sized first: the warm-up's traces are made in it)
    tuneJit();
    warmUpWorker();
  },

  // Kong 3.5+ (and the host): once per worker with every config; an unusable secret is logged loudly at startup,
  // not only as a 500 on each request; a deprecated field is warned about
  configure(this: unknown, configs: PluginConf[] | undefined): void {
    reportUnusableSecrets(configs);
    reportDeprecatedFields(configs);
  },

  access(this: unknown, conf: PluginConf): void {
    const pctx = kong.ctx.plugin;
    accessStarted(pctx);
    access(conf, pctx);
    accessDone(pctx);
  },

  header_filter(this: unknown, conf: PluginConf): void {
    headerFilter(conf);
  },

  body_filter(this: unknown, conf: PluginConf): void {
    bodyFilter(conf, kong.ctx.plugin.state);
  },

  log(this: unknown, conf: PluginConf): void {
    observe(conf);
  },
};

export = AwsMaskerHandler;
