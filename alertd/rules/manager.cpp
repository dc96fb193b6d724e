#include "alertd/rules/manager.h"

#include <glob.h>

#include <algorithm>
#include <cstdlib>
#include <set>

#include "alertd/promql/parser.h"
#include "common/logging.h"

namespace twikit::rules {

namespace {

std::uint64_t fnv1a(const std::string& s) {
  std::uint64_t h = 1469598103934665603ULL;
  for (const char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return h;
}

std::vector<std::string> expand_globs(const std::vector<std::string>& patterns) {
  std::vector<std::string> files;
  for (const auto& pattern : patterns) {
    glob_t g{};
    if (::glob(pattern.c_str(), 0, nullptr, &g) == 0) {
      for (std::size_t i = 0; i < g.gl_pathc; ++i) files.emplace_back(g.gl_pathv[i]);
    } else if (pattern.find_first_of("*?[") == std::string::npos) {
      files.push_back(pattern);  // a plain path that does not exist: let the loader report it
    }
    ::globfree(&g);
  }
  return files;
}

GroupSnapshot snapshot_of(const Group& g) {
  GroupSnapshot gs{g.name(),
                   g.file(),
                   g.interval_ms(),
                   g.limit(),
                   g.query_offset_ms(),
                   g.last_evaluation(),
                   g.evaluation_seconds(),
                   {},
                   g.evaluation_failures()};
  for (const auto& rule : g.rules()) {
    RuleSnapshot rs;
    rs.name = rule->name();
    rs.query = rule->query();
    rs.alerting = rule->is_alerting();
    rs.for_ms = rule->spec().for_ms;
    rs.keep_firing_for_ms = rule->spec().keep_firing_for_ms;
    rs.labels = rule->labels();
    rs.annotations = rule->spec().annotations;
    rs.health = rule->health;
    rs.last_error = rule->last_error;
    rs.last_evaluation = rule->last_evaluation;
    rs.evaluation_seconds = rule->evaluation_seconds;
    if (const auto* alerting = dynamic_cast<const AlertingRule*>(rule.get())) {
      rs.state = alerting->state();
      rs.alerts = alerting->alerts();
    }
    gs.rules.push_back(std::move(rs));
  }
  return gs;
}

}  // namespace

RuleManager::RuleManager(storage::SeriesStore& store, const promql::Engine& engine, ManagerOptions options)
    : store_(store), options_(std::move(options)) {
  ctx_.store = &store_;
  ctx_.engine = &engine;
  ctx_.external_labels = options_.external_labels;
  ctx_.external_url = options_.external_url;
}

std::vector<RuleFileError> RuleManager::load(const std::vector<std::string>& patterns, TimestampMs now) {
  std::vector<RuleFileError> errors;
  std::vector<GroupSpec> specs;
  for (const auto& file : expand_globs(patterns)) {
    RuleFile f = load_rule_file(file);
    errors.insert(errors.end(), f.errors.begin(), f.errors.end());
    for (auto& g : f.groups) specs.push_back(std::move(g));
  }
  if (!errors.empty()) return errors;
  update(specs, now);
  return errors;
}

void RuleManager::update(const std::vector<GroupSpec>& specs, TimestampMs now) {
  std::vector<Slot> fresh;
  for (const auto& spec : specs) fresh.push_back(Slot{std::make_unique<Group>(spec, options_.default_interval_ms), 0});
  std::lock_guard lock(eval_mu_);
  std::set<std::string> kept;
  for (auto& slot : fresh) {
    for (auto& old : slots_) {
      if (old.group && old.group->key() == slot.group->key()) {
        slot.group->copy_state(*old.group);
        if (old.group->interval_ms() == slot.group->interval_ms()) slot.next_eval = old.next_eval;
        kept.insert(old.group->key());
        break;
      }
    }
  }
  for (auto& old : slots_) {
    if (kept.count(old.group->key()) == 0) old.group->mark_all_stale(now, store_);
  }
  slots_ = std::move(fresh);
  publish_all_locked();
}

void RuleManager::publish_group_locked(std::size_t index) {
  auto group = std::make_shared<const GroupSnapshot>(snapshot_of(*slots_[index].group));
  auto next = std::make_shared<Published>(*published());  // copies pointers, not groups
  next->at(index) = std::move(group);
  std::lock_guard lock(published_mu_);
  published_ = std::move(next);
}

void RuleManager::publish_all_locked() {
  auto next = std::make_shared<Published>();
  next->reserve(slots_.size());
  for (const auto& slot : slots_) next->push_back(std::make_shared<const GroupSnapshot>(snapshot_of(*slot.group)));
  std::lock_guard lock(published_mu_);
  published_ = std::move(next);
}

std::shared_ptr<const RuleManager::Published> RuleManager::published() const {
  std::lock_guard lock(published_mu_);
  return published_;
}

TimestampMs RuleManager::first_slot(const Group& g, TimestampMs now) const {
  // Like Prometheus, spread groups over their interval by a hash of the group key.
  const std::int64_t interval = std::max<std::int64_t>(g.interval_ms(), 1);
  const auto offset = static_cast<std::int64_t>(fnv1a(g.key()) % static_cast<std::uint64_t>(interval));
  const std::int64_t since_slot = ((now - offset) % interval + interval) % interval;
  // The first slot at or after now: a slot in the past would evaluate at a time before any sample scraped
  // since the start, so every alert restored from before a restart would resolve at once.
  return since_slot == 0 ? now : now - since_slot + interval;
}

void RuleManager::eval_group_locked(std::size_t index, TimestampMs ts, EvaluationResult& result) {
  Slot& slot = slots_[index];
  std::function<double()> elapsed;
  if (options_.duration_clock != nullptr) {
    const Clock* clock = options_.duration_clock;
    elapsed = [clock] { return static_cast<double>(clock->monotonic_ns()) / 1e9; };
  }
  slot.last_eval = ts;
  ++result.groups_evaluated;
  // Group::eval already isolates its rules; this keeps the rule loop and the other groups running if
  // anything else in one group throws.
  try {
    slot.group->eval(ts, store_, ctx_, elapsed);
    for (const auto& rule : slot.group->rules()) {
      if (auto* alerting = dynamic_cast<AlertingRule*>(rule.get())) {
        auto sent = alerting->alerts_to_send(ts, options_.resend_delay_ms, slot.group->interval_ms());
        result.to_send.insert(result.to_send.end(), sent.begin(), sent.end());
      }
    }
  } catch (const std::exception& e) {
    logger("rules")->error("msg=\"rule group evaluation failed\" group={} file={} err={}",
                           logfmt_value(slot.group->name()), logfmt_value(slot.group->file()), logfmt_value(e.what()));
  }
  publish_group_locked(index);
}

std::size_t RuleManager::restore_alerts(const std::vector<Alert>& alerts) {
  std::lock_guard lock(eval_mu_);
  std::size_t restored = 0;
  for (const auto& a : alerts) {
    const std::string& name = label_value(a.labels, "alertname");
    AlertingRule* owner = nullptr;
    for (auto& slot : slots_) {
      for (const auto& rule : slot.group->rules()) {
        auto* alerting = dynamic_cast<AlertingRule*>(rule.get());
        if (alerting == nullptr || alerting->name() != name) continue;
        // Rules sharing an alert name (e.g. one per severity) are told apart by their own labels.
        // Templated rule labels cannot be compared before expansion; they do not tell rules apart.
        const bool labels_match = std::all_of(
            alerting->labels().begin(), alerting->labels().end(), [&](const Label& l) {
              return l.second.find("{{") != std::string::npos || label_value(a.labels, l.first) == l.second;
            });
        if (labels_match && owner == nullptr) owner = alerting;
      }
    }
    if (owner == nullptr) continue;
    owner->restore(a);
    ++restored;
  }
  if (restored > 0) publish_all_locked();
  return restored;
}

EvaluationResult RuleManager::evaluate_due(TimestampMs now) {
  std::lock_guard lock(eval_mu_);
  EvaluationResult result;
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    Slot& slot = slots_[i];
    const std::int64_t interval = std::max<std::int64_t>(slot.group->interval_ms(), 1);
    if (slot.next_eval == 0) slot.next_eval = first_slot(*slot.group, now);
    if (slot.next_eval > now) continue;
    const std::int64_t missed = (now - slot.next_eval) / interval;
    const TimestampMs ts = slot.next_eval + missed * interval;
    eval_group_locked(i, ts, result);
    slot.next_eval = ts + interval;
  }
  return result;
}

EvaluationResult RuleManager::evaluate_after_scrape(TimestampMs now, std::int64_t scrape_interval_ms) {
  std::lock_guard lock(eval_mu_);
  EvaluationResult result;
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    Slot& slot = slots_[i];
    const std::int64_t interval = std::max<std::int64_t>(slot.group->interval_ms(), 1);
    if (slot.next_eval == 0 || slot.next_eval > now + scrape_interval_ms) continue;
    // The evaluation timestamp is the grid point nearest the scrape, so that `for: 1m` on a 15 s group
    // fires at the fourth evaluation after activeAt even when this scrape ended a few milliseconds
    // earlier than the first one did (Prometheus' evaluations are exactly an interval apart). A scrape far
    // off the grid (the scrape interval differs, or scrapes stopped for a while) starts a new grid.
    TimestampMs ts = now;
    if (slot.anchor != 0) {
      const std::int64_t k = (now - slot.anchor + interval / 2) / interval;
      const TimestampMs grid = slot.anchor + k * interval;
      if (std::llabs(now - grid) <= interval / 4) ts = grid;
    }
    if (ts == now) slot.anchor = now;
    if (slot.last_eval != 0 && (ts <= slot.last_eval || ts - slot.last_eval < interval / 4)) continue;
    eval_group_locked(i, ts, result);
    slot.next_eval = ts + interval + interval / 4;
  }
  return result;
}

EvaluationResult RuleManager::evaluate_all(TimestampMs ts) {
  std::lock_guard lock(eval_mu_);
  EvaluationResult result;
  for (std::size_t i = 0; i < slots_.size(); ++i) eval_group_locked(i, ts, result);
  return result;
}

TimestampMs RuleManager::next_evaluation() const {
  std::lock_guard lock(eval_mu_);
  TimestampMs next = 0;
  for (const auto& slot : slots_) {
    if (next == 0 || slot.next_eval < next) next = slot.next_eval;
  }
  return next;
}

std::vector<GroupSnapshot> RuleManager::snapshot() const {
  const auto groups = published();
  std::vector<GroupSnapshot> out;
  out.reserve(groups->size());
  for (const auto& g : *groups) out.push_back(*g);
  return out;
}

std::vector<Alert> RuleManager::active_alerts() const {
  const auto groups = published();
  std::vector<Alert> out;
  for (const auto& g : *groups) {
    for (const auto& rule : g->rules) {
      for (const auto& a : rule.alerts) {
        if (a.state != AlertState::inactive) out.push_back(a);
      }
    }
  }
  return out;
}

std::size_t RuleManager::num_groups() const { return published()->size(); }

}  // namespace twikit::rules
