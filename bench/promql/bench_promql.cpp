// Benchmark: 1,000 alerting-rule-like expressions over 10,000 series holding 1 h of 15 s samples.
// Prints the store's memory footprint (VmRSS) and the time per evaluation cycle.
//
// Usage: bench_promql [cycles]
//        bench_promql --emit DIR   writes DIR/data.om (the same series, ending now) and DIR/rules.yml for
//                                  the Prometheus comparison in run.sh, then exits.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <ctime>
#include <vector>

#include "alertd/promql/engine.h"
#include "alertd/promql/parser.h"
#include "alertd/storage/series_store.h"

using namespace twikit;

namespace {

long vm_rss_kb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  }
  return -1;
}

constexpr int kServices = 10;
constexpr int kInstances = 20;
constexpr int kMetrics = 50;  // 10 x 20 x 50 = 10,000 series
constexpr int kSamples = 240;  // 1 h at 15 s
constexpr TimestampMs kStep = 15000;

std::string metric_name(int m) {
  static const char* const named[] = {"twikit_up", "twikit_requests_total", "twikit_errors_total",
                                      "twikit_response_time_seconds", "twikit_connection_pool_utilization_ratio"};
  if (m < 5) return named[m];
  return "twikit_gauge_" + std::to_string(m);
}

bool is_counter(int m) { return m == 1 || m == 2 || (m >= 5 && m % 3 == 0); }

std::vector<std::string> make_rules() {
  std::vector<std::string> rules;
  for (int i = 0; rules.size() < 1000; ++i) {
    const std::string svc = "service=\"svc" + std::to_string(i % kServices) + "\"";
    const std::string gauge = "twikit_gauge_" + std::to_string(5 + (i % 45));
    switch (i % 10) {
      case 0: rules.push_back("twikit_up{" + svc + "} == 0"); break;
      case 1:
        rules.push_back("rate(twikit_errors_total{" + svc + "}[5m]) / rate(twikit_requests_total{" + svc +
                        "}[5m]) > 0.05");
        break;
      case 2: rules.push_back("avg by (service) (twikit_response_time_seconds{" + svc + "}) > 0.5"); break;
      case 3:
        rules.push_back("sum by (service) (rate(twikit_errors_total{" + svc + "}[5m])) / sum by (service) (rate(twikit_requests_total{" +
                        svc + "}[5m])) > 0.01");
        break;
      case 4: rules.push_back("max_over_time(" + gauge + "{" + svc + "}[10m]) > 90"); break;
      case 5: rules.push_back("absent(twikit_up{" + svc + ", instance=\"i" + std::to_string(i % kInstances) + "\"})"); break;
      case 6: rules.push_back("twikit_connection_pool_utilization_ratio{" + svc + "} > 0.9 and on(service, instance) twikit_up{" + svc + "} == 1"); break;
      case 7: rules.push_back("predict_linear(" + gauge + "{" + svc + "}[30m], 3600) < 0"); break;
      case 8: rules.push_back("increase(twikit_errors_total{" + svc + "}[15m]) > 100"); break;
      case 9: rules.push_back("count by (service) (twikit_up{" + svc + "} == 0) / count by (service) (twikit_up{" + svc + "}) > 0.5"); break;
    }
  }
  return rules;
}

double sample_value(int m, int k, std::uint64_t& rng) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  const double noise = static_cast<double>(rng % 1000) / 10.0;
  return m == 0 ? (rng % 50 == 0 ? 0 : 1) : is_counter(m) ? k * 10.0 + noise : noise;
}

