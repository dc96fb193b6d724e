#include "exporter/service_report.h"

#include <optional>

#include "exporter/json_fields.h"

namespace twikit::exporter {
namespace {

using nlohmann::json;

// The member `key` of `object`, or nullptr when absent.
const json* member(const json& object, const char* key) {
  auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

// A present numeric member, or `fallback` when absent; nullopt (with the error appended) when unreadable.
std::optional<double> number_member(const json& object, const char* key, const std::string& object_path,
                                    double fallback, std::vector<std::string>& errors) {
  const json* v = member(object, key);
  if (!v) return fallback;
  std::string why;
  auto n = read_number(*v, child_path(object_path, key), why);
  if (!n) errors.push_back(std::move(why));
  return n;
}

std::string read_status(const json& document, std::vector<std::string>& errors) {
  const json* v = member(document, "status");
  if (!v) return {};
  if (!v->is_string()) {
    errors.push_back(std::string("status: expected a string, got ") + v->type_name());
    return {};
  }
  const auto& s = v->get_ref<const std::string&>();
  if (s == "healthy" || s == "degraded" || s == "unhealthy") return s;
  errors.push_back("status: unknown value " + quoted_for_message(s));
  return {};
}

std::optional<DependencyStatus> read_dependency(const json& d, const std::string& path,
                                                std::vector<std::string>& errors) {
  if (!d.is_object()) {
    errors.push_back(path + ": expected an object, got " + d.type_name());
    return std::nullopt;
  }
  DependencyStatus dep;
  if (const json* name = member(d, "name")) {
    std::string why;
    auto text = read_label_value(*name, child_path(path, "name"), why);
    if (!text) {
      errors.push_back(std::move(why));
      return std::nullopt;
    }
    dep.name = std::move(*text);
  }
  const auto up = number_member(d, "up", path, 0, errors);
  const auto latency_ms = number_member(d, "latency_ms", path, 0, errors);
  if (!up || !latency_ms) return std::nullopt;
  dep.up = *up != 0;
  dep.latency_seconds = *latency_ms / 1000.0;
  return dep;
}

}  // namespace

ServiceReport read_service_report(const json& document, std::vector<std::string>& errors) {
  ServiceReport report;
  if (!document.is_object()) return report;
  report.status = read_status(document, errors);
  if (const json* sys = member(document, "system")) {
    if (!sys->is_object()) {
      errors.push_back(std::string("system: expected an object, got ") + sys->type_name());
    } else {
      report.response_time_seconds = number_member(*sys, "response_time_ms", "system", 0, errors).value_or(0) / 1000.0;
      const auto requests = number_member(*sys, "requests_total", "system", 0, errors);
      const auto failed = number_member(*sys, "errors_total", "system", 0, errors);
      if (requests && failed && *requests > 0) report.error_ratio = *failed / *requests;
    }
  }
  if (const json* deps = member(document, "dependencies")) {
    if (!deps->is_array()) {
      errors.push_back(std::string("dependencies: expected an array, got ") + deps->type_name());
    } else {
      for (std::size_t i = 0; i < deps->size(); ++i) {
        if (auto dep = read_dependency((*deps)[i], element_path("dependencies", i), errors)) {
          report.dependencies.push_back(std::move(*dep));
        }
      }
    }
  }
  return report;
}

}  // namespace twikit::exporter
