#include "alertd/notify/notifier.h"

#include <algorithm>

namespace twikit::notify {

namespace {
std::int64_t parse_retry_after(const HttpResponse& r) {
  const std::string* v = r.header("retry-after");
  if (!v || v->empty() || v->size() > 9) return -1;
  if (!std::all_of(v->begin(), v->end(), [](char c) { return c >= '0' && c <= '9'; })) return -1;
  return std::stoll(*v) * 1000;
}
}  // namespace

DeliveryResult classify_http(const HttpResponse& r) {
  if (!r.transport_ok()) {
    return DeliveryResult::failure(r.error != HttpError::too_large, http_error_name(r.error), r.error_message);
  }
  if (r.status >= 200 && r.status < 300) return DeliveryResult::ok();
  const std::string detail = "unexpected status code " + std::to_string(r.status);
  if (r.status == 429) return DeliveryResult::failure(true, "clientError", detail, parse_retry_after(r));
  if (r.status >= 400 && r.status < 500) return DeliveryResult::failure(false, "clientError", detail);
  if (r.status >= 500) return DeliveryResult::failure(true, "serverError", detail, parse_retry_after(r));
  return DeliveryResult::failure(false, "other", detail);
}

}  // namespace twikit::notify
