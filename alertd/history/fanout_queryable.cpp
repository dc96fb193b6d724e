#include "alertd/history/fanout_queryable.h"

#include <malloc.h>

#include <algorithm>
#include <map>

#include <nlohmann/json.hpp>

#include "common/json_text.h"
#include "common/rfc3339.h"

namespace twikit::history {
namespace {

// The first sample at or after `from` whose time is not before `t` (if `strict`, after `t`): a short walk,
// since a range query's steps move forward a little each time, and a binary search past that.
std::size_t seek(const std::vector<storage::Sample>& samples, std::size_t from, TimestampMs t, bool strict) {
  const auto before = [t, strict](const storage::Sample& s) { return strict ? s.t <= t : s.t < t; };
  for (int walked = 0; from < samples.size() && walked < 32; ++walked, ++from) {
    if (!before(samples[from])) return from;
  }
  const auto it = std::partition_point(samples.begin() + static_cast<std::ptrdiff_t>(from), samples.end(), before);
  return static_cast<std::size_t>(it - samples.begin());
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string duration_text(std::int64_t ms) {
  if (ms % 3'600'000 == 0) return std::to_string(ms / 3'600'000) + "h";
  if (ms % 60'000 == 0) return std::to_string(ms / 60'000) + "m";
  return std::to_string(ms / 1000) + "s";
}

}  // namespace

void append_after(std::vector<storage::Sample>& out, const std::vector<storage::Sample>& samples) {
  for (const storage::Sample& s : samples) {
    if (out.empty() || s.t > out.back().t) out.push_back(s);
  }
}

std::vector<storage::SeriesSamples> merged_series(std::map<Labels, std::vector<storage::Sample>>& merged) {
  std::vector<storage::SeriesSamples> out;
  out.reserve(merged.size());
  for (auto& [labels, samples] : merged) {
    if (samples.empty()) continue;
    storage::SeriesSamples s;
    s.hash = storage::labels_hash(labels);
    s.labels = std::make_shared<const Labels>(labels);
    s.samples = std::move(samples);
    out.push_back(std::move(s));
  }
  return out;
}

bool counter_by_name(std::string_view name) {
  return ends_with(name, "_total") || ends_with(name, "_count") || ends_with(name, "_sum") ||
         ends_with(name, "_bucket");
}

FanoutQueryable::FanoutQueryable(const storage::Queryable& memory, HistoryStore& history, TierBounds bounds,
                                 std::size_t max_samples, std::int64_t step_ms, TimestampMs range_end,
                                 std::size_t read_ahead_samples)
    : memory_(memory),
      history_(history),
      bounds_(bounds),
      max_samples_(max_samples),
      aggregates_before_(bounds.aggregate_interval_ms > 0 && step_ms >= kDownsampleStepFactor * bounds.aggregate_interval_ms
                             ? std::max(bounds.raw_start, bounds.memory_start)
                             : bounds.raw_start),
      read_ahead_cap_(read_ahead_samples),
      range_end_(range_end) {}

FanoutQueryable::~FanoutQueryable() {
  read_ahead_.clear();
  if (read_ahead_peak_ >= kTrimAfterSamples) malloc_trim(0);
}

std::vector<storage::SeriesSamples> FanoutQueryable::select(const std::vector<storage::LabelMatcher>& matchers,
                                                            TimestampMs mint, TimestampMs maxt) const {
  if (mint >= bounds_.memory_start || maxt < mint) return memory_.select(matchers, mint, maxt);
  used_history_ = true;
  const TimestampMs history_end = std::min(maxt, bounds_.memory_start - 1);
  // Per label set, the tiers in time order: aggregates, raw history, memory.
  Merged merged;
  try {
    std::vector<storage::SeriesSamples> ahead;
    if (read_ahead(matchers, mint, history_end, ahead)) {
      if (maxt < bounds_.memory_start) return ahead;
      for (auto& s : ahead) merged[*s.labels] = std::move(s.samples);
    } else {
      merged = read_history(matchers, mint, history_end, max_samples_);
    }
  } catch (const HistoryLimitError&) {
    throw std::runtime_error("query processing would load too many samples into memory in query execution");
  }
  if (maxt >= bounds_.memory_start) {
    for (auto& series : memory_.select(matchers, bounds_.memory_start, maxt)) {
      append_after(merged[*series.labels], series.samples);
    }
  }
  return merged_series(merged);
}

bool FanoutQueryable::read_ahead(const std::vector<storage::LabelMatcher>& matchers, TimestampMs mint,
                                 TimestampMs history_end, std::vector<storage::SeriesSamples>& out) const {
  if (range_end_ <= 0) return false;
  std::string key;
  for (const auto& m : matchers) key += m.to_string() + ",";
  std::lock_guard lock(read_ahead_mu_);
  auto it = read_ahead_.find(key);
  if (it != read_ahead_.end() && it->second.usable && mint >= it->second.from && history_end > it->second.to) {
    // The steps have passed this window: the next one starts at this step.
    for (const auto& series : it->second.series) read_ahead_samples_ -= series.samples.size();
    read_ahead_.erase(it);
    it = read_ahead_.end();
  }
  if (it == read_ahead_.end()) {
    ReadAhead entry;
    entry.from = mint;
    const TimestampMs to = std::max(history_end, std::min(range_end_, bounds_.memory_start - 1));
    const std::size_t room = read_ahead_cap_ > read_ahead_samples_ ? read_ahead_cap_ - read_ahead_samples_ : 0;
    const std::size_t limit = max_samples_ == 0 ? room : std::min(room, max_samples_);
    entry.to = limit > 0 ? window_end(matchers, mint, to, limit) : mint - 1;
    try {
      if (entry.to >= history_end) {  // at least this step fits
        Merged read = read_history(matchers, entry.from, entry.to, limit);
        entry.series = merged_series(read);
        entry.usable = true;
      }
    } catch (const HistoryLimitError&) {
      entry.series.clear();  // the estimate was short (chunks of a larger samples_per_chunk): step by step
    }
    for (const auto& series : entry.series) read_ahead_samples_ += series.samples.size();
    read_ahead_peak_ = std::max(read_ahead_peak_, read_ahead_samples_);
    entry.cursor.assign(entry.series.size(), 0);
    it = read_ahead_.emplace(std::move(key), std::move(entry)).first;
  }
  ReadAhead& r = it->second;
  if (!r.usable || mint < r.from || history_end > r.to) return false;
  std::size_t n = 0;
  for (std::size_t i = 0; i < r.series.size(); ++i) {
    const storage::SeriesSamples& series = r.series[i];
    const auto& samples = series.samples;
    std::size_t& cursor = r.cursor[i];
    if (cursor > 0 && samples[cursor - 1].t >= mint) cursor = 0;  // a step back: search from the start
    cursor = seek(samples, cursor, mint, false);
    const std::size_t last = seek(samples, cursor, history_end, true);
    if (cursor == last) continue;
    n += last - cursor;
    if (max_samples_ != 0 && n > max_samples_) throw HistoryLimitError("over the limit");
    const auto begin = samples.begin() + static_cast<std::ptrdiff_t>(cursor);
    const auto end = samples.begin() + static_cast<std::ptrdiff_t>(last);
    out.push_back({series.labels, series.hash, std::vector<storage::Sample>(begin, end)});
  }
  return true;
}

TimestampMs FanoutQueryable::window_end(const std::vector<storage::LabelMatcher>& matchers, TimestampMs from,
                                        TimestampMs to, std::size_t limit) const {
  const std::int64_t width = bounds_.aggregate_interval_ms;
  if (from < aggregates_before_ && width > 0) {
    // Aggregates: at most one bucket per interval and series, plus one for a window not on the grid.
    const std::size_t series = std::max<std::size_t>(history_.count_series(matchers), 1);
    const TimestampMs agg_end = std::min(to, aggregates_before_ - 1);
    const auto buckets = static_cast<std::size_t>((agg_end - from) / width + 2);
    if (series * buckets > limit) {
      const auto fit = static_cast<std::int64_t>(limit / series) - 1;  // whole buckets per series
      return from + fit * width - 1;  // before `from` when not even one fits
    }
    limit -= series * buckets;
  }
  const TimestampMs raw_from = std::max(from, aggregates_before_);
  if (to < raw_from) return to;
  const std::size_t raw = history_.estimate_samples(matchers, raw_from, to);
  if (raw <= limit) return to;
  // Raw samples in proportion to the time: older data is rarely denser than newer (series get added), and
  // should it be, the read stops at the limit and the query reads step by step.
  const double share = static_cast<double>(limit) / static_cast<double>(raw);
  return raw_from + static_cast<TimestampMs>(static_cast<double>(to - raw_from + 1) * share) - 1;
}

FanoutQueryable::Merged FanoutQueryable::read_history(const std::vector<storage::LabelMatcher>& matchers,
                                                      TimestampMs mint, TimestampMs history_end, std::size_t limit) const {
  ++history_reads_;
  std::size_t read = 0;
  Merged merged;
  if (mint < aggregates_before_) {
    const TimestampMs agg_end = std::min(history_end, aggregates_before_ - 1);
    const std::int64_t width = bounds_.aggregate_interval_ms;
    const auto aggregated = history_.select_aggregated(matchers, mint, agg_end, width, limit);
    for (const auto& series : aggregated) read += series.buckets.size();
    for (auto& series : aggregated) {
      const bool counter = counter_by_name(label_value(series.labels, "__name__"));
      std::vector<storage::Sample> samples;
      for (const Aggregate& a : series.buckets) {
        const TimestampMs t = a.start + width - 1;
        if (t < mint || t > agg_end || a.count <= 0) continue;
        samples.push_back({t, counter ? a.last : a.sum / a.count});
        if (t >= bounds_.raw_start) used_step_aggregates_ = true;
      }
      if (samples.empty()) continue;
      used_aggregates_ = true;
      append_after(merged[series.labels], samples);
    }
  }
  if (history_end >= std::max(mint, aggregates_before_)) {
    if (limit != 0 && read >= limit) throw HistoryLimitError("over the limit");
    const std::size_t budget = limit == 0 ? 0 : limit - read;
    for (auto& series : history_.select(matchers, std::max(mint, aggregates_before_), history_end, budget)) {
      auto& into = merged[series.labels];
      if (into.empty()) {
        into = std::move(series.samples);  // no aggregates before: the raw samples as they are
      } else {
        append_after(into, series.samples);
      }
    }
  }
  return merged;
}

std::vector<std::string> FanoutQueryable::warnings() const {
  if (!used_aggregates_) return {};
  const std::string how = " aggregates (one sample per bucket at its end: the average for gauges, the last value for counters)";
  if (used_step_aggregates_) {
    return {"data before " + format_rfc3339(aggregates_before_) + " answered from " +
            duration_text(bounds_.aggregate_interval_ms) + how + ", as the step is at least " +
            duration_text(kDownsampleStepFactor * bounds_.aggregate_interval_ms)};
  }
  return {"data before " + format_rfc3339(bounds_.raw_start) + " is older than the raw retention: answered from " +
          duration_text(bounds_.aggregate_interval_ms) + how};
}

std::string with_warnings(std::string json, const std::vector<std::string>& warnings) {
  if (warnings.empty()) return json;
  const auto close = json.find_last_of('}');
  if (close == std::string::npos) return json;
  json.insert(close, ",\"warnings\":" + safe_dump(nlohmann::json(warnings)));
  return json;
}

}  // namespace twikit::history
