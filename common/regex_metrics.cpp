#include "common/regex_metrics.h"

namespace twikit {
namespace {

MetricFamily one(std::string name, std::string help, MetricType type, double value) {
  return MetricFamily{std::move(name), std::move(help), type, {MetricSample{{}, value, {}, {}}}};
}

}  // namespace

std::vector<MetricFamily> regex_cache_families(const RegexCacheStats& stats, const std::string& prefix) {
  const std::string p = prefix + "_regex_cache_";
  std::vector<MetricFamily> out;
  out.push_back(one(p + "entries", "Compiled regexes held in the cache.", MetricType::gauge,
                    static_cast<double>(stats.entries)));
  out.push_back(one(p + "bytes", "Estimated bytes held by the cached regexes.", MetricType::gauge,
                    static_cast<double>(stats.bytes)));
  out.push_back(one(p + "capacity_bytes", "The cache's bound on the estimated bytes it holds.", MetricType::gauge,
                    static_cast<double>(stats.capacity_bytes)));
  out.push_back(one(p + "hits_total", "Regex compilations answered from the cache.", MetricType::counter,
                    static_cast<double>(stats.hits)));
  out.push_back(one(p + "misses_total", "Regex compilations that compiled.", MetricType::counter,
                    static_cast<double>(stats.misses)));
  out.push_back(one(p + "evictions_total", "Cached regexes dropped, least recently used first, to stay under the bound.",
                    MetricType::counter, static_cast<double>(stats.evictions)));
  return out;
}

}  // namespace twikit
