// Backfills N series × D days at 15 s into a HistoryStore with a fake clock and prints bytes per sample,
// ingest cost per batch, flush cost and query times; with --promtool, writes the same samples as
// OpenMetrics, builds Prometheus TSDB blocks with `promtool tsdb create-blocks-from openmetrics` and
// prints Prometheus' bytes per sample beside ours.
//
//   bench_history [--series 10000] [--days 3] [--dir /tmp/bench-history] [--chunk-samples N] [--promtool]
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <sqlite3.h>

#include "alertd/history/chunk.h"
#include "alertd/history/history_store.h"
#include "bench/history/bench_data.h"

using namespace twikit;
using namespace twikit::history;
using twikit::bench::labels_of;
using twikit::bench::SeriesModel;
using Steady = std::chrono::steady_clock;

namespace {

constexpr TimestampMs kT0 = 1'700'000'100'000;
constexpr std::int64_t kStep = twikit::bench::kStepMs;

double ms_since(Steady::time_point start) {
  return std::chrono::duration<double, std::milli>(Steady::now() - start).count();
}

std::uint64_t du_bytes(const std::filesystem::path& dir, const std::string& only = "") {
  std::uint64_t total = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    if (!only.empty() && e.path().string().find(only) == std::string::npos) continue;
    total += e.file_size();
  }
  return total;
}

template <typename F>
double median_ms(int runs, F&& f) {
  std::vector<double> times;
  for (int i = 0; i < runs; ++i) {
    const auto start = Steady::now();
    f();
    times.push_back(ms_since(start));
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

// The encoded bytes of the chunks in `tables` (the rest of the file is SQLite's pages, rows and index).
std::uint64_t blob_bytes(const std::string& path, std::initializer_list<const char*> tables) {
  sqlite3* db = nullptr;
  std::uint64_t total = 0;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    for (const char* table : tables) {
      sqlite3_stmt* stmt = nullptr;
      const std::string sql = std::string("SELECT total(length(data)) FROM ") + table;
      if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW) {
        total += static_cast<std::uint64_t>(sqlite3_column_double(stmt, 0));
      }
      sqlite3_finalize(stmt);
    }
  }
  sqlite3_close(db);
  return total;
}

long rss_kb(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field, 0) == 0) return std::atol(line.c_str() + std::string(field).size());
  }
  return 0;
}

// The codec alone, per kind of value: 100 series of each kind over `steps` scrapes in chunks of chunk_samples.
void print_codec_by_kind(std::int64_t steps, std::size_t chunk_samples) {
  static const char* kKinds[] = {"counter (integer increments)", "integer gauge", "2-decimal gauge",
                                 "ratio (percent/100)", "0/1 flag"};
  for (int kind = 0; kind < 5; ++kind) {
    std::uint64_t bytes = 0;
    std::uint64_t samples = 0;
    for (int n = 0; n < 100; ++n) {
      SeriesModel model(kind + 5 * n);
      ChunkEncoder encoder(ChunkEncoding::raw);
      for (std::int64_t s = 0; s < steps; ++s) {
        if (encoder.count() == chunk_samples) {
          bytes += encoder.size_bytes();
          encoder = ChunkEncoder(ChunkEncoding::raw);
        }
        const double v = model.next();
        encoder.append(kT0 + s * kStep, std::span(&v, 1));
        ++samples;
      }
      bytes += encoder.size_bytes();
    }
    std::printf("codec: %-30s %.3f bytes/sample\n", kKinds[kind], static_cast<double>(bytes) / static_cast<double>(samples));
  }
}

}  // namespace

