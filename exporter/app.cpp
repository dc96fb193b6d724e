#include "exporter/app.h"

#include "common/logging.h"
#include "common/web_config.h"
#include "common/web_server_metrics.h"
#include "common/yaml_errors.h"
#include "exporter/health.h"
#include "exporter/metrics_endpoint.h"

namespace twikit::exporter {
namespace {

constexpr const char* kLandingPage = R"(<!doctype html>
<html><head><title>twikit-exporter</title></head>
<body><h1>twikit-exporter</h1>
<p>Exports the Twikit services' status as Prometheus metrics.</p>
<ul>
<li><a href="/metrics">/metrics</a> &mdash; the metrics (text 0.0.4, or OpenMetrics when asked)</li>
<li><a href="/health">/health</a> &mdash; overall and per-service health (JSON)</li>
<li><a href="/-/healthy">/-/healthy</a>, <a href="/-/ready">/-/ready</a></li>
</ul></body></html>
)";

}  // namespace

App::App(AppOptions options, HttpClient& http, const Clock& clock)
    : options_(std::move(options)), http_(http), clock_(clock) {
  self_metrics_.add([this] {
    return server_ ? web_server_families(server_->stats(), "twikit_exporter") : std::vector<prometheus::MetricFamily>{};
  });
}

App::~App() { stop(); }

std::shared_ptr<const ExporterConfig> App::load() const {
  auto cfg = options_.config_file.empty()
                 ? load_config_string(default_config_text(), "<embedded exporter.yaml>")
                 : load_config_file(options_.config_file, {options_.allow_empty_config});
  return std::make_shared<const ExporterConfig>(std::move(cfg));
}

std::shared_ptr<Scheduler> App::scheduler() const {
  std::lock_guard lock(mu_);
  return scheduler_;
}

void App::start() {
  auto config = load();
  auto collector = std::make_shared<Collector>(config, http_, clock_);
  {
    std::lock_guard lock(mu_);
    scheduler_ = std::make_shared<Scheduler>(std::move(collector));
  }
  self_metrics_.reload_succeeded(static_cast<double>(clock_.now_ms()) / 1000.0);
  WebServerOptions web;
  web.web = load_web_config(options_.web_config_file);
  server_ = std::make_unique<WebServer>(routes(), std::move(web));
  server_->bind(options_.listen_address.value_or(config->listen_address));
  scheduler()->start();
  server_->start();
  logger("exporter")->info("listening address={} port={} targets={} mode={}", options_.listen_address.value_or(config->listen_address), server_->port(),
                           config->targets.size(),
                           config->collection.mode == CollectionMode::interval ? "interval" : "on_scrape");
}

void App::stop() {
  if (server_) server_->stop();
  if (auto s = scheduler()) s->stop();
}

std::string App::reload() {
  std::lock_guard serial(reload_mu_);
  auto log = logger("exporter");
  std::shared_ptr<const ExporterConfig> config;
  try {
    config = load();
  } catch (const std::exception& e) {
    self_metrics_.reload_failed();
    log->error("reload failed, keeping the running configuration err={}", logfmt_value(e.what()));
    return e.what();
  }
  auto old = scheduler();
  auto collector = std::make_shared<Collector>(config, http_, clock_);
  collector->carry_over_from(*old->collector());
  auto fresh = std::make_shared<Scheduler>(std::move(collector));
  fresh->start();
  {
    std::lock_guard lock(mu_);
    scheduler_ = fresh;
  }
  old->stop();
  self_metrics_.reload_succeeded(static_cast<double>(clock_.now_ms()) / 1000.0);
  log->info("configuration reloaded targets={}", config->targets.size());
  return {};
}

WebRouter App::routes() {
  WebRouter router;
  router.add("/metrics", [this](const WebRequest& req, WebResponse& res) {
    self_metrics_.scrape_served();
    serve_metrics(req, res, *scheduler(), self_metrics_);
  });
  router.add("/health", [this](const WebRequest&, WebResponse& res) {
    auto snap = scheduler()->latest();
    const auto doc = health_document(snap.get(), clock_.now_ms());
    res.status = doc["status"] == "unhealthy" ? 503 : 200;
    res.set_body(doc.dump(2) + "\n", "application/json");
  });
  router.add("/-/healthy", [](const WebRequest&, WebResponse& res) {
    res.set_body("twikit-exporter is Healthy.\n", "text/plain; charset=utf-8");
  });
  router.add("/-/ready", [this](const WebRequest&, WebResponse& res) {
    auto s = scheduler();
    const bool ready = s->collector()->config().collection.mode == CollectionMode::on_scrape || s->latest();
    res.status = ready ? 200 : 503;
    res.set_body(ready ? "twikit-exporter is Ready.\n" : "twikit-exporter is not ready yet.\n",
                 "text/plain; charset=utf-8");
  });
  WebRouteOptions reload_options;
  reload_options.methods = {"POST", "PUT"};  // GET answers 405 with Allow, as Prometheus' /-/reload does
  router.add(
      "/-/reload",
      [this](const WebRequest&, WebResponse& res) {
        const std::string error = reload();
        res.status = error.empty() ? 200 : 500;
        res.set_body(error.empty() ? "" : "failed to reload config: " + error + "\n", "text/plain; charset=utf-8");
      },
      reload_options);
  router.add("/", [](const WebRequest&, WebResponse& res) { res.set_body(kLandingPage, "text/html; charset=utf-8"); });
  return router;
}

}  // namespace twikit::exporter
