// Query speed against Prometheus on the same data, both sides in one run: backfills the same samples into
// alertd's history file (HistoryStore, timestamps given, no scraping) and into Prometheus' TSDB (`promtool
// tsdb create-blocks-from openmetrics`), starts the real `alertd` and the real `prometheus` on them (loopback,
// free ports), checks that both answer each query the same (within float tolerance), then times the queries
// through both HTTP APIs (/api/v1/query_range), alternating, and prints median, p90 and the ratios, and both
// processes' RSS (after start, after the timed queries, after one range query over every long series).
//
// The data ends a minute before now (so both servers keep it under their real clocks) and is offset by 7 s
// from the 15 s grid, so no sample falls on a bucket or window boundary: alertd's answer from 5-minute
// aggregates (a step of 25 minutes or more) then equals Prometheus' from raw samples for avg_over_time.
//
// --alertd-only skips Prometheus (no promtool, no comparison): for alertd's RSS over larger backfills.
//
//   bench_history_query [--long-series 1] [--long-days 30] [--day-series 100] [--reps 20] [--dir DIR]
//                       [--alertd build/alertd/alertd] [--alertd-only]
#include <algorithm>
#include <chrono>
#include <csignal>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "alertd/history/history_store.h"
#include "bench/history/bench_data.h"
#include "common/http_client.h"
#include "common/query_escape.h"
#include "support/process.h"

using namespace twikit;
using Steady = std::chrono::steady_clock;
using json = nlohmann::json;

namespace {

constexpr std::int64_t kHourMs = 3'600'000;
constexpr std::int64_t kDayMs = 24 * kHourMs;

double ms_since(Steady::time_point start) { return std::chrono::duration<double, std::milli>(Steady::now() - start).count(); }

long rss_kb(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  }
  return 0;
}

Labels with_job(Labels labels, const std::string& job) {
  for (auto& [name, value] : labels) {
    if (name == "job") value = job;
  }
  return labels;
}

/// One range query as both servers get it.
struct RangeQuery {
  std::string name;
  std::string promql;
  TimestampMs start;
  TimestampMs end;
  std::int64_t step_ms;

  std::string path() const {
    char params[120];
    std::snprintf(params, sizeof params, "&start=%.3f&end=%.3f&step=%lld", static_cast<double>(start) / 1000,
                  static_cast<double>(end) / 1000, static_cast<long long>(step_ms / 1000));
    return "/api/v1/query_range?query=" + query_escape(promql) + params;
  }
};

HttpResponse get(HttpClient& client, const std::string& url) {
  HttpRequest req;
  req.url = url;
  req.timeout = std::chrono::minutes(5);
  req.max_body_bytes = 1U << 30;
  return client.send(req);
}

// The answer's series as label set → points; empty with a message in `error` when it is not a success.
std::map<std::string, std::vector<std::pair<double, double>>> series_of(const HttpResponse& res, std::string& error) {
  std::map<std::string, std::vector<std::pair<double, double>>> out;
  const json body = json::parse(res.body, nullptr, false);
  if (body.is_discarded() || body.value("status", "") != "success") {
    error = "HTTP " + std::to_string(res.status) + ": " + res.body.substr(0, 300);
    return out;
  }
  for (const auto& s : body["data"]["result"]) {
    auto& points = out[s["metric"].dump()];
    for (const auto& v : s["values"]) points.emplace_back(v[0].get<double>(), std::stod(v[1].get<std::string>()));
  }
  return out;
}

