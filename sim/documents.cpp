#include "sim/documents.h"

#include "sim/merge_patch.h"

namespace twikit::sim {

using nlohmann::json;

ServiceDocument::ServiceDocument(const ServiceSpec& spec, std::uint64_t seed, const Clock& clock,
                                 std::size_t list_size)
    : spec_(spec),
      clock_(clock),
      walk_(seed),
      list_size_(spec.list_pointer.empty() ? 0 : (list_size > 0 ? list_size : spec.default_list_size)),
      started_ms_(clock.now_ms()) {
  // The service has been up for a while before the sim started: between one hour and three days.
  uptime_offset_s_ = round2(walk_.uniform(3600.0, 3 * 86400.0));
  json dependencies = json::array();
  for (const auto& name : spec_.dependencies) {
    dependencies.push_back({{"name", name}, {"up", true}, {"latency_ms", round2(walk_.uniform(0.5, 5.0))}});
  }
  const auto requests = walk_.uniform_int(100000, 500000);
  state_ = {{"service", spec_.name},
            {"version", spec_.version},
            {"uptime_seconds", uptime_offset_s_},
            {"status", "healthy"},
            {"system",
             {{"requests_total", requests},
              {"errors_total", requests / 500},
              {"response_time_ms", round2(walk_.uniform(20.0, 60.0))}}},
            {"dependencies", std::move(dependencies)},
            {"metrics", json::object()}};
  spec_.model.init(state_["metrics"], walk_, ModelContext{started_ms_, list_size_});
}

void ServiceDocument::refresh_envelope() {
  const double elapsed_s = static_cast<double>(clock_.now_ms() - started_ms_) / 1000.0;
  state_["uptime_seconds"] = round2(uptime_offset_s_ + elapsed_s);
}

json ServiceDocument::next() {
  const TimestampMs now = clock_.now_ms();
  refresh_envelope();
  json& system = state_["system"];
  system["requests_total"] = system["requests_total"].get<std::int64_t>() + walk_.increment(20, 200);
  if (walk_.chance(0.3)) system["errors_total"] = system["errors_total"].get<std::int64_t>() + walk_.increment(1, 2);
  system["response_time_ms"] = walk_.gauge(system["response_time_ms"].get<double>(), 10.0, 120.0, 4.0);
  for (json& dependency : state_["dependencies"]) {
    dependency["latency_ms"] = walk_.gauge(dependency["latency_ms"].get<double>(), 0.2, 20.0, 0.5);
  }
  spec_.model.step(state_["metrics"], walk_, ModelContext{now, list_size_});
  return current();
}

json ServiceDocument::current() const {
  json served = state_;
  for (const json& patch : pins_) apply_merge_patch(served, patch);
  return served;
}

void ServiceDocument::pin(const json& patch) { pins_.push_back(patch); }

bool ServiceDocument::resize(std::size_t size) {
  if (!has_list()) return false;
  list_size_ = size;
  next();
  return true;
}

}  // namespace twikit::sim
