// The history tier's cost on the scrape path, history on vs off in one run: two TargetScrapers take the same
// 10,000-series bodies (values moving like twikit-sim's, a new body every scrape) without the network; one
// has no sink, the other feeds a HistoryTier as alertd wires it. Scrapes alternate between the two and each
// is measured in CPU time of the scraping thread (CLOCK_THREAD_CPUTIME_ID: other engineers' load on the
// machine does not count). The tier's flush (every 4 scrapes: 60 s of 15 s scrapes) runs on the same thread
// here so that its CPU time is measured too; in alertd it runs on the flusher thread.
//
//   bench_history_ingest [--scrapes 200] [--series 10000] [--dir /tmp/bench-history-ingest]
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

#include "alertd/history/history_tier.h"
#include "alertd/scrape/target_scraper.h"
#include "bench/history/bench_data.h"
#include "support/canned_http_client.h"

using namespace twikit;

namespace {

constexpr TimestampMs kT0 = 1'700'000'100'000;

double thread_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

double mean(const std::vector<double>& v) {
  double sum = 0;
  for (const double x : v) sum += x;
  return sum / static_cast<double>(v.size());
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // progress visible when written to a file
  int scrapes = 200;
  int series = 10'000;
  std::string dir = "/tmp/bench-history-ingest";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--scrapes" && i + 1 < argc) scrapes = std::atoi(argv[++i]);
    else if (a == "--series" && i + 1 < argc) series = std::atoi(argv[++i]);
    else if (a == "--dir" && i + 1 < argc) dir = argv[++i];
    else {
      std::fprintf(stderr, "usage: bench_history_ingest [--scrapes N] [--series N] [--dir DIR]\n");
      return 2;
    }
  }
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);

  // 16 bodies: each series' value moves from one to the next as its model says.
  std::vector<bench::SeriesModel> models;
  for (int i = 0; i < series; ++i) models.emplace_back(i);
  std::vector<std::string> bodies;
  for (int b = 0; b < 16; ++b) {
    std::string body = "# TYPE twikit_bench_value gauge\n";
    for (int i = 0; i < series; ++i) {
      body += "twikit_bench_value{service=\"svc" + std::to_string(i % 10) + "\",proxy=\"proxy-" + std::to_string(i) +
              "\",region=\"eu-" + std::to_string(i % 3) + "\"} " +
              bench::format_double(models[static_cast<std::size_t>(i)].next()) + "\n";
    }
    bodies.push_back(std::move(body));
  }

  FakeClock clock(kT0);
  config::StorageConfig storage;
  storage.path = dir + "/alertd.db";
  history::HistoryTier tier(storage, clock);  // not started: flushes are called below, on this thread
  scrape::ScrapeTarget target;
  target.job = "bench";
  target.url = "http://127.0.0.1:9877/metrics";
  target.labels = make_labels({{"job", "bench"}, {"instance", "127.0.0.1:9877"}});
  testing::CannedHttpClient client_off(bodies, "text/plain; version=0.0.4");
  testing::CannedHttpClient client_on(bodies, "text/plain; version=0.0.4");
  storage::SeriesStore store_off;
  storage::SeriesStore store_on;
  scrape::TargetScraper off(target, client_off, store_off, clock);
  scrape::TargetScraper on(target, client_on, store_on, clock, &tier);
  off.scrape_once(clock.now_ms());  // the first scrape builds the series caches
  on.scrape_once(clock.now_ms());

  std::vector<double> cpu_off;
  std::vector<double> cpu_on;
  std::vector<double> cpu_flush;
  for (int s = 1; s <= scrapes; ++s) {
    clock.advance_ms(bench::kStepMs);
    double t = thread_cpu_ms();
    off.scrape_once(clock.now_ms());
    cpu_off.push_back(thread_cpu_ms() - t);
    t = thread_cpu_ms();
    on.scrape_once(clock.now_ms());
    cpu_on.push_back(thread_cpu_ms() - t);
    if (s % 4 == 0) {
      t = thread_cpu_ms();
      tier.store().flush();
      cpu_flush.push_back(thread_cpu_ms() - t);
    }
  }
  const double flush_per_scrape = mean(cpu_flush) / 4;
  std::printf("ingest bench: %d scrapes of %d series (%zu-byte bodies), alternating history off / on, CPU time of the scraping thread\n",
              scrapes, series, bodies[0].size());
  std::printf("scrape (parse + store append) history off: mean %.2f ms, median %.2f ms\n", mean(cpu_off), median(cpu_off));
  std::printf("scrape + history append (consume) history on: mean %.2f ms, median %.2f ms\n", mean(cpu_on), median(cpu_on));
  std::printf("history append per scrape: mean %.2f ms (%.0f ns per sample), +%.0f %% of the scrape\n",
              mean(cpu_on) - mean(cpu_off), (mean(cpu_on) - mean(cpu_off)) * 1e6 / series,
              (mean(cpu_on) / mean(cpu_off) - 1) * 100);
  std::printf("flush of 4 scrapes (flusher thread in alertd): mean %.2f ms CPU = %.2f ms per scrape; "
              "history in all: %.2f ms CPU per scrape (+%.0f %%)\n",
              mean(cpu_flush), flush_per_scrape, mean(cpu_on) - mean(cpu_off) + flush_per_scrape,
              (mean(cpu_on) + flush_per_scrape) / mean(cpu_off) * 100 - 100);
  std::printf("disk: %.1f MB after %d scrapes\n", static_cast<double>(tier.store().disk_bytes()) / 1e6, scrapes + 1);
  return 0;
}
