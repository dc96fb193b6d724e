#include "alertd/app/app.h"

#include <algorithm>
#include <utility>

#include "alertd/app/notification_stack_hub.h"
#include "alertd/app/rule_state.h"
#include "alertd/live/live_routes.h"
#include "common/logging.h"
#include "common/web_config.h"
#include "common/yaml_errors.h"

namespace twikit::app {
namespace {

/// Never drop samples younger than the PromQL lookback window plus a margin, whatever the config says.
constexpr std::int64_t kMinRetentionMs = 6 * 60 * 1000;
constexpr std::int64_t kRetentionEveryMs = 60 * 1000;
/// The rule loop wakes at least this often, so reloaded groups are scheduled promptly.
constexpr std::int64_t kMaxRuleWaitMs = 1000;

std::string join_rule_errors(const std::vector<rules::RuleFileError>& errors) {
  std::string out;
  for (const auto& e : errors) {
    if (!out.empty()) out += "\n";
    out += e.to_string();
  }
  return out;
}

promql::EngineOptions engine_options(const AppOptions& options, const Clock& clock) {
  promql::EngineOptions o;
  o.timeout_ms = options.query_timeout_ms;
  o.max_samples = options.query_max_samples;
  o.clock = &clock;
  return o;
}

rules::ManagerOptions manager_options(const config::AlertdConfig& cfg, const Clock& clock) {
  rules::ManagerOptions o;
  o.default_interval_ms = cfg.global.evaluation_interval_ms;
  o.external_labels = cfg.global.external_labels;
  o.external_url = cfg.notification.external_url;
  o.duration_clock = &clock;
  return o;
}

}  // namespace

App::App(AppOptions options)
    : options_(std::move(options)),
      clock_(options_.clock ? *options_.clock : system_clock_),
      owned_client_(options_.http_client ? nullptr : std::make_unique<CurlHttpClient>()),
      client_(options_.http_client ? options_.http_client : owned_client_.get()),
      engine_(engine_options(options_, clock_)) {
  add_metric_callbacks();
}

App::~App() { stop(); }

std::shared_ptr<const config::AlertdConfig> App::config() const {
  std::lock_guard lock(config_mu_);
  return config_;
}

config::AlertdConfig App::load_config() const {
  config::LoadOptions load_options;
  load_options.allow_empty = options_.allow_empty_config;
  load_options.storage_path = options_.storage_path;  // before the defaults beside it (rules.managed_dir)
  config::AlertdConfig cfg =
      options_.config_file.empty()
          ? config::load_config_string(config::default_config_yaml(config::shipped_rules_dir()), "<default>", "",
                                       notify::process_env(), load_options)
          : config::load_config_file(options_.config_file, load_options);
  if (!options_.listen_address.empty()) cfg.web.listen_address = options_.listen_address;
  for (const auto& warning : cfg.notification.warnings) logger("app")->warn("msg={}", logfmt_value(warning));
  return cfg;
}

void App::start() {
  auto cfg = std::make_shared<const config::AlertdConfig>(load_config());
  WebServerOptions web;
  web.web = load_web_config(options_.web_config_file);
  // A query may evaluate for up to --query.timeout on a handler thread: as many as httplib's pool had, so
  // that a few slow queries leave /metrics and the API answering.
  web.handler_threads = 8;
  rules_ = std::make_unique<rules::RuleManager>(store_, engine_, manager_options(*cfg, clock_));
  if (auto errors = rules_->load(cfg->rule_files, clock_.now_ms()); !errors.empty()) {
    throw ConfigError(join_rule_errors(errors));
  }
  // The live hub first: the notification side reports acknowledgements, silences and escalations to it.
  live::LiveOptions live_options;
  live_options.bearer_token = cfg->web.api_bearer_token;
  live_options.max_clients = cfg->web.max_live_clients;
  live_ = std::make_unique<live::LiveHub>(live_options, clock_);
  hub_ = options_.hub_factory ? options_.hub_factory(*cfg)
                              : make_notification_stack_hub(*cfg, clock_, [this](const AlertActivity& activity) {
                                  publish_activity(activity);
                                });
  // Alerts active before a restart carry on: firing ones from their original time (the next evaluation
  // keeps them, and the notification log knows them, or resolves them at once), pending ones with their
  // `for` progress.
  TimestampMs saved_at = 0;
  if (const auto remembered = hub_->recall_rule_alerts(&saved_at); !remembered.empty()) {
    const std::size_t restored = rules_->restore_alerts(from_remembered(remembered, saved_at, clock_.now_ms()));
    logger("app")->info("msg=\"restored the alerts active before the restart\" alerts={} remembered={}", restored,
                        remembered.size());
  }
  if (cfg->storage.history.enabled && cfg->storage.history.backend == config::HistoryConfig::Backend::prometheus) {
    remote_history_ = std::make_unique<history::PrometheusQueryable>(
        cfg->storage.history.url, *client_, std::chrono::milliseconds(cfg->storage.history.timeout_ms),
        options_.query_max_samples);
    remote_history_since_ = clock_.now_ms();
    historical_ = std::make_unique<history::RemoteHistoricalSource>(
        *remote_history_, store_, clock_, [this] { return remote_memory_start(); },
        cfg->storage.history.aggregate_interval_ms);
  } else if (cfg->storage.history.enabled) {
    history_ = std::make_unique<history::HistoryTier>(cfg->storage, clock_);
    history_->start();
    history::HistoryTier* tier = history_.get();
    historical_ = std::make_unique<history::StoreHistoricalSource>(tier->store(), store_, clock_,
                                                                   [tier] { return tier->bounds().memory_start; });
  }
  if (historical_) {
    history_trends_ = std::make_unique<dashboard::HistoryTrendSource>(
        store_, *historical_,
        [this] { return history_ ? history_->bounds().memory_start : remote_memory_start(); },
        historical_->aggregation_interval_ms());
  }
  scrape_ = std::make_unique<scrape::ScrapeManager>(
      *client_, store_, clock_, [this](const scrape::ScrapeTarget& target, TimestampMs) { scraped(target); },
      history_.get());
  {
    std::lock_guard lock(config_mu_);
    config_ = cfg;
  }
  rules_api::RulesApiOptions rules_options;
  rules_options.managed_dir = cfg->rules.managed_dir;
  rules_options.rule_files = [this] { return config()->rule_files; };
  rules_options.snapshot = [this] { return rules_->snapshot(); };
  rules_options.reload = [this]() -> std::optional<std::string> {
    std::string error;
    if (reload(&error)) return std::nullopt;
    return error;
  };
  rules_options.bearer_token = [this] { return config()->web.api_bearer_token; };
  rules_options.kpis = [this] { return config()->kpis; };
  rules_options.clock = &clock_;
  rules_api_ = std::make_unique<rules_api::RulesApi>(rules_options);
  server_ = std::make_unique<WebServer>(routes(), std::move(web));
  live::add_live_routes(*server_, *live_);
  const int port = server_->bind(cfg->web.listen_address);
  started_ = true;
  scrape_->apply(config::scrape_targets(*cfg));
  server_->start();
  {
    std::lock_guard lock(loop_mu_);
    stopping_ = false;
  }
  rule_thread_ = std::thread([this] { rule_loop(); });
  metrics_.last_reload_success_timestamp.Set(static_cast<double>(clock_.now_ms()) / 1000.0);
  ready_ = true;
  logger("app")->info("alertd started config={} listen_address={} port={} rule_files={} targets={}",
                      logfmt_value(cfg->file), cfg->web.listen_address, port, cfg->rule_files.size(),
                      config::scrape_targets(*cfg).size());
}

void App::stop() {
  if (!started_.exchange(false)) return;
  ready_ = false;
  server_->stop();
  {
    std::lock_guard lock(loop_mu_);
    stopping_ = true;
  }
  loop_cv_.notify_all();
  if (rule_thread_.joinable()) rule_thread_.join();
  scrape_->stop();
  if (history_) history_->stop();
  hub_->stop();
  logger("app")->info("alertd stopped");
}

bool App::reload(std::string* error) {
  std::lock_guard lock(reload_mu_);
  metrics_.reloads.Increment();
  try {
    if (!rules_) throw std::runtime_error("alertd is not started");
    auto cfg = std::make_shared<const config::AlertdConfig>(load_config());
    // Rules first: RuleManager::load swaps all or nothing, so a bad rule file leaves everything as it was.
    if (auto errors = rules_->load(cfg->rule_files, clock_.now_ms()); !errors.empty()) {
      throw ConfigError(join_rule_errors(errors));
    }
    hub_->apply(cfg->notification);
    scrape_->apply(config::scrape_targets(*cfg));
    const auto old = config();
    if (old->web.listen_address != cfg->web.listen_address || old->web.max_live_clients != cfg->web.max_live_clients ||
        old->global.evaluation_interval_ms != cfg->global.evaluation_interval_ms ||
        old->global.external_labels != cfg->global.external_labels) {
      // The HTTP listener and the rule manager (its default interval, $externalLabels in templates) are
      // built once; notifications already use the new external labels.
      logger("app")->warn("web.listen_address, web.max_live_clients, global.evaluation_interval and global.external_labels "
                          "changes take full effect on restart file={}", logfmt_value(cfg->file));
    }
    {
      std::lock_guard config_lock(config_mu_);
      config_ = cfg;
    }
    metrics_.last_reload_successful.Set(1);
    metrics_.last_reload_success_timestamp.Set(static_cast<double>(clock_.now_ms()) / 1000.0);
    loop_cv_.notify_all();
    logger("app")->info("completed loading of configuration file={}", logfmt_value(cfg->file));
    return true;
  } catch (const std::exception& e) {
    metrics_.reload_failures.Increment();
    metrics_.last_reload_successful.Set(0);
    logger("app")->error("reload failed, keeping the running configuration err={}", logfmt_value(e.what()));
    if (error) *error = e.what();
    return false;
  }
}

void App::rule_loop() {
  TimestampMs last_retention = 0;
  std::unique_lock lock(loop_mu_);
  // The store starts empty: evaluating before the first scrapes would resolve every restored alert and
  // fire every absent(). Wait for them (each ends within its timeout; wake-ups come from scraped()).
  const auto first_scrapes = std::chrono::milliseconds(scrape_->longest_timeout_ms() + 500);
  loop_cv_.wait_for(lock, first_scrapes, [this] { return stopping_ || scrape_->scraped_all_once(); });
  while (!stopping_) {
    const std::int64_t scraped_interval_ms = std::exchange(scraped_interval_ms_, 0);
    lock.unlock();
    const TimestampMs now = clock_.now_ms();
    const std::int64_t start_ns = clock_.monotonic_ns();
    rules::EvaluationResult result;
    if (scraped_interval_ms > 0) result = rules_->evaluate_after_scrape(now, scraped_interval_ms);
    rules::EvaluationResult due = rules_->evaluate_due(now);
    result.groups_evaluated += due.groups_evaluated;
    result.to_send.insert(result.to_send.end(), due.to_send.begin(), due.to_send.end());
    if (result.groups_evaluated > 0) {
      const double seconds = static_cast<double>(clock_.monotonic_ns() - start_ns) / 1e9;
      metrics_.evaluation_cycles.Increment();
      metrics_.evaluation_cycle_seconds.Increment(seconds);
      metrics_.evaluation_cycle_last_seconds.Set(seconds);
    }
    if (result.groups_evaluated > 0) remember_alerts(now);
    // The monitoring documents and live clients follow every evaluation; nothing here may end the loop.
    if (result.groups_evaluated > 0 || now - last_dashboard_broadcast_ >= kDashboardBroadcastMs) {
      try {
        update_live(result.to_send, now, result.groups_evaluated > 0);
      } catch (const std::exception& e) {
        logger("app")->error("msg=\"live update failed\" err={}", logfmt_value(e.what()));
      }
    }
    const auto cfg = config();
    // Nothing thrown while handing over or maintaining ends the rule thread (and the process with it).
    try {
      if (!result.to_send.empty()) {
        hub_->send(to_notify_alerts(result.to_send, cfg->global.external_labels, cfg->notification.external_url));
        metrics_.alerts_handed_over.Increment(static_cast<double>(result.to_send.size()));
      }
      if (now - last_retention >= kRetentionEveryMs) {
        last_retention = now;
        const std::int64_t keep = std::max(cfg->storage.retention_ms, kMinRetentionMs);
        metrics_.retention_series_dropped.Increment(static_cast<double>(store_.drop_before(now - keep)));
        hub_->maintain();
      }
    } catch (const std::exception& e) {
      logger("app")->error("msg=\"rule loop step failed\" alerts={} err={}", result.to_send.size(),
                           logfmt_value(e.what()));
    }
    const TimestampMs next = rules_->next_evaluation();
    const std::int64_t wait_ms =
        next == 0 ? kMaxRuleWaitMs : std::clamp<std::int64_t>(next - clock_.now_ms(), 1, kMaxRuleWaitMs);
    lock.lock();
    loop_cv_.wait_for(lock, std::chrono::milliseconds(wait_ms), [this] { return stopping_ || scraped_interval_ms_ > 0; });
  }
}

void App::remember_alerts(TimestampMs now) {
  try {
    hub_->remember_rule_alerts(to_remembered(rules_->active_alerts()), now);
  } catch (const std::exception& e) {
    logger("app")->error("msg=\"cannot save the active alerts; a restart now would forget them\" err={}",
                         logfmt_value(e.what()));
  }
}

void App::scraped(const scrape::ScrapeTarget& target) {
  {
    std::lock_guard lock(loop_mu_);
    const std::int64_t interval = std::max<std::int64_t>(target.interval_ms, 1);
    scraped_interval_ms_ = scraped_interval_ms_ == 0 ? interval : std::min(scraped_interval_ms_, interval);
  }
  loop_cv_.notify_all();
}

}  // namespace twikit::app