// Whether both answers hold the same series, timestamps and values (relative 1e-9); prints the first difference.
bool same_answers(const HttpResponse& a, const HttpResponse& b, std::size_t& points) {
  std::string error;
  const auto x = series_of(a, error);
  if (!error.empty()) return std::printf("  alertd failed: %s\n", error.c_str()), false;
  const auto y = series_of(b, error);
  if (!error.empty()) return std::printf("  prometheus failed: %s\n", error.c_str()), false;
  if (x.size() != y.size()) return std::printf("  %zu series vs %zu\n", x.size(), y.size()), false;
  points = 0;
  for (const auto& [labels, px] : x) {
    const auto it = y.find(labels);
    if (it == y.end()) return std::printf("  series %s only in alertd's answer\n", labels.c_str()), false;
    const auto& py = it->second;
    if (px.size() != py.size()) {
      return std::printf("  %s: %zu points vs %zu\n", labels.c_str(), px.size(), py.size()), false;
    }
    for (std::size_t i = 0; i < px.size(); ++i) {
      const double tolerance = 1e-9 * std::max(1.0, std::abs(py[i].second));
      if (px[i].first != py[i].first || std::abs(px[i].second - py[i].second) > tolerance) {
        return std::printf("  %s at %.3f: %.17g vs %.17g (t %.3f)\n", labels.c_str(), px[i].first, px[i].second,
                           py[i].second, py[i].first),
               false;
      }
    }
    points += px.size();
  }
  return true;
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  const auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(v.size())));
  return v[std::min(v.size() - 1, rank == 0 ? 0 : rank - 1)];
}

