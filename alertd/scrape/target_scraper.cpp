#include "alertd/scrape/target_scraper.h"

#include <utility>

#include "alertd/scrape/series_labels.h"
#include "common/exposition.h"
#include "common/logging.h"

namespace twikit::scrape {
namespace {

/// What Prometheus 2.x sends: OpenMetrics first, the text format as fallback.
constexpr const char* kAcceptHeader =
    "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
    "text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

constexpr const char* kReportNames[] = {"up", "scrape_duration_seconds", "scrape_samples_scraped",
                                        "scrape_samples_post_metric_relabeling", "scrape_series_added"};

Labels report_labels(const Labels& target_labels, const char* name) {
  Labels labels = target_labels;
  set_label(labels, "__name__", name);
  return labels;
}

}  // namespace

/// Collects the parsed samples of one scrape into TargetScraper::pending_, resolving series labels
/// through the cache so that a steady-state scrape builds no label sets.
class TargetScraper::Collector final : public ExpositionHandler {
 public:
  Collector(TargetScraper& owner, TimestampMs now_ms) : owner_(owner), now_ms_(now_ms) {}

  void on_sample(const SampleView& sample) override {
    if (!error.empty()) return;
    ++scraped;
    auto it = owner_.cache_.find(sample.series);
    if (it == owner_.cache_.end()) {
      Series series;
      Labels labels;
      if (auto err = build_series_labels(sample, owner_.target_.labels, labels)) {
        error = "invalid sample " + std::string(sample.series) + ": " + *err;
        return;
      }
      series.labels = std::make_shared<const Labels>(std::move(labels));
      it = owner_.cache_.emplace(std::string(sample.series), std::move(series)).first;
      ++added;  // the cache holds exactly the previous scrape's series
    }
    Series& series = it->second;
    if (series.marked == owner_.iteration_) return;  // a duplicate line: the first one wins
    series.marked = owner_.iteration_;
    series.explicit_timestamp = sample.has_timestamp;
    owner_.pending_.push_back({&series, sample.value, sample.has_timestamp ? sample.timestamp_ms : now_ms_});
  }

  std::string error;
  std::size_t scraped = 0;
  std::size_t added = 0;

