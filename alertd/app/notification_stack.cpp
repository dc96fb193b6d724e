#include "alertd/app/notification_stack.h"

#include <map>

#include "alertd/notify/integrations.h"
#include "common/logging.h"

namespace twikit::app {

using namespace notify;  // the stack composes the notification side: its names read better unqualified here

NotificationStack::NotificationStack(StackOptions options) : options_(std::move(options)) {
  if (options_.clock) {
    clock_ = options_.clock;
  } else {
    owned_clock_ = std::make_unique<SystemClock>();
    clock_ = owned_clock_.get();
  }
  http_ = options_.http ? options_.http : std::make_shared<CurlHttpClient>();
  db_ = std::make_unique<persistence::Database>(options_.database_path.empty() ? ":memory:" : options_.database_path,
                                                persistence::alertd_migrations());
  outbox_ = std::make_unique<persistence::SqliteOutbox>(*db_);
  nflog_ = std::make_unique<persistence::SqliteNotificationLog>(*db_);
  silence_store_ = std::make_unique<persistence::SqliteSilenceStore>(*db_);
  silence::SilenceListener on_silence;
  api::AckListener on_ack;
  if (options_.on_activity) {
    on_silence = [this](const silence::Silence& silence, silence::SilenceChange change) {
      silence_changed(silence, change);
    };
    on_ack = [this](const persistence::AlertRecord& alert) {
      AlertActivity a;
      a.kind = AlertActivity::Kind::acknowledged;
      a.fingerprint = alert.fingerprint;
      a.labels = alert.labels;
      if (alert.ack) {
        a.at = alert.ack->at;
        a.by = alert.ack->by;
        a.comment = alert.ack->comment;
      }
      options_.on_activity(a);
    };
  }
  silences_ = std::make_unique<silence::Silences>(*clock_, silence_store_.get(), std::move(on_silence));
  alert_store_ = std::make_unique<persistence::AlertStore>(*db_);
  rule_state_ = std::make_unique<persistence::RuleStateStore>(*db_);
  api_ = std::make_unique<api::MonitoringApi>(*alert_store_, *silences_, *clock_, std::move(on_ack));
  amapi::Sources am_sources;
  am_sources.alerts = alert_store_.get();
  am_sources.silences = silences_.get();
  am_sources.clock = clock_;
  am_sources.view = [this] { return notification_view(); };
  am_sources.status = {TWIKIT_VERSION, clock_->now_ms()};
  am_api_ = std::make_unique<amapi::AlertmanagerApi>(std::move(am_sources));
  // Firing alerts from before a restart come back so their groups and escalations continue.
  persistence::AlertQuery firing;
  firing.state = "firing";
  firing.limit = 1'000'000;
  std::vector<Alert> restored;
  const TimestampMs now = clock_->now_ms();
  for (const auto& r : alert_store_->query(firing)) {
    // Valid for Alertmanager's resolve_timeout (5m) unless the rule engine sends it again.
    restored.push_back(Alert{r.labels, r.annotations, r.active_at, now + 300'000, r.generator_url, r.rule_active_at});
  }
  active_.update(restored, now);
  if (options_.run_timer_thread) timer_ = std::thread([this] { timer_loop(); });
}

NotificationStack::~NotificationStack() { stop(); }

void NotificationStack::stop() {
  {
    std::lock_guard<std::mutex> lock(timer_mu_);
    stopping_ = true;
  }
  timer_cv_.notify_all();
  if (timer_.joinable()) timer_.join();
  std::shared_ptr<Generation> gen;
  {
    std::lock_guard<std::mutex> lock(mu_);
    gen = gen_;
  }
  if (gen) gen->pipeline->stop();
}

void NotificationStack::apply(const NotificationConfig& config) {
  auto gen = std::make_shared<Generation>();
  gen->config = config;
  gen->inhibitor = std::make_unique<inhibit::Inhibitor>(gen->config.inhibit_rules, active_);
  std::map<std::string, std::vector<Integration>> receivers;
  for (const auto& r : gen->config.receivers) receivers[r.name] = build_integrations(r, http_);
  PipelineOptions popts;
  popts.notify_resolved_silenced = gen->config.notify_resolved_silenced;
  popts.retry = options_.retry;
  popts.external_url = gen->config.external_url;
  popts.time_intervals = gen->config.time_intervals;
  std::lock_guard<std::mutex> lock(mu_);
  // The old workers stop before the new ones pick up pending outbox entries, so none is sent twice.
  if (gen_) gen_->pipeline->stop();
  gen->pipeline = std::make_unique<Pipeline>(std::move(receivers), gen->inhibitor.get(), silences_.get(), *nflog_,
                                             *outbox_, *clock_, &metrics_, popts);
  // Each step is written to the alert's history and counted (the escalator knows neither). A restarted
  // escalator hands over the steps it passed again, which the notification log drops: the history, which
  // holds each step of an episode once, decides what counts.
  auto on_escalation = [this](const dispatch::Escalation& e) {
    bool first = true;
    try {
      first = alert_store_->record_escalation(e.fingerprint, e.level, e.policy, e.receivers, e.at);
    } catch (const std::exception& ex) {
      logger("notify")->error("msg=\"cannot record escalation\" fingerprint={} err={}",
                              fingerprint_hex(e.fingerprint), logfmt_value(ex.what()));
    }
    if (first) {
      for (const auto& receiver : e.receivers) metrics_.escalated(receiver, e.level);
    }
  };
  gen->escalator = std::make_unique<dispatch::Escalator>(gen->config.escalation_policies, *gen->pipeline, *clock_,
                                                         alert_store_.get());
  gen->escalator->subscribe(on_escalation);
  if (options_.on_activity) {
    gen->escalator->subscribe([this](const dispatch::Escalation& e) {
      AlertActivity a;
      a.kind = AlertActivity::Kind::escalated;
      a.fingerprint = e.fingerprint;
      a.labels = e.labels;
      a.at = e.at;
      a.policy = e.policy;
      a.step = e.level - 1;
      a.receivers = e.receivers;
      options_.on_activity(a);
    });
  }
  gen->dispatcher = std::make_unique<dispatch::Dispatcher>(gen->config.route, *gen->pipeline, *clock_, gen->escalator.get());
  api_->set_token(gen->config.api_bearer_token);
  const std::size_t recovered = gen->pipeline->recover();
  const std::vector<Alert> current = active_.snapshot();
  gen->dispatcher->put(current);
  gen_ = std::move(gen);
  logger("notify")->info("msg=\"notification config applied\" receivers={} recovered_outbox={} alerts={}",
                         gen_->config.receivers.size(), recovered, current.size());
}

void NotificationStack::send(const std::vector<Alert>& alerts) {
  const TimestampMs now = clock_->now_ms();
  record_alerts(alerts, now);
  std::shared_ptr<Generation> gen;
  {
    std::lock_guard<std::mutex> lock(mu_);
    // Alerts whose validity ran out without a refresh (ends_at passed) count as resolved, as in Alertmanager.
    const std::vector<Alert> expired = active_.update(alerts, now);
    if (!expired.empty()) record_alerts(expired, now);
    gen = gen_;
    if (!gen) return;
    gen->dispatcher->put(alerts);
  }
  timer_cv_.notify_all();  // a new group may be due sooner than the timer thread planned
}

void NotificationStack::record_alerts(const std::vector<Alert>& alerts, TimestampMs now) {
  // The alert table is what the monitoring API shows; failing to write it must not stop notifications.
  try {
    alert_store_->record(alerts, now);
  } catch (const std::exception& e) {
    logger("notify")->error("msg=\"cannot record alerts\" alerts={} err={}", alerts.size(), logfmt_value(e.what()));
  }
}

void NotificationStack::silence_changed(const silence::Silence& silence, silence::SilenceChange change) {
  const TimestampMs now = clock_->now_ms();
  if (change == silence::SilenceChange::created && silence.starts_at > now) return;  // mutes nothing yet
  std::vector<Alert> matched;
  active_.for_each([&](Fingerprint, const Alert& a) {
    if (!a.resolved_at(now) && matches_all(silence.matchers, a.labels)) matched.push_back(a);
    return true;
  });
  for (const auto& alert : matched) {
    // An expired silence unmutes only the alerts no other silence still mutes.
    if (change == silence::SilenceChange::expired && silences_->mutes(alert.labels, now)) continue;
    AlertActivity a;
    a.kind = change == silence::SilenceChange::created ? AlertActivity::Kind::silenced : AlertActivity::Kind::unsilenced;
    a.fingerprint = fingerprint(alert);
    a.labels = alert.labels;
    a.at = now;
    a.by = silence.created_by;
    a.comment = silence.comment;
    a.silence_id = silence.id;
    a.ends_at = silence.ends_at;
    options_.on_activity(a);
  }
}

void NotificationStack::tick() {
  std::lock_guard<std::mutex> lock(mu_);
  if (gen_) gen_->dispatcher->tick();
}

void NotificationStack::apply_retention() {
  std::int64_t retention = 30LL * 24 * 3'600'000;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (gen_) retention = gen_->config.history_retention_ms;
  }
  const TimestampMs now = clock_->now_ms();
  const std::size_t rows = alert_store_->apply_retention(now, retention) + outbox_->prune(now - retention);
  if (rows) logger("notify")->info("msg=\"retention applied\" rows_deleted={}", rows);
}

void NotificationStack::timer_loop() {
  TimestampMs last_retention = 0;
  std::unique_lock<std::mutex> lock(timer_mu_);
  while (!stopping_) {
    lock.unlock();
    tick();
    std::int64_t wait_ms = 1000;
    const TimestampMs now = clock_->now_ms();
    {
      std::lock_guard<std::mutex> g(mu_);
      if (gen_) {
        if (auto due = gen_->dispatcher->next_due()) wait_ms = std::clamp<std::int64_t>(*due - now, 1, 1000);
      }
    }
    if (now - last_retention > 3'600'000) {
      try {
        apply_retention();
      } catch (const std::exception& e) {
        logger("notify")->error("msg=\"retention failed\" err={}", logfmt_value(e.what()));
      }
      last_retention = now;
    }
    lock.lock();
    timer_cv_.wait_for(lock, std::chrono::milliseconds(wait_ms));
  }
}

void NotificationStack::collect(std::vector<MetricFamily>& out) const {
  for (auto& f : metrics_.collect()) out.push_back(std::move(f));
  std::size_t firing = 0, groups = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    firing = active_.size();  // under mu_, so the count and the groups are of the same cycle
    if (gen_) groups = gen_->dispatcher->group_count();
  }
  out.push_back({"alertd_notification_alerts", "Alerts handed to the notification side that are not resolved.",
                 MetricType::gauge, {{{{"state", "firing"}}, static_cast<double>(firing), "", std::nullopt}}});
  out.push_back({"alertd_aggregation_groups", "Aggregation groups in the dispatcher.", MetricType::gauge,
                 {{{}, static_cast<double>(groups), "", std::nullopt}}});
}

amapi::NotificationView NotificationStack::notification_view() const {
  amapi::NotificationView view;
  std::shared_ptr<Generation> gen;
  {
    std::lock_guard<std::mutex> lock(mu_);
    gen = gen_;
    active_.for_each([&view](Fingerprint fp, const Alert& a) {
      view.ends_at[fp] = a.ends_at;
      return true;
    });
  }
  if (!gen) {
    view.config = std::make_shared<const NotificationConfig>();
    return view;
  }
  view.config = std::shared_ptr<const NotificationConfig>(gen, &gen->config);  // keeps the generation alive
  view.inhibited_by = [gen](const Labels& labels, TimestampMs now) { return gen->inhibitor->inhibited_by(labels, now); };
  return view;
}

void NotificationStack::register_routes(WebRouter& router) { api_->register_routes(router); }

bool NotificationStack::wait_idle(std::chrono::milliseconds timeout) const {
  std::shared_ptr<Generation> gen;
  {
    std::lock_guard<std::mutex> lock(mu_);
    gen = gen_;
  }
  return !gen || gen->pipeline->wait_idle(timeout);
}

}  // namespace twikit::app
