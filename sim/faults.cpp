#include "sim/faults.h"

#include <algorithm>
#include <array>
#include <stdexcept>
#include <utility>

namespace twikit::sim {
namespace {

constexpr std::array<std::pair<FaultMode, std::string_view>, 8> kModes{{
    {FaultMode::none, "none"},
    {FaultMode::latency, "latency"},
    {FaultMode::error, "error"},
    {FaultMode::garbage, "garbage"},
    {FaultMode::truncate, "truncate"},
    {FaultMode::oversize, "oversize"},
    {FaultMode::hang, "hang"},
    {FaultMode::down, "down"},
}};

int integer_field(const nlohmann::json& body, const char* key, int fallback, int lo, int hi) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return fallback;
  if (!it->is_number_integer()) throw std::invalid_argument(std::string(key) + " must be an integer");
  const auto value = it->get<long long>();
  if (value < lo || value > hi) {
    throw std::invalid_argument(std::string(key) + " must be between " + std::to_string(lo) + " and " +
                                std::to_string(hi));
  }
  return static_cast<int>(value);
}

}  // namespace

std::string_view fault_mode_name(FaultMode mode) {
  for (const auto& [m, name] : kModes) {
    if (m == mode) return name;
  }
  return "none";
}

std::optional<FaultMode> parse_fault_mode(std::string_view name) {
  for (const auto& [m, n] : kModes) {
    if (n == name) return m;
  }
  return std::nullopt;
}

Fault parse_fault(const nlohmann::json& body) {
  if (!body.is_object()) throw std::invalid_argument("fault must be a JSON object");
  auto mode = body.find("mode");
  if (mode == body.end() || !mode->is_string()) throw std::invalid_argument("mode must be a string");
  auto parsed = parse_fault_mode(mode->get<std::string>());
  if (!parsed) {
    throw std::invalid_argument("unknown mode '" + mode->get<std::string>() +
                                "' (none, latency, error, garbage, truncate, oversize, hang, down)");
  }
  Fault fault;
  fault.mode = *parsed;
  fault.latency_ms = integer_field(body, "latency_ms", fault.latency_ms, 0, 600000);
  fault.http_status = integer_field(body, "http_status", fault.http_status, 400, 599);
  return fault;
}

nlohmann::json fault_to_json(const Fault& fault) {
  return {{"mode", fault_mode_name(fault.mode)},
          {"latency_ms", fault.latency_ms},
          {"http_status", fault.http_status}};
}

std::string garbage_body() {
  std::string body = "\x89PNG\r\n\x1a\n";
  body += std::string("\0\xff\xfe", 3);
  body += "<html><body><h1>502 Bad Gateway</h1>{\"service\": oops]]</body></html>\n";
  return body;
}

std::string truncate_body(const std::string& document) {
  return document.substr(0, std::max<std::size_t>(1, document.size() / 2));
}

OversizeBody::OversizeBody(const std::string& document) {
  // Insert the padding as the first member, so the tail is the original document minus its '{'.
  head_ = "{\"padding\": \"";
  tail_ = document.size() > 2 ? "\", " + document.substr(1) : "\"}";
}

std::vector<std::string_view> OversizeBody::parts() const {
  static const std::string padding(kOversizePadding, 'x');
  return {head_, padding, tail_};
}

void OversizeBody::read(std::size_t offset, std::size_t length, std::string& out) const {
  out.clear();
  const std::size_t end = std::min(size(), offset + length);
  const std::size_t pad_begin = head_.size();
  const std::size_t pad_end = pad_begin + kOversizePadding;
  for (std::size_t pos = offset; pos < end;) {
    if (pos < pad_begin) {
      const std::size_t n = std::min(end, pad_begin) - pos;
      out.append(head_, pos, n);
      pos += n;
    } else if (pos < pad_end) {
      const std::size_t n = std::min(end, pad_end) - pos;
      out.append(n, 'x');
      pos += n;
    } else {
      const std::size_t n = end - pos;
      out.append(tail_, pos - pad_end, n);
      pos += n;
    }
  }
}

}  // namespace twikit::sim
