#include "alertd/dashboard/history_trend_source.h"

#include <algorithm>

#include "alertd/dashboard/series_reader.h"
#include "common/logging.h"

namespace twikit::dashboard {

std::vector<storage::Sample> HistoryTrendSource::buckets(const std::string& metric, const std::string& service,
                                                            TimestampMs start, TimestampMs end, TimestampMs now) const {
  const auto key = std::make_pair(metric, service);
  {
    std::lock_guard<std::mutex> lock(mu_);
    const auto it = cache_.find(key);
    if (it != cache_.end() && it->second.start <= start && it->second.end >= end && now - it->second.read_at < interval_ms_) {
      return it->second.buckets;
    }
  }
  std::vector<history::SeriesPoints> series;
  try {
    series = history_.buckets(service_matchers(metric, service), start, end, interval_ms_, history::Aggregation::last);
  } catch (const std::exception& e) {
    logger("dashboard")->warn("msg=\"trend history read failed\" metric={} err={}", logfmt_value(metric),
                              logfmt_value(e.what()));
    return {};
  }
  // The series with the newest bucket: one exporter's view of the service, not a blend of two.
  const history::SeriesPoints* best = nullptr;
  for (const auto& s : series) {
    if (s.points.empty()) continue;
    if (best == nullptr || s.points.back().t > best->points.back().t ||
        (s.points.back().t == best->points.back().t && s.labels < best->labels)) {
      best = &s;
    }
  }
  Cached entry{now, start, end, best != nullptr ? best->points : std::vector<storage::Sample>{}};
  std::lock_guard<std::mutex> lock(mu_);
  ++reads_;
  cache_[key] = entry;
  return std::move(entry.buckets);
}

std::size_t HistoryTrendSource::history_reads() const {
  std::lock_guard<std::mutex> lock(mu_);
  return reads_;
}

std::vector<TrendPoint> HistoryTrendSource::points(const std::string& metric, const std::string& service,
                                                   TimestampMs from, TimestampMs to, std::int64_t step_ms) const {
  if (step_ms <= 0 || to < from) return {};
  const StoreTrendSource memory(memory_);
  const TimestampMs memory_start = memory_start_();
  if (from >= memory_start || interval_ms_ <= 0) return memory.points(metric, service, from, to, step_ms);

  // The steps before the memory window, on the grid the memory part uses (to, to - step, …).
  const std::int64_t k_first = (to - from) / step_ms;
  const std::int64_t k_memory = to >= memory_start ? (to - memory_start) / step_ms : -1;  // steps from memory_start on
  std::vector<TrendPoint> out;
  const std::vector<storage::Sample> buckets = this->buckets(metric, service, from - kLookbackMs, memory_start, to);
  for (std::int64_t k = k_first; k > k_memory && !buckets.empty(); --k) {
    const TimestampMs t = to - k * step_ms;
    // The newest bucket that has ended by t.
    const auto it = std::upper_bound(buckets.begin(), buckets.end(), t, [this](TimestampMs x, const storage::Sample& b) {
      return x < b.t + interval_ms_;
    });
    if (it == buckets.begin()) continue;
    const storage::Sample& b = *(it - 1);
    if (b.t + interval_ms_ <= t - kLookbackMs) continue;
    out.push_back({t, b.v});
  }
  if (k_memory >= 0) {
    const auto recent = memory.points(metric, service, to - k_memory * step_ms, to, step_ms);
    out.insert(out.end(), recent.begin(), recent.end());
  }
  return out;
}

}  // namespace twikit::dashboard
