#pragma once
// A few threads that run jobs handed over from other threads, for work that should start as soon as its
// input exists (a target's answer) rather than after the slowest one.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace twikit::exporter {

/// Runs submitted jobs on `threads` worker threads, in submission order per worker. Thread-safe: submit()
/// from any thread; wait() from the owner. Jobs must not throw. Copy and move are deleted (it owns threads).
class WorkPool {
 public:
  /// Starts `threads` workers (at least one).
  explicit WorkPool(std::size_t threads);
  /// Runs what is queued, then stops the workers.
  ~WorkPool();
  WorkPool(const WorkPool&) = delete;
  WorkPool& operator=(const WorkPool&) = delete;

  /// Queues `job` for the next free worker.
  void submit(std::function<void()> job);
  /// Blocks until every job submitted so far has run.
  void wait();

 private:
  void work();

  std::mutex mu_;
  std::condition_variable ready_;  // a job is queued, or stopping_
  std::condition_variable idle_;   // pending_ reached 0
  std::deque<std::function<void()>> jobs_;  // guarded by mu_
  std::size_t pending_ = 0;                 // guarded by mu_: queued or running
  bool stopping_ = false;                   // guarded by mu_
  std::vector<std::thread> threads_;
};

}  // namespace twikit::exporter
