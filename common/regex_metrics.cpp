#include "common/regex_metrics.h"

namespace twikit {
namespace {

prometheus::MetricFamily one(std::string name, std::string help, prometheus::MetricType type, double value) {
  return single_value(std::move(name), std::move(help), type, value);
}

}  // namespace

std::vector<prometheus::MetricFamily> regex_cache_families(const RegexCacheStats& stats, const std::string& prefix) {
  const std::string p = prefix + "_regex_cache_";
  std::vector<prometheus::MetricFamily> out;
  out.push_back(one(p + "entries", "Compiled regexes held in the cache.", prometheus::MetricType::Gauge,
                    static_cast<double>(stats.entries)));
  out.push_back(one(p + "bytes", "Estimated bytes held by the cached regexes.", prometheus::MetricType::Gauge,
                    static_cast<double>(stats.bytes)));
  out.push_back(one(p + "capacity_bytes", "The cache's bound on the estimated bytes it holds.", prometheus::MetricType::Gauge,
                    static_cast<double>(stats.capacity_bytes)));
  out.push_back(one(p + "hits_total", "Regex compilations answered from the cache.", prometheus::MetricType::Counter,
                    static_cast<double>(stats.hits)));
  out.push_back(one(p + "misses_total", "Regex compilations that compiled.", prometheus::MetricType::Counter,
                    static_cast<double>(stats.misses)));
  out.push_back(one(p + "evictions_total", "Cached regexes dropped, least recently used first, to stay under the bound.",
                    prometheus::MetricType::Counter, static_cast<double>(stats.evictions)));
  return out;
}

}  // namespace twikit
