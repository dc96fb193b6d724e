#include "exporter/scheduler.h"

#include <malloc.h>

namespace twikit::exporter {

Scheduler::Scheduler(std::shared_ptr<Collector> collector) : collector_(std::move(collector)) {}

Scheduler::~Scheduler() { stop(); }

void Scheduler::start() {
  if (thread_.joinable()) return;
  if (collector_->config().collection.mode == CollectionMode::interval) {
    thread_ = std::thread([this] { loop(); });
  } else {
    thread_ = std::thread([this] { trim_loop(); });
  }
}

void Scheduler::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Scheduler::loop() {
  const auto interval = std::chrono::milliseconds(collector_->config().collection.interval_ms);
  while (true) {
    // The collection's own timeouts bound it; the interval is measured start to start.
    const auto started = std::chrono::steady_clock::now();
    auto snap = collector_->collect();
    std::unique_lock lock(mu_);
    latest_ = std::move(snap);
    lock.unlock();
    malloc_trim(0);  // the previous snapshot and the parsed documents are gone: give the pages back
    lock.lock();
    ++generation_;
    cv_.notify_all();
    if (cv_.wait_until(lock, started + interval, [this] { return stopping_; })) return;
  }
}

void Scheduler::trim_loop() {
  std::unique_lock lock(mu_);
  while (true) {
    cv_.wait(lock, [this] { return generation_ > trimmed_generation_ || stopping_; });
    if (stopping_) return;
    trimmed_generation_ = generation_;
    lock.unlock();
    // The collection's parsed documents and the previous snapshot are gone; their pages, spread over the
    // mapping workers' heaps, go back while the scrape that asked for the collection is being answered.
    malloc_trim(0);
    lock.lock();
  }
}

std::shared_ptr<const Snapshot> Scheduler::snapshot(std::chrono::milliseconds deadline) {
  std::unique_lock lock(mu_);
  if (collector_->config().collection.mode == CollectionMode::interval) {
    cv_.wait_for(lock, deadline, [this] { return latest_ != nullptr || stopping_; });
    return latest_;
  }
  if (in_flight_) {
    // Join the collection already running instead of starting another.
    const std::uint64_t waiting_for = generation_ + 1;
    cv_.wait_for(lock, deadline, [&] { return generation_ >= waiting_for || stopping_; });
    return latest_;
  }
  in_flight_ = true;
  lock.unlock();
  auto snap = collector_->collect(deadline);
  lock.lock();
  latest_ = snap;
  in_flight_ = false;
  ++generation_;
  cv_.notify_all();
  return snap;
}

std::shared_ptr<const Snapshot> Scheduler::latest() const {
  std::lock_guard lock(mu_);
  return latest_;
}

}  // namespace twikit::exporter
