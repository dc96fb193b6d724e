// Where alertd's memory per series goes at bench/scale's sizes: T targets each serving the same body
// (bench/scale/series_gen.py's 10,000 series; `python3 -c 'import series_gen, sys;
// sys.stdout.buffer.write(series_gen.render_target(0, 1.7e9))' > body.txt` in bench/scale), scraped S times
// at 15 s steps by real TargetScrapers into one SeriesStore. Prints the heap in use (mallinfo2) per series:
// after the scrapes, and split into the store alone (the same series appended without scrapers, in a second
// store) and the rest (the scrapers' caches).
//
// Usage: bench_store_memory BODY_FILE [targets=10] [scrapes=6]

#include <malloc.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "alertd/scrape/target_scraper.h"
#include "support/canned_http_client.h"

using namespace twikit;

namespace {

std::size_t heap_in_use() { return mallinfo2().uordblks + mallinfo2().hblkhd; }

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_store_memory BODY_FILE [targets=10] [scrapes=6]\n");
    return 2;
  }
  std::ifstream f(argv[1]);
  std::stringstream ss;
  ss << f.rdbuf();
  const std::string body = ss.str();
  const int targets = argc > 2 ? std::atoi(argv[2]) : 10;
  const int scrapes = argc > 3 ? std::atoi(argv[3]) : 6;

  testing::CannedHttpClient client(body, "text/plain; version=0.0.4");
  FakeClock clock(1'700'000'000'000);
  const std::size_t before = heap_in_use();
  std::size_t series = 0;
  std::size_t with_scrapers = 0;
  {
    storage::SeriesStore store;
    std::vector<std::unique_ptr<scrape::TargetScraper>> scrapers;
    for (int t = 0; t < targets; ++t) {
      scrape::ScrapeTarget target;
      target.job = "twikit";
      target.url = "http://127.0.0.1:" + std::to_string(20000 + t) + "/metrics";
      target.labels = make_labels({{"job", "twikit"}, {"instance", "127.0.0.1:" + std::to_string(20000 + t)}});
      scrapers.push_back(std::make_unique<scrape::TargetScraper>(target, client, store, clock));
    }
    for (int s = 0; s < scrapes; ++s) {
      for (auto& sc : scrapers) sc->scrape_once(clock.now_ms());
      clock.advance_ms(15'000);
    }
    with_scrapers = heap_in_use() - before;
    series = store.num_series();

    // The same series and samples in a second store, without scrapers.
    const std::size_t before_store = heap_in_use();
    {
      storage::SeriesStore alone;
      const auto all = store.select({storage::LabelMatcher(storage::MatchType::re, "__name__", ".+")}, 0,
                                    clock.now_ms());
      const std::size_t selected = heap_in_use();
      for (const auto& s : all) {
        for (const auto& smp : s.samples) alone.append(*s.labels, smp.t, smp.v);
      }
      const std::size_t store_bytes = heap_in_use() - selected;
      std::printf("targets=%d scrapes=%d series=%zu heap_per_series=%.0f store_per_series=%.0f "
                  "scrapers_per_series=%.0f (select copy %.0f, not counted)\n",
                  targets, scrapes, series, static_cast<double>(with_scrapers) / series,
                  static_cast<double>(store_bytes) / series,
                  static_cast<double>(with_scrapers - store_bytes) / series,
                  static_cast<double>(selected - before_store) / series);
    }
  }
  return 0;
}
