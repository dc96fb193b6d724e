// Measures a whole scrape minus the network: a 10,000-series body parsed, labelled (job/instance)
// and appended to the series store, with staleness bookkeeping, N times at 15 s steps.
// Usage: bench_scrape_append [iterations]

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "alertd/scrape/target_scraper.h"
#include "support/canned_http_client.h"

namespace {

std::string generate_body(int series) {
  std::string out = "# HELP twikit_bench_value A generated gauge.\n# TYPE twikit_bench_value gauge\n";
  for (int i = 0; i < series; ++i) {
    out += "twikit_bench_value{service=\"svc" + std::to_string(i % 10) + "\",proxy=\"proxy-" + std::to_string(i) +
           "\",region=\"eu-" + std::to_string(i % 3) + "\"} " + std::to_string(i * 1.5) + "\n";
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  const int iterations = argc > 1 ? std::atoi(argv[1]) : 100;
  const std::string body = generate_body(10'000);
  twikit::testing::CannedHttpClient client(body, "text/plain; version=0.0.4");
  twikit::storage::SeriesStore store;
  twikit::FakeClock clock(1'700'000'000'000);
  twikit::scrape::ScrapeTarget target;
  target.job = "bench";
  target.url = "http://127.0.0.1:9877/metrics";
  target.labels = twikit::make_labels({{"job", "bench"}, {"instance", "127.0.0.1:9877"}});
  twikit::scrape::TargetScraper scraper(target, client, store, clock);
  scraper.scrape_once(clock.now_ms());  // the first scrape builds the series cache
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < iterations; ++i) {
    clock.advance_ms(15'000);
    scraper.scrape_once(clock.now_ms());
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("series=10000 body_bytes=%zu iterations=%d ms_per_scrape=%.2f samples_per_s=%.0f store_series=%zu\n",
              body.size(), iterations, seconds * 1000 / iterations, 10'000.0 * iterations / seconds, store.num_series());
  return 0;
}
