#include "exporter/elastic_thread_pool.h"

#include <algorithm>

namespace twikit::exporter {

ElasticThreadPool::ElasticThreadPool(std::size_t max_threads, std::size_t min_threads,
                                     std::chrono::milliseconds idle_timeout)
    : max_threads_(std::max<std::size_t>(1, max_threads)),
      min_threads_(std::min(min_threads, max_threads_)),
      idle_timeout_(idle_timeout) {}

ElasticThreadPool::~ElasticThreadPool() { shutdown(); }

void ElasticThreadPool::enqueue(std::function<void()> fn) {
  std::unique_lock lock(mu_);
  join_finished(lock);
  if (!idle_.empty()) {
    IdleWorker* worker = idle_.back();
    idle_.pop_back();
    worker->task = std::move(fn);
    worker->cv.notify_one();
    return;
  }
  tasks_.push_back(std::move(fn));
  if (starting_ == 0) start_worker();
}

void ElasticThreadPool::start_worker() {
  if (workers_.size() >= max_threads_ || shutdown_) return;
  ++starting_;
  std::thread t([this] { work(); });
  const auto id = t.get_id();
  workers_.emplace(id, std::move(t));  // the worker waits for mu_ before it can finish
}

void ElasticThreadPool::shutdown() {
  std::unique_lock lock(mu_);
  shutdown_ = true;
  for (IdleWorker* worker : idle_) worker->cv.notify_one();
  while (!workers_.empty()) {
    auto it = workers_.begin();
    std::thread t = std::move(it->second);
    workers_.erase(it);
    lock.unlock();
    t.join();
    lock.lock();
  }
  finished_.clear();
}

std::size_t ElasticThreadPool::threads() const {
  std::lock_guard lock(mu_);
  return workers_.size() - finished_.size();
}

void ElasticThreadPool::join_finished(std::unique_lock<std::mutex>& lock) {
  if (finished_.empty()) return;
  std::vector<std::thread> done;
  for (const auto& id : finished_) {
    if (auto it = workers_.find(id); it != workers_.end()) {
      done.push_back(std::move(it->second));
      workers_.erase(it);
    }
  }
  finished_.clear();
  // A finished worker only has to return from work(); join outside the lock so it can.
  lock.unlock();
  for (auto& t : done) t.join();
  lock.lock();
}

void ElasticThreadPool::work() {
  std::unique_lock lock(mu_);
  --starting_;
  while (true) {
    std::function<void()> task;
    if (!tasks_.empty()) {
      task = std::move(tasks_.front());
      tasks_.pop_front();
      // More waiting: start the next worker from here rather than from the accept loop.
      if (!tasks_.empty() && starting_ == 0) start_worker();
    } else if (shutdown_) {
      break;
    } else {
      IdleWorker self;
      idle_.push_back(&self);
      const bool woken = self.cv.wait_for(lock, idle_timeout_, [&] { return self.task != nullptr || shutdown_; });
      if (!self.task) {
        idle_.erase(std::find(idle_.begin(), idle_.end(), &self));
        if (!woken && workers_.size() - finished_.size() > min_threads_) break;
        continue;
      }
      task = std::move(self.task);
    }
    lock.unlock();
    task();
    task = nullptr;  // release what the task captured before waiting again
    lock.lock();
  }
  if (!shutdown_) finished_.push_back(std::this_thread::get_id());
}

}  // namespace twikit::exporter
