#include <catch2/catch.hpp>

#include <atomic>
#include <future>

#include "exporter/elastic_thread_pool.h"
#include "support/process.h"

using namespace twikit::exporter;
using namespace twikit::testing;
using namespace std::chrono_literals;

namespace {

// Tasks that block until released, counting how many run at once.
struct Gate {
  std::mutex mu;
  std::condition_variable cv;
  bool open = false;
  std::atomic<int> running{0};
  std::atomic<int> most{0};
  std::atomic<int> done{0};

  std::function<void()> task() {
    return [this] {
      const int now = ++running;
      for (int m = most.load(); now > m && !most.compare_exchange_weak(m, now);) {
      }
      std::unique_lock lock(mu);
      cv.wait(lock, [this] { return open; });
      --running;
      ++done;
    };
  }
  void release() {
    {
      std::lock_guard lock(mu);
      open = true;
    }
    cv.notify_all();
  }
};

}  // namespace

TEST_CASE("the pool starts no thread until there is work, then one per concurrent task up to its maximum") {
  ElasticThreadPool pool(4, 0, 10s);
  CHECK(pool.threads() == 0);
  Gate gate;
  for (int i = 0; i < 8; ++i) pool.enqueue(gate.task());
  REQUIRE(eventually([&] { return gate.running == 4; }));
  CHECK(pool.threads() == 4);
  gate.release();
  REQUIRE(eventually([&] { return gate.done == 8; }));
  CHECK(gate.most == 4);
  CHECK(pool.threads() == 4);
  pool.shutdown();
}

TEST_CASE("idle threads above the minimum end after the idle timeout and come back with work") {
  ElasticThreadPool pool(8, 2, 50ms);
  Gate gate;
  for (int i = 0; i < 5; ++i) pool.enqueue(gate.task());
  REQUIRE(eventually([&] { return gate.running == 5; }));
  CHECK(pool.threads() == 5);
  gate.release();
  REQUIRE(eventually([&] { return pool.threads() == 2; }));
  std::this_thread::sleep_for(200ms);  // well past the timeout: the minimum stays
  CHECK(pool.threads() == 2);

  Gate again;
  for (int i = 0; i < 3; ++i) pool.enqueue(again.task());
  REQUIRE(eventually([&] { return again.running == 3; }));
  CHECK(pool.threads() == 3);
  again.release();
  REQUIRE(eventually([&] { return again.done == 3; }));
}

TEST_CASE("under a light steady load the extra threads still end: the last idle thread gets the next task") {
  ElasticThreadPool pool(8, 1, 100ms);
  Gate gate;
  for (int i = 0; i < 5; ++i) pool.enqueue(gate.task());
  REQUIRE(eventually([&] { return gate.running == 5; }));
  gate.release();
  REQUIRE(eventually([&] { return gate.done == 5; }));
  // One short task every 20 ms: waking the longest-idle thread each time would keep all five alive.
  std::atomic<int> done{0};
  const auto until = std::chrono::steady_clock::now() + 600ms;
  int sent = 0;
  while (std::chrono::steady_clock::now() < until) {
    pool.enqueue([&done] { ++done; });
    ++sent;
    std::this_thread::sleep_for(20ms);
  }
  CHECK(pool.threads() <= 2);
  REQUIRE(eventually([&] { return done == sent; }));
}

TEST_CASE("shutdown runs the queued tasks to their end and joins every thread") {
  std::atomic<int> done{0};
  {
    ElasticThreadPool pool(2, 0, 10s);
    for (int i = 0; i < 20; ++i) {
      pool.enqueue([&done] {
        std::this_thread::sleep_for(1ms);
        ++done;
      });
    }
    pool.shutdown();
    CHECK(done == 20);
    CHECK(pool.threads() == 0);
  }
  CHECK(done == 20);
}