// The value of an unlabelled metric in a /metrics body (-1 when absent).
double metric_value(const std::string& body, const std::string& name) {
  std::size_t pos = 0;
  while ((pos = body.find(name + " ", pos)) != std::string::npos) {
    if (pos == 0 || body[pos - 1] == '\n') return std::atof(body.c_str() + pos + name.size() + 1);
    pos += name.size();
  }
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // progress visible when written to a file
  int long_series = 1;
  double long_days = 30;
  int day_series = 100;
  int reps = 20;
  std::string dir = "/tmp/bench-history-query";
  std::string alertd = std::string(TWIKIT_BINARY_DIR) + "/alertd/alertd";
  bool with_prometheus = true;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--long-series" && i + 1 < argc) long_series = std::atoi(argv[++i]);
    else if (a == "--long-days" && i + 1 < argc) long_days = std::atof(argv[++i]);
    else if (a == "--day-series" && i + 1 < argc) day_series = std::atoi(argv[++i]);
    else if (a == "--reps" && i + 1 < argc) reps = std::atoi(argv[++i]);
    else if (a == "--dir" && i + 1 < argc) dir = argv[++i];
    else if (a == "--alertd" && i + 1 < argc) alertd = argv[++i];
    else if (a == "--alertd-only") with_prometheus = false;
    else {
      std::fprintf(stderr, "usage: bench_history_query [--long-series N] [--long-days D] [--day-series N] [--reps N] "
                           "[--dir DIR] [--alertd PATH] [--alertd-only]\n");
      return 2;
    }
  }
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir + "/alertd");

  // The data: `long_series` series over `long_days` days and `day_series` over the last day, at 15 s.
  const TimestampMs now = std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::system_clock::now().time_since_epoch()).count();
  const TimestampMs last = now / bench::kStepMs * bench::kStepMs - 60'000 + 7'000;
  const auto long_samples = static_cast<std::int64_t>(long_days * kDayMs / bench::kStepMs);
  const std::int64_t day_samples = kDayMs / bench::kStepMs;
  std::vector<bench::BenchSeries> specs;
  // Long series take the models of index 2, 7, 12, … (two-decimal gauges) so that one of them is the
  // twikit_response_time_seconds series the first query reads; more are all kinds.
  for (int i = 0; i < long_series; ++i) {
    const int model = long_series == 1 ? 2 : i;
    specs.push_back({with_job(bench::labels_of(model), "long"), model, last - (long_samples - 1) * bench::kStepMs, long_samples});
  }
  for (int i = 0; i < day_series; ++i) {
    specs.push_back({with_job(bench::labels_of(i), "day"), 100'000 + i, last - (day_samples - 1) * bench::kStepMs, day_samples});
  }
  std::uint64_t total = 0;
  for (const auto& s : specs) total += static_cast<std::uint64_t>(s.samples);
  std::printf("query bench: %d series x %.1f days + %d series x 1 day at 15 s = %llu samples, ending %s\n", long_series,
              long_days, day_series, static_cast<unsigned long long>(total), std::to_string(last / 1000).c_str());

  // alertd's side: the history file alertd will open, filled in time order as scrapes would.
  {
    const auto start = Steady::now();
    history::HistoryOptions options;
    options.path = dir + "/alertd/history.db";
    history::HistoryStore store(options);
    std::vector<bench::SeriesModel> models;
    for (const auto& s : specs) models.emplace_back(s.model);
    const TimestampMs first = std::min_element(specs.begin(), specs.end(), [](const auto& a, const auto& b) {
                                return a.first < b.first;
                              })->first;
    std::int64_t step = 0;
    for (TimestampMs t = first; t <= last; t += bench::kStepMs, ++step) {
      for (std::size_t i = 0; i < specs.size(); ++i) {
        if (t >= specs[i].first) store.append(specs[i].labels, storage::Sample{t, models[i].next()});
      }
      if (step % 120 == 119) store.flush();  // every 30 simulated minutes: the chunks come out the same
    }
    store.flush();
    store.checkpoint();
    std::printf("alertd history: backfilled in %.1f s, %.1f MB on disk\n", ms_since(start) / 1000,
                static_cast<double>(store.disk_bytes()) / 1e6);
  }
  // Prometheus' side: the same samples as OpenMetrics, then blocks.
  if (with_prometheus) {
    const auto start = Steady::now();
    const std::string om = dir + "/samples.om";
    bench::write_openmetrics(om, specs);
    // Blocks of up to 31 days (the largest Prometheus compacts to): promtool reads the whole input once per
    // block, and Prometheus then has nothing left to compact while it is timed.
    const std::string cmd =
        "promtool tsdb create-blocks-from openmetrics -q --max-block-duration=744h " + om + " " + dir + "/tsdb >/dev/null";
    if (std::system(cmd.c_str()) != 0) {
      std::fprintf(stderr, "promtool failed: %s\n", cmd.c_str());
      return 1;
    }
    std::filesystem::remove(om);
    std::printf("prometheus blocks: written in %.1f s\n", ms_since(start) / 1000);
  }

  // Both servers, on loopback.
  const int prom_port = testing::free_port();
  testing::write_file(dir + "/prometheus.yml", "global: {}\n");
  std::unique_ptr<testing::ChildProcess> prometheus;
  if (with_prometheus) {
    prometheus = std::make_unique<testing::ChildProcess>(
        std::vector<std::string>{"prometheus", "--config.file=" + dir + "/prometheus.yml",
                                 "--storage.tsdb.path=" + dir + "/tsdb", "--storage.tsdb.retention.time=3650d",
                                 "--web.listen-address=127.0.0.1:" + std::to_string(prom_port)},
        std::vector<std::string>{}, dir + "/prometheus.log");
  }
  const int alertd_port = testing::free_port();
  testing::write_file(dir + "/alertd/alertd.yaml", "storage:\n  path: " + dir + "/alertd/alertd.db\n  history:\n"
                                                   "    raw_retention: 3650d\n    aggregate_retention: 3650d\n");
  testing::ChildProcess alertd_process({alertd, "--config.file=" + dir + "/alertd/alertd.yaml", "--config.allow-empty",
                                        "--web.listen-address=127.0.0.1:" + std::to_string(alertd_port)},
                                       {}, dir + "/alertd.log");
  const std::string prom_url = "http://127.0.0.1:" + std::to_string(prom_port);
  const std::string alertd_url = "http://127.0.0.1:" + std::to_string(alertd_port);
  CurlHttpClient client;
  const auto ready = [&](const std::string& url) {
    return testing::eventually([&] { return get(client, url + "/-/ready").status == 200; }, std::chrono::seconds(120));
  };
  if ((with_prometheus && !ready(prom_url)) || !ready(alertd_url)) {
    std::fprintf(stderr, "a server did not become ready; see %s/prometheus.log and %s/alertd.log\n", dir.c_str(), dir.c_str());
    return 1;
  }
  // Prometheus compacts the 2 h blocks promtool wrote into larger ones after it starts: wait until that
  // is over (the block count unchanged for 10 s), so that neither side is timed against its compactions.
  if (with_prometheus) {
    const auto start = Steady::now();
    double blocks = -1;
    int stable = 0;
    while (stable < 5 && ms_since(start) < 600'000) {
      std::this_thread::sleep_for(std::chrono::seconds(2));
      const double now_blocks = metric_value(get(client, prom_url + "/metrics").body, "prometheus_tsdb_blocks_loaded");
      stable = now_blocks == blocks ? stable + 1 : 0;
      blocks = now_blocks;
    }
    std::printf("prometheus: %.0f blocks after its compactions (%.0f s)\n", blocks, ms_since(start) / 1000);
  }
  const auto prom_rss = [&] { return prometheus ? rss_kb(prometheus->pid()) : 0L; };
  std::printf("RSS after start: alertd %ld kB, prometheus %ld kB\n", rss_kb(alertd_process.pid()), prom_rss());

  const TimestampMs long_first = last - (long_samples - 1) * bench::kStepMs;
  const std::vector<RangeQuery> queries = {
      {"one series over " + std::to_string(static_cast<int>(long_days)) + " days at a 1 h step",
       "avg_over_time(twikit_response_time_seconds{job=\"long\",service=\"svc-0\",instance=\"host-0:9877\"}[1h])",
       (long_first / kHourMs + 1) * kHourMs + kHourMs, last / kHourMs * kHourMs, kHourMs},
      {std::to_string(day_series) + " series over the last 24 h at a 5 m step", "{job=\"day\"}",
       (last - kDayMs) / 300'000 * 300'000 + 300'000, last / 300'000 * 300'000, 300'000},
  };
  bool all_same = true;
  for (const RangeQuery& q : with_prometheus ? queries : std::vector<RangeQuery>{}) {
    const std::string path = q.path();
    std::size_t points = 0;
    const bool same = same_answers(get(client, alertd_url + path), get(client, prom_url + path), points);
    std::printf("%s: %s  [%s]\n", q.name.c_str(), same ? "same answers" : "ANSWERS DIFFER", q.promql.c_str());
    if (!same) {
      all_same = false;
      continue;
    }
    for (int w = 0; w < 3; ++w) {  // warm both (page cache, statement caches)
      get(client, alertd_url + path);
      get(client, prom_url + path);
    }
    std::vector<double> ours;
    std::vector<double> theirs;
    for (int r = 0; r < reps; ++r) {
      auto start = Steady::now();
      get(client, alertd_url + path);
      ours.push_back(ms_since(start));
      start = Steady::now();
      get(client, prom_url + path);
      theirs.push_back(ms_since(start));
    }
    const double m1 = percentile(ours, 0.5);
    const double m2 = percentile(theirs, 0.5);
    const double p1 = percentile(ours, 0.9);
    const double p2 = percentile(theirs, 0.9);
    std::printf("  %zu points, %d reps: alertd median %.2f ms p90 %.2f ms | prometheus median %.2f ms p90 %.2f ms | "
                "ratio alertd/prometheus median %.2f p90 %.2f\n",
                points, reps, m1, p1, m2, p2, m1 / m2, p1 / p2);
  }
  std::printf("RSS after the timed queries: alertd %ld kB, prometheus %ld kB\n", rss_kb(alertd_process.pid()),
              prom_rss());

  // One range query over every long series and all their days (1 h step: alertd reads aggregates).
  {
    RangeQuery all{"all long series", "{job=\"long\"}", (long_first / kHourMs + 1) * kHourMs,
                   last / kHourMs * kHourMs, kHourMs};
    auto start = Steady::now();
    const HttpResponse ours = get(client, alertd_url + all.path());
    const double t1 = ms_since(start);
    start = Steady::now();
    const HttpResponse theirs = with_prometheus ? get(client, prom_url + all.path()) : HttpResponse{};
    const double t2 = ms_since(start);
    // Not compared: at a 1 h step alertd answers from 5-minute aggregates (averages), Prometheus from raw samples.
    std::string error;
    std::size_t series = series_of(ours, error).size();
    std::printf("range query over all %d long series x %.1f days (%s, step 1h): alertd %.0f ms (%zu series, %zu bytes), "
                "prometheus %.0f ms (%zu bytes)\n",
                long_series, long_days, all.promql.c_str(), t1, series, ours.body.size(), t2, theirs.body.size());
    std::printf("RSS after it: alertd %ld kB, prometheus %ld kB\n", rss_kb(alertd_process.pid()), prom_rss());
  }
  alertd_process.signal(SIGTERM);
  alertd_process.wait(std::chrono::seconds(30));
  if (prometheus) {
    prometheus->signal(SIGTERM);
    prometheus->wait(std::chrono::seconds(30));
  }
  return all_same ? 0 : 1;
}