// Writes the data set as OpenMetrics (one family at a time, as promtool's backfill requires) and the rules
// as one Prometheus rule group.
int emit(const std::string& dir) {
  const auto now_s = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch()).count();
  const long long start_s = now_s - (kSamples - 1) * (kStep / 1000);
  std::FILE* f = std::fopen((dir + "/data.om").c_str(), "w");
  if (f == nullptr) return 1;
  std::uint64_t rng = 88172645463325252ULL;
  for (int m = 0; m < kMetrics; ++m) {
    std::fprintf(f, "# TYPE %s %s\n", metric_name(m).c_str(), "gauge");
    for (int s = 0; s < kServices; ++s) {
      for (int i = 0; i < kInstances; ++i) {
        for (int k = 0; k < kSamples; ++k) {
          std::fprintf(f, "%s{instance=\"i%d\",job=\"twikit\",service=\"svc%d\"} %.1f %lld\n", metric_name(m).c_str(),
                       i, s, sample_value(m, k, rng), start_s + k * (kStep / 1000));
        }
      }
    }
  }
  std::fprintf(f, "# EOF\n");
  std::fclose(f);
  std::FILE* r = std::fopen((dir + "/rules.yml").c_str(), "w");
  if (r == nullptr) return 1;
  std::fprintf(r, "groups:\n  - name: bench\n    interval: 5s\n    rules:\n");
  int n = 0;
  for (const auto& rule : make_rules()) std::fprintf(r, "      - alert: rule_%d\n        expr: '%s'\n", n++, rule.c_str());
  std::fclose(r);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 2 && std::string(argv[1]) == "--emit") return emit(argv[2]);
  const int cycles = argc > 1 ? std::atoi(argv[1]) : 20;
  const long rss_start = vm_rss_kb();
  storage::SeriesStore store;
  {
    std::vector<storage::SeriesRef> refs;
    refs.reserve(kServices * kInstances * kMetrics);
    for (int s = 0; s < kServices; ++s) {
      for (int i = 0; i < kInstances; ++i) {
        for (int m = 0; m < kMetrics; ++m) {
          refs.push_back(store.get_or_create(make_labels({{"__name__", metric_name(m)},
                                                          {"service", "svc" + std::to_string(s)},
                                                          {"instance", "i" + std::to_string(i)},
                                                          {"job", "twikit"}})));
        }
      }
    }
    std::uint64_t rng = 88172645463325252ULL;
    for (int k = 0; k < kSamples; ++k) {
      for (std::size_t r = 0; r < refs.size(); ++r) {
        const int m = static_cast<int>(r % kMetrics);
        store.append(refs[r], k * kStep, sample_value(m, k, rng));
      }
    }
  }
  const long rss_filled = vm_rss_kb();
  std::printf("store: %zu series, %zu samples; VmRSS %.1f MB total (%.1f MB at start, +%.1f MB for the store)\n",
              store.num_series(), store.num_samples(), static_cast<double>(rss_filled) / 1024.0,
              static_cast<double>(rss_start) / 1024.0, static_cast<double>(rss_filled - rss_start) / 1024.0);

  std::vector<promql::ExprPtr> rules;
  for (const auto& r : make_rules()) rules.push_back(promql::parse(r));
  const promql::Engine engine;
  const TimestampMs now = (kSamples - 1) * kStep;
  std::vector<double> ms, cpu_ms;
  auto cpu_now = [] {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
  };
  std::size_t results = 0;
  for (int c = 0; c < cycles; ++c) {
    const auto t0 = std::chrono::steady_clock::now();
    const double c0 = cpu_now();
    results = 0;
    for (const auto& r : rules) results += engine.instant_query(*r, store, now - (c % 4) * kStep).vector.size();
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    cpu_ms.push_back(cpu_now() - c0);
  }
  std::sort(ms.begin(), ms.end());
  std::sort(cpu_ms.begin(), cpu_ms.end());
  std::printf("eval: %zu rules per cycle, %d cycles: median %.2f ms, min %.2f ms, max %.2f ms (%zu result samples)\n",
              rules.size(), cycles, ms[ms.size() / 2], ms.front(), ms.back(), results);
  std::printf("eval CPU time per cycle (less sensitive to other load than wall time): median %.2f ms, min %.2f ms\n",
              cpu_ms[cpu_ms.size() / 2], cpu_ms.front());
  std::printf("VmRSS after evaluation: %.1f MB\n", static_cast<double>(vm_rss_kb()) / 1024.0);
  return 0;
}