 private:
  TargetScraper& owner_;
  TimestampMs now_ms_;
};

TargetScraper::TargetScraper(ScrapeTarget target, HttpClient& client, storage::SeriesStore& store,
                             const Clock& clock, SampleSink* sink)
    : target_(std::move(target)), client_(client), store_(store), clock_(clock), sink_(sink) {
  for (const char* name : kReportNames) report_labels_.push_back(report_labels(target_.labels, name));
}

void TargetScraper::commit(const Labels& labels, TimestampMs t, double v) {
  store_.append(labels, t, v);
  if (sink_) sink_batch_.push_back({&labels, {t, v}});
}

void TargetScraper::append_pending() {
  // A handle is resolved when its series is new or a retention pass removed series since it was; a pass
  // between resolving and appending makes the batch fail, and it is resolved again (at most three times,
  // then sample by sample through the labels).
  for (int attempt = 0; attempt < 3; ++attempt) {
    const std::uint64_t generation = store_.generation();
    batch_.clear();
    for (const auto& p : pending_) {
      Series& s = *p.series;
      if (s.ref_generation != generation) {
        s.ref = store_.get_or_create(*s.labels);
        s.ref_generation = generation;
        // Share the store's label set rather than keep a second copy per series.
        if (auto shared = store_.labels(s.ref); shared != nullptr && *shared == *s.labels) s.labels = std::move(shared);
      }
      batch_.push_back({s.ref, p.t, p.value});
    }
    if (store_.append_batch(batch_, generation)) return;
  }
  for (const auto& p : pending_) store_.append(*p.series->labels, p.t, p.value);
}

void TargetScraper::commit_stale(const Labels& labels, TimestampMs t) {
  store_.mark_stale(labels, t);
  if (sink_) sink_batch_.push_back({&labels, {t, storage::stale_marker()}});
}

void TargetScraper::flush_sink() {
  if (sink_ && !sink_batch_.empty()) sink_->consume(sink_batch_);
  sink_batch_.clear();
}

TargetHealth TargetScraper::health() const {
  std::lock_guard lock(health_mu_);
  return health_;
}

bool TargetScraper::scrape_once(TimestampMs now_ms) {
  ++iteration_;
  const std::int64_t start_ns = clock_.monotonic_ns();
  pending_.clear();
  std::size_t scraped = 0;
  std::size_t added = 0;
  std::string error;
  try {
    error = fetch_and_parse(now_ms, scraped, added);
  } catch (const std::exception& e) {
    error = std::string("scrape error: ") + e.what();  // a failed scrape (up=0), never a dead loop
  }
  const double duration = static_cast<double>(clock_.monotonic_ns() - start_ns) / 1e9;
  if (error.empty()) {
    append_pending();
    for (const auto& p : pending_) {
      if (sink_) sink_batch_.push_back({p.series->labels.get(), {p.t, p.value}});
      p.series->last_seen = iteration_;
    }
    for (auto it = cache_.begin(); it != cache_.end();) {
      Series& s = it->second;
      if (s.last_seen == iteration_) {
        ++it;
        continue;
      }
      // Gone since the previous scrape: end it now rather than letting it linger for 5 minutes.
      if (s.last_seen + 1 == iteration_ && !s.explicit_timestamp) {
        stale_labels_.push_back(std::move(s.labels));  // kept until flush_sink(): the sink points at them
        commit_stale(*stale_labels_.back(), now_ms);
      }
      it = cache_.erase(it);
    }
  } else {
    logger("scrape")->warn("scrape failed job={} instance={} url={} err={}", logfmt_value(target_.job),
                           logfmt_value(label_value(target_.labels, "instance")), logfmt_value(target_.url),
                           logfmt_value(error));
    for (auto& [key, s] : cache_) {
      if (s.last_seen != 0 && s.last_seen + 1 == iteration_ && !s.explicit_timestamp) {
        commit_stale(*s.labels, now_ms);
      }
    }
    scraped = 0;
    added = 0;
  }
  pending_.clear();
  const bool up = error.empty();
  write_report(now_ms, up, duration, scraped, added);
  flush_sink();
  stale_labels_.clear();
  if (!up) cache_.clear();  // after the sink has seen the markers, which point into it
  std::lock_guard lock(health_mu_);
  health_.health = up ? "up" : "down";
  health_.last_error = std::move(error);
  health_.last_scrape_ms = now_ms;
  health_.last_duration_seconds = duration;
  health_.last_samples = scraped;
  ++health_.scrapes_total;
  if (!up) ++health_.failures_total;
  return up;
}

std::string TargetScraper::fetch_and_parse(TimestampMs now_ms, std::size_t& samples_scraped,
                                           std::size_t& series_added) {
  HttpRequest request;
  request.url = target_.url;
  request.timeout = std::chrono::milliseconds(target_.timeout_ms);
  request.max_body_bytes = target_.body_size_limit;
  request.headers = {{"Accept", kAcceptHeader},
                     {"User-Agent", std::string("alertd/") + TWIKIT_VERSION},
                     {"X-Prometheus-Scrape-Timeout-Seconds",
                      format_double(static_cast<double>(target_.timeout_ms) / 1000.0)}};
  const HttpResponse response = client_.send(request);
  if (!response.transport_ok()) {
    return std::string(http_error_name(response.error)) + ": " + response.error_message;
  }
  if (response.status != 200) return "server returned HTTP status " + std::to_string(response.status);
  const std::string* content_type = response.header("content-type");
  const ExpositionFormat format = exposition_format_from_content_type(content_type ? *content_type : "");
  Collector collector(*this, now_ms);
  if (auto err = parser_.parse(response.body, format, collector)) {
    return "malformed exposition: " + err->to_string();
  }
  if (!collector.error.empty()) return collector.error;
  samples_scraped = collector.scraped;
  series_added = collector.added;
  return {};
}

void TargetScraper::write_report(TimestampMs t, bool up, double duration_seconds, std::size_t scraped,
                                 std::size_t added) {
  const double values[] = {up ? 1.0 : 0.0, duration_seconds, static_cast<double>(scraped),
                           static_cast<double>(scraped), static_cast<double>(added)};
  for (std::size_t i = 0; i < std::size(kReportNames); ++i) commit(report_labels_[i], t, values[i]);
}

void TargetScraper::stale_all(TimestampMs now_ms) {
  for (auto& [key, s] : cache_) {
    if (s.last_seen != 0 && s.last_seen == iteration_ && !s.explicit_timestamp) commit_stale(*s.labels, now_ms);
  }
  if (iteration_ > 0) {
    for (const Labels& labels : report_labels_) commit_stale(labels, now_ms);
  }
  flush_sink();
  cache_.clear();
}

}  // namespace twikit::scrape
