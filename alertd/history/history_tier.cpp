#include "alertd/history/history_tier.h"

#include <chrono>
#include <filesystem>

#include "alertd/history/history_metrics.h"
#include "common/logging.h"

namespace twikit::history {
namespace {

constexpr auto kRetentionEvery = std::chrono::minutes(10);

}  // namespace

HistoryOptions history_options(const config::StorageConfig& storage) {
  HistoryOptions o;
  o.path = config::history_path(storage);
  o.raw_retention_ms = storage.history.raw_retention_ms;
  o.aggregated_retention_ms = storage.history.aggregate_retention_ms;
  o.aggregation_interval_ms = storage.history.aggregate_interval_ms;
  o.flush_interval_ms = storage.history.flush_interval_ms;
  o.max_series = storage.history.max_series;
  return o;
}

HistoryTier::HistoryTier(const config::StorageConfig& storage, const Clock& clock)
    : clock_(clock), memory_retention_ms_(storage.retention_ms), started_ms_(clock.now_ms()) {
  HistoryOptions options = history_options(storage);
  const std::filesystem::path dir = std::filesystem::path(options.path).parent_path();
  if (!dir.empty()) std::filesystem::create_directories(dir);
  store_ = std::make_unique<HistoryStore>(std::move(options));
  const HistoryStats stats = store_->stats();
  logger("history")->info("history opened path={} series={} disk_bytes={}", logfmt_value(store_->options().path),
                          stats.series, store_->disk_bytes());
}

HistoryTier::~HistoryTier() { stop(); }

void HistoryTier::start() {
  store_->start_flusher();
  std::lock_guard lock(mu_);
  stopping_ = false;
  if (!retention_.joinable()) retention_ = std::thread([this] { retention_loop(); });
}

void HistoryTier::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (retention_.joinable()) retention_.join();
  store_->stop_flusher();
  store_->flush();
}

void HistoryTier::retention_loop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    lock.unlock();
    enforce_retention();
    lock.lock();
    cv_.wait_for(lock, kRetentionEvery, [this] { return stopping_; });
  }
}

void HistoryTier::consume(std::span<const scrape::SinkSample> samples) {
  std::vector<HistoryStore::BatchSample> batch;
  batch.reserve(samples.size());
  for (const scrape::SinkSample& s : samples) batch.push_back({s.labels, s.sample});
  store_->append_batch(batch);
}

void HistoryTier::enforce_retention() { store_->enforce_retention(clock_.now_ms()); }

TierBounds HistoryTier::bounds() const {
  const TimestampMs now = clock_.now_ms();
  TierBounds b;
  b.memory_start = std::max(started_ms_, now - memory_retention_ms_);
  b.raw_start = now - store_->options().raw_retention_ms;
  b.aggregate_interval_ms = store_->options().aggregation_interval_ms;
  return b;
}

std::unique_ptr<FanoutQueryable> HistoryTier::queryable(const storage::Queryable& memory, std::size_t max_samples,
                                                        std::int64_t step_ms, TimestampMs range_end) {
  return std::make_unique<FanoutQueryable>(memory, *store_, bounds(), max_samples, step_ms, range_end);
}

void HistoryTier::collect(std::vector<MetricFamily>& out) const { history::collect(*store_, out); }

}  // namespace twikit::history
