#pragma once
// One scrape target as the scraper sees it: where to fetch, how often, and the labels it stamps on series.

#include <string>

#include "common/clock.h"
#include "common/labels.h"

namespace twikit::scrape {

/// A resolved scrape target (one entry of a static_configs `targets` list).
struct ScrapeTarget {
  /// The job_name of the scrape config it came from.
  std::string job;
  /// The full URL fetched: scheme://host:port/metrics_path.
  std::string url;
  /// Labels added to every scraped series: at least `job` and `instance` (host:port), plus the
  /// static_configs `labels`; sorted by name.
  Labels labels;
  /// Milliseconds between scrapes.
  std::int64_t interval_ms = 60'000;
  /// Milliseconds a scrape may take before it counts as failed (never more than the interval).
  std::int64_t timeout_ms = 10'000;
  /// Bodies larger than this fail the scrape; 0 = no limit.
  std::size_t body_size_limit = 0;

  /// Identity across reloads: a target with the same key keeps its scrape state (series, staleness).
  std::string key() const { return job + "|" + url + "|" + labels_to_string(labels); }
};

}  // namespace twikit::scrape
