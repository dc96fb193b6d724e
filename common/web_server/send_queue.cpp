#include "common/web_server/send_queue.h"

#include <utility>

namespace twikit::web_detail {

SendQueue::Push SendQueue::push(std::shared_ptr<const std::string> message) {
  std::lock_guard lock(mu_);
  if (closing_) return Push::closed;
  if (queue_.size() + 1 > max_messages_ || bytes_ + message->size() > max_bytes_) {
    closing_ = true;
    queue_.clear();  // a write in progress keeps its own message alive
    bytes_ = 0;
    return Push::overflow;
  }
  bytes_ += message->size();
  queue_.push_back(std::move(message));
  if (writing_) return Push::queued;
  writing_ = true;
  return Push::queued_start_writing;
}

std::shared_ptr<const std::string> SendQueue::next() {
  std::lock_guard lock(mu_);
  if (queue_.empty()) {
    writing_ = false;
    return nullptr;
  }
  return queue_.front();
}

void SendQueue::pop(const std::shared_ptr<const std::string>& written) {
  std::lock_guard lock(mu_);
  if (!queue_.empty() && queue_.front() == written) {
    bytes_ -= written->size();
    queue_.pop_front();
  }
}

void SendQueue::hold_writing() {
  std::lock_guard lock(mu_);
  writing_ = true;
}

bool SendQueue::close() {
  std::lock_guard lock(mu_);
  return !std::exchange(closing_, true);
}

void SendQueue::drop() {
  std::lock_guard lock(mu_);
  closing_ = true;
  queue_.clear();
  bytes_ = 0;
}

bool SendQueue::writing() const {
  std::lock_guard lock(mu_);
  return writing_;
}

}  // namespace twikit::web_detail
