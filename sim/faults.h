#pragma once
// The faults a simulated service can be told to show, and the broken bodies some of them answer with.

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace twikit::sim {

/// How a service misbehaves; `none` is a healthy service.
enum class FaultMode { none, latency, error, garbage, truncate, oversize, hang, down };

/// Every mode in declaration order, for reports that list one entry per mode.
inline constexpr std::array<FaultMode, 8> kFaultModes{FaultMode::none,    FaultMode::latency,  FaultMode::error,
                                                      FaultMode::garbage, FaultMode::truncate, FaultMode::oversize,
                                                      FaultMode::hang,    FaultMode::down};

/// A fault and its parameters, as set by `PUT /admin/services/{name}/fault`.
struct Fault {
  FaultMode mode = FaultMode::none;
  /// How long `latency` delays each answer.
  int latency_ms = 200;
  /// The status `error` answers with.
  int http_status = 503;
};

/// The wire name of `mode` ("none", "latency", ...).
std::string_view fault_mode_name(FaultMode mode);

/// The mode called `name`, or nullopt for an unknown name.
std::optional<FaultMode> parse_fault_mode(std::string_view name);

/// Reads a fault from its JSON form {"mode", "latency_ms", "http_status"}; missing parameters take the
/// defaults. Throws std::invalid_argument naming the bad field.
Fault parse_fault(const nlohmann::json& body);

/// The JSON form of `fault`, as GET /admin/services reports it.
nlohmann::json fault_to_json(const Fault& fault);

/// A 200 body for `garbage`: bytes that no JSON parser accepts (binary noise and an HTML fragment).
std::string garbage_body();

/// A 200 body for `truncate`: the first half of `document`, so the JSON is cut off mid-value.
std::string truncate_body(const std::string& document);

/// The length of the padding string in an `oversize` body (8 MiB), so the body always exceeds it.
inline constexpr std::size_t kOversizePadding = std::size_t{8} << 20;

/// An `oversize` body: a valid JSON object, `document` with a huge "padding" string added. The padding is one
/// process-wide string made on first use, shared by every response (parts()), or read chunk by chunk.
class OversizeBody {
 public:
  /// Prepares the body around `document` (a serialised JSON object).
  explicit OversizeBody(const std::string& document);
  /// The total body length in bytes.
  std::size_t size() const { return head_.size() + kOversizePadding + tail_.size(); }
  /// Copies up to `length` bytes starting at `offset` into `out` (cleared first).
  void read(std::size_t offset, std::size_t length, std::string& out) const;
  /// The body as three pieces (head, the shared padding, tail), valid while this object lives.
  std::vector<std::string_view> parts() const;

 private:
  std::string head_;
  std::string tail_;
};

}  // namespace twikit::sim
