#pragma once
// The HTTP server's worker threads, started when connections need them and ended when they idle.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include <httplib.h>

namespace twikit::exporter {

/// An httplib task queue whose threads are started on demand, up to `max_threads`, and end after
/// `idle_timeout` without work while more than `min_threads` are alive. httplib holds one thread per open
/// connection, so a load test needs dozens while Prometheus needs one; each live thread costs touched stack
/// and thread-local pages, which a fixed pool of 64 pays all the time.
/// Thread-safe; copy and move are deleted (the workers refer to it).
class ElasticThreadPool final : public httplib::TaskQueue {
 public:
  /// A pool that starts no thread until the first task.
  ElasticThreadPool(std::size_t max_threads, std::size_t min_threads, std::chrono::milliseconds idle_timeout);
  /// Shuts down if shutdown() was not called.
  ~ElasticThreadPool() override;
  ElasticThreadPool(const ElasticThreadPool&) = delete;
  ElasticThreadPool& operator=(const ElasticThreadPool&) = delete;

  /// Runs `fn` on an idle worker, or queues it for a worker being started (fewer than max_threads alive)
  /// or for the first one that frees up. Starts at most one thread itself: the caller is httplib's accept
  /// loop, whose listen backlog is 5, so a burst of connections is served by a chain of workers each
  /// starting the next while tasks remain queued.
  void enqueue(std::function<void()> fn) override;
  /// Runs the queued tasks to their end, then stops and joins every worker.
  void shutdown() override;

  /// Worker threads alive now (for tests and diagnostics).
  std::size_t threads() const;

 private:
  // A worker waiting for a task, on its own stack; enqueue() hands the task over directly.
  struct IdleWorker {
    std::condition_variable cv;
    std::function<void()> task;
  };

  void start_worker();  // mu_ held
  void work();
  void join_finished(std::unique_lock<std::mutex>& lock);

  const std::size_t max_threads_;
  const std::size_t min_threads_;
  const std::chrono::milliseconds idle_timeout_;
  mutable std::mutex mu_;
  std::deque<std::function<void()>> tasks_;          // guarded by mu_: waiting for a busy worker to free up
  // Guarded by mu_. The most recently idle worker gets the next task, so under light load the same few
  // threads do the work and the others reach their idle timeout (a FIFO wake-up would keep them all alive).
  std::vector<IdleWorker*> idle_;
  std::map<std::thread::id, std::thread> workers_;   // guarded by mu_: alive or finished, not yet joined
  std::vector<std::thread::id> finished_;            // guarded by mu_: workers that returned from work()
  std::size_t starting_ = 0;                         // guarded by mu_: started, not yet in work()
  bool shutdown_ = false;                            // guarded by mu_
};

}  // namespace twikit::exporter
