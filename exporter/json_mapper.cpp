#include "exporter/json_mapper.h"

#include <cmath>
#include <optional>

#include "common/exposition.h"
#include "exporter/json_fields.h"

namespace twikit::exporter {
namespace {

using nlohmann::json;

// A spec's value: strings through value_map when the spec has one, else any number read_number accepts,
// scaled; nullopt with `why` set when it cannot be read. `path()` gives the value's path for a message (built
// only then: most values read).
template <typename Path>
std::optional<double> to_number(const json& v, const MetricSpec& spec, const Path& path, std::string& why) {
  if (!spec.value_map.empty()) {
    if (!v.is_string()) {
      why = path() + ": expected a string, got " + v.type_name();
      return std::nullopt;
    }
    const auto& s = v.get_ref<const std::string&>();
    if (auto it = spec.value_map.find(s); it != spec.value_map.end()) return it->second;
    why = path() + ": unknown value " + quoted_for_message(s);
    return std::nullopt;
  }
  std::optional<double> number;
  if (v.is_boolean()) {
    number = v.get<bool>() ? 1.0 : 0.0;
  } else if (v.is_number() && std::isfinite(v.get<double>())) {
    number = v.get<double>();
  } else {
    number = read_number(v, path(), why);  // a string, or not a number: read_number's words
  }
  if (!number) return std::nullopt;
  const double scaled = *number * spec.scale;
  if (!std::isfinite(scaled)) {
    why = path() + ": number out of range";
    return std::nullopt;
  }
  return scaled;
}

// Emits the samples of one spec read from `scope` (the root, shown as "", or one array element, shown as
// e.g. "dependencies[2]").
bool emit(const json& root, const json& scope, const std::string& shown, const MetricSpec& spec,
          const std::string& value_path, const std::string& service, MappingResult& out, std::string& why) {
  std::vector<Label> labels{{"service", service}};
  for (const auto& [name, path] : spec.labels) {
    const json* v = resolve_path(scope, path, shown, why);
    if (!v) return false;
    if (v->is_string()) {
      labels.emplace_back(name, v->get_ref<const std::string&>());
      continue;
    }
    auto text = read_label_value(*v, child_path(shown, path), why);
    if (!text) return false;
    labels.emplace_back(name, std::move(*text));
  }
  if (spec.constant && spec.path.empty()) {
    out.samples.push_back({&spec, make_labels(std::move(labels)), *spec.constant});
    return true;
  }
  static const std::string kRoot;
  const std::string& base = spec.each ? shown : kRoot;
  const json* v = resolve_path(spec.each ? scope : root, value_path, base, why);
  if (!v) return false;
  auto path = [&] { return value_path.empty() ? base : child_path(base, value_path); };
  if (!spec.states.empty()) {
    if (!v->is_string()) {
      why = path() + ": expected a string, got " + v->type_name();
      return false;
    }
    const auto& current = v->get_ref<const std::string&>();
    bool known = false;
    for (const auto& state : spec.states) known = known || state == current;
    if (!known) {
      why = path() + ": unknown state " + quoted_for_message(current);
      return false;
    }
    for (const auto& state : spec.states) {
      auto with_state = labels;
      with_state.emplace_back(spec.state_label, state);
      out.samples.push_back({&spec, make_labels(std::move(with_state)), state == current ? 1.0 : 0.0});
    }
    return true;
  }
  auto number = spec.constant ? spec.constant : to_number(*v, spec, path, why);
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
      if (!emit(document, document, "", *spec, spec->path, service, out, why)) out.errors.push_back(why);
      continue;
    }
    const json* array = resolve_path(document, spec->path, "", why);
    if (array && !array->is_array()) why = spec->path + ": expected an array, got " + array->type_name();
    if (!array || !array->is_array()) {
      out.errors.push_back(why);
      continue;
    }
    bool reported = false;
    for (std::size_t i = 0; i < array->size(); ++i) {
      // Each element is read on its own: a bad one costs its own sample, not its neighbours'.
      if (!emit(document, (*array)[i], element_path(spec->path, i), *spec, *spec->each, service, out, why) &&
          !reported) {
        out.errors.push_back(why);
        reported = true;
      }
    }
  }
  return out;
}

}  // namespace twikit::exporter
