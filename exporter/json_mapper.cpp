#include "exporter/json_mapper.h"

#include <charconv>
#include <optional>

#include "common/exposition.h"

namespace twikit::exporter {
namespace {

using nlohmann::json;

// Follows a dotted path ("metrics.sessions.total"); numeric segments index arrays.
const json* resolve(const json& root, const std::string& path) {
  if (path.empty()) return &root;
  const json* node = &root;
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t dot = path.find('.', start);
    const std::string key = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (node->is_object()) {
      auto it = node->find(key);
      if (it == node->end()) return nullptr;
      node = &*it;
    } else if (node->is_array()) {
      std::size_t index = 0;
      auto [p, ec] = std::from_chars(key.data(), key.data() + key.size(), index);
      if (ec != std::errc() || p != key.data() + key.size() || index >= node->size()) return nullptr;
      node = &(*node)[index];
    } else {
      return nullptr;
    }
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return node;
}

std::optional<double> to_number(const json& v, const MetricSpec& spec, std::string& why) {
  if (v.is_boolean()) return v.get<bool>() ? 1.0 : 0.0;
  if (v.is_number()) return v.get<double>() * spec.scale;
  if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    if (auto it = spec.value_map.find(s); it != spec.value_map.end()) return it->second;
    double d = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
    if (ec == std::errc() && p == s.data() + s.size() && spec.value_map.empty()) return d * spec.scale;
    why = "unmapped value \"" + s + "\"";
    return std::nullopt;
  }
  why = std::string("expected a number, got ") + v.type_name();
  return std::nullopt;
}

std::optional<std::string> to_label_value(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number()) return format_double(v.get<double>());
  return std::nullopt;
}

// Emits the samples of one spec read from `scope` (the root, or one array element).
bool emit(const json& root, const json& scope, const MetricSpec& spec, const std::string& value_path,
          const std::string& service, MappingResult& out, std::string& why) {
  std::vector<Label> labels{{"service", service}};
  for (const auto& [name, path] : spec.labels) {
    const json* v = resolve(scope, path);
    auto text = v ? to_label_value(*v) : std::nullopt;
    if (!text) {
      why = "label " + name + ": path " + path + (v ? " is not a scalar" : " not found");
      return false;
    }
    labels.emplace_back(name, std::move(*text));
  }
  if (spec.constant && spec.path.empty()) {
    out.samples.push_back({&spec, make_labels(std::move(labels)), *spec.constant});
    return true;
  }
  const json* v = resolve(spec.each ? scope : root, value_path);
  if (!v) {
    why = "path " + value_path + " not found";
    return false;
  }
  if (!spec.states.empty()) {
    if (!v->is_string()) {
      why = "state set " + spec.name + " expects a string";
      return false;
    }
    const auto& current = v->get_ref<const std::string&>();
    bool known = false;
    for (const auto& state : spec.states) known = known || state == current;
    if (!known) {
      why = "unknown state \"" + current + "\"";
      return false;
    }
    for (const auto& state : spec.states) {
      auto with_state = labels;
      with_state.emplace_back(spec.state_label, state);
      out.samples.push_back({&spec, make_labels(std::move(with_state)), state == current ? 1.0 : 0.0});
    }
    return true;
  }
  auto number = spec.constant ? spec.constant : to_number(*v, spec, why);
  if (!number) return false;
  out.samples.push_back({&spec, make_labels(std::move(labels)), *number});
  return true;
}

}  // namespace

MappingResult map_document(const nlohmann::json& document, const std::vector<const MetricSpec*>& specs,
                           const std::string& service) {
  MappingResult out;
  for (const MetricSpec* spec : specs) {
    std::string why;
    if (!spec->each) {
      if (!emit(document, document, *spec, spec->path, service, out, why)) {
        out.errors.push_back(spec->name + ": " + why);
      }
      continue;
    }
    const json* array = resolve(document, spec->path);
    if (!array || !array->is_array()) {
      out.errors.push_back(spec->name + ": path " + spec->path + (array ? " is not an array" : " not found"));
      continue;
    }
    for (const json& element : *array) {
      if (!emit(document, element, *spec, *spec->each, service, out, why)) {
        out.errors.push_back(spec->name + ": " + why);
        break;  // one message per spec is enough; the good elements are kept
      }
    }
  }
  return out;
}

}  // namespace twikit::exporter