int main(int argc, char** argv) {
  int series = 10000;
  double days = 3;
  bool promtool = false;
  std::size_t chunk_samples = HistoryOptions{}.samples_per_chunk;
  std::string dir = "/tmp/bench-history";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--series" && i + 1 < argc) series = std::atoi(argv[++i]);
    else if (a == "--days" && i + 1 < argc) days = std::atof(argv[++i]);
    else if (a == "--dir" && i + 1 < argc) dir = argv[++i];
    else if (a == "--promtool") promtool = true;
    else if (a == "--chunk-samples" && i + 1 < argc) chunk_samples = static_cast<std::size_t>(std::atol(argv[++i]));
    else {
      std::fprintf(stderr, "usage: bench_history [--series N] [--days D] [--dir DIR] [--chunk-samples N] [--promtool]\n");
      return 2;
    }
  }
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const auto steps = static_cast<std::int64_t>(days * 86400 * 1000 / kStep);
  std::printf("history bench: %d series x %.2f days at 15 s = %lld samples, raw chunks of at most %zu samples\n",
              series, days, static_cast<long long>(steps) * series, chunk_samples);

  std::vector<Labels> labels;
  std::vector<SeriesModel> models;
  for (int i = 0; i < series; ++i) {
    labels.push_back(labels_of(i));
    models.emplace_back(i);
  }
  HistoryOptions options;
  options.path = dir + "/history.db";
  options.samples_per_chunk = chunk_samples;
  auto store = std::make_unique<HistoryStore>(options);
  FakeClock clock(kT0);

  // The first hour as in production: a flush every 60 s (4 scrapes). Then backfill with a flush every
  // 30 simulated minutes to keep the run short; chunks come out the same.
  double append_ms = 0;
  double flush_ms = 0;
  double max_batch_ms = 0;
  std::int64_t flushes_timed = 0;
  const auto ingest_start = Steady::now();
  double retention_ms = 0;
  for (std::int64_t s = 0; s < steps; ++s) {
    const TimestampMs t = clock.now_ms();
    const auto batch_start = Steady::now();
    for (int i = 0; i < series; ++i) store->append(labels[static_cast<std::size_t>(i)], storage::Sample{t, models[static_cast<std::size_t>(i)].next()});
    const double batch = ms_since(batch_start);
    append_ms += batch;
    max_batch_ms = std::max(max_batch_ms, batch);
    const bool first_hour = s < 240;
    if ((first_hour && s % 4 == 3) || (!first_hour && s % 120 == 119)) {
      const auto flush_start = Steady::now();
      store->flush();
      if (first_hour) {
        flush_ms += ms_since(flush_start);
        ++flushes_timed;
      }
    }
    if (s % 240 == 239) {  // retention every simulated hour, as a tick would
      const auto r = Steady::now();
      store->enforce_retention(t);
      retention_ms = std::max(retention_ms, ms_since(r));
    }
    clock.advance_ms(kStep);
  }
  store->flush();
  const double ingest_s = ms_since(ingest_start) / 1000;
  store->checkpoint();
  const std::uint64_t samples = static_cast<std::uint64_t>(steps) * static_cast<std::uint64_t>(series);
  const std::uint64_t bytes = store->disk_bytes();
  std::printf("ingest: %.1f s total; append of one %d-series batch: mean %.2f ms, max %.2f ms; "
              "flush of 4 batches (60 s of scrapes): mean %.1f ms; retention pass: max %.1f ms\n",
              ingest_s, series, append_ms / static_cast<double>(steps), max_batch_ms,
              flushes_timed ? flush_ms / static_cast<double>(flushes_timed) : 0.0, retention_ms);
  std::printf("disk: %llu bytes for %llu samples = %.3f bytes/sample (projected 30 days x %d series: %.0f MB)\n",
              static_cast<unsigned long long>(bytes), static_cast<unsigned long long>(samples),
              static_cast<double>(bytes) / static_cast<double>(samples), series,
              static_cast<double>(bytes) / days * 30 / 1e6);
  const auto per_sample = [samples](std::uint64_t b) { return static_cast<double>(b) / static_cast<double>(samples); };
  const std::uint64_t raw_blobs = blob_bytes(options.path, {"raw_chunks", "raw_head"});
  const std::uint64_t agg_blobs = blob_bytes(options.path, {"agg_chunks", "agg_head"});
  std::printf("disk by part: raw chunk bytes %.3f, aggregate chunk bytes %.3f, SQLite pages/rows/index %.3f bytes/sample\n",
              per_sample(raw_blobs), per_sample(agg_blobs), per_sample(bytes - raw_blobs - agg_blobs));
  print_codec_by_kind(steps, chunk_samples);
  std::printf("memory: VmRSS %ld kB, VmHWM %ld kB\n", rss_kb("VmRSS:"), rss_kb("VmHWM:"));

  // Queries on a freshly opened store (cold statement caches, warm page cache).
  store.reset();
  store = std::make_unique<HistoryStore>(options);
  const TimestampMs end = kT0 + steps * kStep;
  const std::vector<storage::LabelMatcher> one = {
      storage::LabelMatcher(storage::MatchType::eq, "__name__", "twikit_response_time_seconds"),
      storage::LabelMatcher(storage::MatchType::eq, "instance", "host-0:9877"),
      storage::LabelMatcher(storage::MatchType::eq, "service", "svc-0")};
  const std::vector<storage::LabelMatcher> hundred = {
      storage::LabelMatcher(storage::MatchType::re, "instance", "host-[01]:9877")};
  std::size_t n = 0;
  const double q1 = median_ms(5, [&] { n = store->select(one, kT0, end).at(0).samples.size(); });
  std::printf("query: one series over %.2f days raw (%zu samples): %.2f ms\n", days, n, q1);
  const double q1a = median_ms(5, [&] { n = store->select_aggregated(one, kT0, end, 3600'000).at(0).buckets.size(); });
  std::printf("query: one series over %.2f days, 1 h aggregates (%zu buckets): %.2f ms\n", days, n, q1a);
  std::size_t count = 0;
  const double q2 = median_ms(5, [&] { count = store->select(hundred, end - 86400'000, end).size(); });
  std::printf("query: %zu series over the last 24 h raw: %.2f ms\n", count, q2);
  const double q2a = median_ms(5, [&] { count = store->select_aggregated(hundred, end - 86400'000, end, 300'000).size(); });
  std::printf("query: %zu series over the last 24 h, 5 m aggregates: %.2f ms\n", count, q2a);

  if (promtool) {
    const std::string om = dir + "/samples.om";
    const auto w = Steady::now();
    std::vector<twikit::bench::BenchSeries> specs;
    for (int i = 0; i < series; ++i) specs.push_back({labels_of(i), i, kT0, steps});
    twikit::bench::write_openmetrics(om, std::move(specs));
    std::printf("openmetrics: %.1f MB written in %.1f s\n",
                static_cast<double>(std::filesystem::file_size(om)) / 1e6, ms_since(w) / 1000);
    const auto p = Steady::now();
    const std::string cmd = "promtool tsdb create-blocks-from openmetrics -q " + om + " " + dir + "/tsdb >/dev/null";
    if (std::system(cmd.c_str()) != 0) {
      std::fprintf(stderr, "promtool failed: %s\n", cmd.c_str());
      return 1;
    }
    const std::uint64_t prom = du_bytes(dir + "/tsdb");
    const std::uint64_t prom_chunks = du_bytes(dir + "/tsdb", "/chunks/");
    std::printf("promtool: blocks in %.1f s; %llu bytes = %.3f bytes/sample (chunk files alone %.3f, in 2 h blocks)\n",
                ms_since(p) / 1000, static_cast<unsigned long long>(prom),
                static_cast<double>(prom) / static_cast<double>(samples),
                static_cast<double>(prom_chunks) / static_cast<double>(samples));
    std::printf("ratio: history/prometheus = %.2f\n", static_cast<double>(bytes) / static_cast<double>(prom));
    std::filesystem::remove(om);
  }
  return 0;
}
