#include "alertd/scrape/scrape_manager.h"

#include <algorithm>
#include <chrono>

#include "common/logging.h"

namespace twikit::scrape {

/// One target's loop: its scraper, its thread and the means to stop it.
struct ScrapeManager::Loop {
  Loop(ScrapeTarget target, HttpClient& client, storage::SeriesStore& store, const Clock& clock, SampleSink* sink)
      : scraper(std::move(target), client, store, clock, sink) {}
  TargetScraper scraper;
  std::mutex mu;
  std::condition_variable cv;
  bool stopping = false;
  std::thread thread;
};

ScrapeManager::ScrapeManager(HttpClient& client, storage::SeriesStore& store, const Clock& clock,
                             ScrapeObserver observer, SampleSink* sink)
    : client_(client), store_(store), clock_(clock), observer_(std::move(observer)), sink_(sink) {}

ScrapeManager::~ScrapeManager() { stop(); }

void ScrapeManager::apply(const std::vector<ScrapeTarget>& targets) {
  std::lock_guard apply_lock(apply_mu_);
  std::map<std::string, const ScrapeTarget*> wanted;
  for (const auto& target : targets) wanted.emplace(target.key(), &target);  // listed twice = scraped once
  std::vector<std::unique_ptr<Loop>> removed;
  {
    std::lock_guard lock(mu_);
    for (auto it = loops_.begin(); it != loops_.end();) {
      const auto w = wanted.find(it->first);
      const ScrapeTarget& running = it->second->scraper.target();
      if (w != wanted.end() && running.interval_ms == w->second->interval_ms &&
          running.timeout_ms == w->second->timeout_ms && running.body_size_limit == w->second->body_size_limit) {
        wanted.erase(w);  // unchanged: keeps its loop and series state
        ++it;
        continue;
      }
      removed.push_back(std::move(it->second));
      it = loops_.erase(it);
    }
  }
  // Stop (and stale) replaced loops before their successors scrape, so a marker never follows a fresh sample.
  for (auto& loop : removed) stop_loop(std::move(loop));
  std::lock_guard lock(mu_);
  for (const auto& [key, target] : wanted) {
    auto loop = std::make_unique<Loop>(*target, client_, store_, clock_, sink_);
    Loop* raw = loop.get();
    loop->thread = std::thread([this, raw] { run(*raw); });
    loops_[key] = std::move(loop);
  }
}

void ScrapeManager::stop() {
  std::lock_guard apply_lock(apply_mu_);
  std::map<std::string, std::unique_ptr<Loop>> loops;
  {
    std::lock_guard lock(mu_);
    loops.swap(loops_);
  }
  for (auto& [key, loop] : loops) {
    std::lock_guard lock(loop->mu);
    loop->stopping = true;
    loop->cv.notify_all();
  }
  for (auto& [key, loop] : loops) stop_loop(std::move(loop));
}

void ScrapeManager::stop_loop(std::unique_ptr<Loop> loop) {
  {
    std::lock_guard lock(loop->mu);
    loop->stopping = true;
  }
  loop->cv.notify_all();
  if (loop->thread.joinable()) loop->thread.join();
  loop->scraper.stale_all(clock_.now_ms());
}

void ScrapeManager::run(Loop& loop) {
  const auto interval = std::chrono::milliseconds(loop.scraper.target().interval_ms);
  auto next = std::chrono::steady_clock::now();
  while (true) {
    // scrape_once turns its own failures into up=0; this is the last guard that keeps the target's loop
    // alive whatever throws.
    try {
      loop.scraper.scrape_once(clock_.now_ms());
      if (observer_) observer_(loop.scraper.target(), clock_.now_ms());
    } catch (const std::exception& e) {
      logger("scrape")->error("msg=\"scrape loop error\" job={} url={} err={}", logfmt_value(loop.scraper.target().job),
                              logfmt_value(loop.scraper.target().url), logfmt_value(e.what()));
    }
    next += interval;
    const auto now = std::chrono::steady_clock::now();
    if (next < now) next = now;  // a scrape overran: skip the missed ticks rather than bursting
    std::unique_lock lock(loop.mu);
    if (loop.cv.wait_until(lock, next, [&] { return loop.stopping; })) return;
  }
}

bool ScrapeManager::scraped_all_once() const {
  std::lock_guard lock(mu_);
  return std::all_of(loops_.begin(), loops_.end(),
                     [](const auto& entry) { return entry.second->scraper.health().scrapes_total > 0; });
}

std::int64_t ScrapeManager::longest_timeout_ms() const {
  std::lock_guard lock(mu_);
  std::int64_t longest = 0;
  for (const auto& [key, loop] : loops_) longest = std::max(longest, loop->scraper.target().timeout_ms);
  return longest;
}

std::int64_t ScrapeManager::shortest_interval_ms() const {
  std::lock_guard lock(mu_);
  std::int64_t shortest = 0;
  for (const auto& [key, loop] : loops_) {
    const std::int64_t interval = loop->scraper.target().interval_ms;
    shortest = shortest == 0 ? interval : std::min(shortest, interval);
  }
  return shortest;
}

std::vector<TargetStatus> ScrapeManager::targets() const {
  std::vector<TargetStatus> out;
  {
    std::lock_guard lock(mu_);
    for (const auto& [key, loop] : loops_) out.push_back({loop->scraper.target(), loop->scraper.health()});
  }
  std::sort(out.begin(), out.end(), [](const TargetStatus& a, const TargetStatus& b) {
    return std::tie(a.target.job, a.target.url) < std::tie(b.target.job, b.target.url);
  });
  return out;
}

void ScrapeManager::collect(std::vector<MetricFamily>& out) const {
  MetricFamily scrapes{"alertd_scrapes_total", "Scrapes attempted, per target.", MetricType::counter, {}};
  MetricFamily failures{"alertd_scrape_failures_total", "Scrapes that failed (transport, HTTP status or malformed body), per target.",
                        MetricType::counter, {}};
  MetricFamily duration{"alertd_scrape_last_duration_seconds", "Duration of the last scrape, per target.",
                        MetricType::gauge, {}};
  MetricFamily up{"alertd_target_up", "Whether the last scrape of the target succeeded.", MetricType::gauge, {}};
  for (const auto& t : targets()) {
    const Labels labels = make_labels({{"job", t.target.job}, {"instance", label_value(t.target.labels, "instance")}});
    scrapes.samples.push_back({labels, static_cast<double>(t.health.scrapes_total), "", std::nullopt});
    failures.samples.push_back({labels, static_cast<double>(t.health.failures_total), "", std::nullopt});
    duration.samples.push_back({labels, t.health.last_duration_seconds, "", std::nullopt});
    up.samples.push_back({labels, t.health.health == "up" ? 1.0 : 0.0, "", std::nullopt});
  }
  out.push_back(std::move(scrapes));
  out.push_back(std::move(failures));
  out.push_back(std::move(duration));
  out.push_back(std::move(up));
}

}  // namespace twikit::scrape
