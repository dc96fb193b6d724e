// kill -9 while a child process appends and flushes: after reopening, nothing the store had reported
// durable is lost, every series holds an unbroken prefix of what was appended, and the file opens clean.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>

#include "alertd/history/history_store.h"
#include "support/process.h"

using twikit::TimestampMs;
using twikit::make_labels;
using twikit::storage::Sample;
using namespace twikit::history;

namespace {

constexpr int kSeries = 1000;
constexpr TimestampMs kRoundSpan = 1'000'000'000;

// What the child publishes after every batch: samples appended and samples the store reported flushed.
struct Progress {
  std::atomic<std::uint64_t> appended{0};
  std::atomic<std::uint64_t> durable{0};
};

twikit::Labels labels_of(int series) { return make_labels({{"__name__", "m"}, {"i", std::to_string(series)}}); }

[[noreturn]] void child_writes(const HistoryOptions& options, int round, Progress* progress) {
  HistoryStore store(options);
  store.start_flusher();
  for (std::int64_t step = 0;; ++step) {
    const TimestampMs t = round * kRoundSpan + step * 1000;
    for (int s = 0; s < kSeries; ++s) store.append(labels_of(s), Sample{t, static_cast<double>(step + s)});
    progress->durable.store(store.stats().samples_flushed);
    progress->appended.fetch_add(kSeries);
  }
}

}  // namespace

TEST_CASE("kill -9 during flushes loses only samples appended since the last completed flush") {
  const std::string dir = twikit::testing::make_temp_dir("history-crash");
  HistoryOptions options;
  options.path = dir + "/history.db";
  options.flush_interval_ms = 5;  // flushes back to back, so the kill lands inside one most of the time
  auto* progress = static_cast<Progress*>(
      mmap(nullptr, sizeof(Progress), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0));
  REQUIRE(progress != MAP_FAILED);

  for (int round = 0; round < 3; ++round) {
    new (progress) Progress();
    const pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) child_writes(options, round, progress);
    // Let a few flushes complete, then kill without warning.
    REQUIRE(twikit::testing::eventually([&] { return progress->durable.load() >= 20 * kSeries; },
                                        std::chrono::seconds(60)));
    REQUIRE(kill(pid, SIGKILL) == 0);
    int status = 0;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    REQUIRE(WIFSIGNALED(status));
    const std::uint64_t durable = progress->durable.load();
    const std::uint64_t appended = progress->appended.load() + kSeries;  // the batch in progress, if any

    HistoryStore store(options);
    const auto got = store.select({}, round * kRoundSpan, round * kRoundSpan + kRoundSpan - 1);
    std::uint64_t found = 0;
    for (const auto& series : got) {
      const int s = std::stoi(twikit::label_value(series.labels, "i"));
      // An unbroken prefix: steps 0, 1, 2, … with their values.
      for (std::size_t k = 0; k < series.samples.size(); ++k) {
        const auto step = static_cast<std::int64_t>(k);
        if (series.samples[k].t != round * kRoundSpan + step * 1000 || series.samples[k].v != step + s) {
          FAIL("series " << s << " breaks at step " << k);
        }
      }
      found += series.samples.size();
    }
    INFO("round " << round << ": appended " << appended << ", reported durable " << durable << ", found " << found);
    CHECK(found >= durable);
    CHECK(found <= appended);
    CHECK(store.stats().corrupted_chunks == 0);
    CHECK(store.stats().files_reset == 0);
  }
  munmap(progress, sizeof(Progress));
  std::filesystem::remove_all(dir);
}
