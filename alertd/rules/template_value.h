#pragma once
// The dynamic values a Prometheus alert template works with (Go's interface{} in text/template).

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <variant>
#include <vector>

namespace twikit::rules {

class TemplateValue;

/// A Go named type for template values: its name in error messages and the methods a template can call on
/// it (`.Alerts.Firing`, `.CommonLabels.SortedPairs`, `.CommonLabels.Remove .GroupLabels.Names`). A map
/// value of a struct type answers only its fields; reading another one is an error, as in Go.
struct TemplateType {
  /// A method: receives the value it was called on and the template's arguments; throws
  /// std::runtime_error with Go's message on bad arguments.
  using Method = std::function<TemplateValue(const TemplateValue& self, const std::vector<TemplateValue>& args)>;
  /// The Go type name ("template.KV", "*template.Data").
  std::string name;
  /// Methods by name; they take precedence over map keys, as Go looks up methods first.
  std::map<std::string, Method> methods;
  /// Whether map keys are the fields of a struct (a missing one is an error, not "").
  bool is_struct = false;
};

/// One template value: nil, bool, int, float, string, a map (label sets, the root data) or a list.
class TemplateValue {
 public:
  /// A map value; keys iterate in sorted order, as Go's range over a map does.
  using Map = std::map<std::string, TemplateValue>;
  /// A list value (the result of a function such as `args`).
  using List = std::vector<TemplateValue>;

  /// nil.
  TemplateValue() = default;
  /// A bool.
  TemplateValue(bool b) : v_(b) {}  // NOLINT(google-explicit-constructor)
  /// An int (Go int).
  TemplateValue(std::int64_t i) : v_(i) {}  // NOLINT(google-explicit-constructor)
  /// An int (Go int).
  TemplateValue(int i) : v_(static_cast<std::int64_t>(i)) {}  // NOLINT(google-explicit-constructor)
  /// A float64.
  TemplateValue(double d) : v_(d) {}  // NOLINT(google-explicit-constructor)
  /// A string.
  TemplateValue(std::string s) : v_(std::move(s)) {}  // NOLINT(google-explicit-constructor)
  /// A string.
  TemplateValue(const char* s) : v_(std::string(s)) {}  // NOLINT(google-explicit-constructor)
  /// A map.
  TemplateValue(Map m) : v_(std::make_shared<const Map>(std::move(m))) {}  // NOLINT
  /// A list.
  TemplateValue(List l) : v_(std::make_shared<const List>(std::move(l))) {}  // NOLINT

  /// Whether the value is nil.
  bool is_nil() const { return std::holds_alternative<std::monostate>(v_); }
  /// Whether the value is a bool.
  bool is_bool() const { return std::holds_alternative<bool>(v_); }
  /// Whether the value is an int.
  bool is_int() const { return std::holds_alternative<std::int64_t>(v_); }
  /// Whether the value is a float.
  bool is_float() const { return std::holds_alternative<double>(v_); }
  /// Whether the value is an int or a float.
  bool is_number() const { return is_int() || is_float(); }
  /// Whether the value is a string.
  bool is_string() const { return std::holds_alternative<std::string>(v_); }
  /// Whether the value is a map.
  bool is_map() const { return std::holds_alternative<std::shared_ptr<const Map>>(v_); }
  /// Whether the value is a list.
  bool is_list() const { return std::holds_alternative<std::shared_ptr<const List>>(v_); }

  /// The bool (precondition: is_bool()).
  bool as_bool() const { return std::get<bool>(v_); }
  /// The int (precondition: is_int()).
  std::int64_t as_int() const { return std::get<std::int64_t>(v_); }
  /// The number as a double (precondition: is_number()).
  double as_double() const { return is_int() ? static_cast<double>(as_int()) : std::get<double>(v_); }
  /// The string (precondition: is_string()).
  const std::string& as_string() const { return std::get<std::string>(v_); }
  /// The map (precondition: is_map()).
  const Map& as_map() const { return *std::get<std::shared_ptr<const Map>>(v_); }
  /// The list (precondition: is_list()).
  const List& as_list() const { return *std::get<std::shared_ptr<const List>>(v_); }

  /// This value with Go type `type` (nullptr: the plain type of its kind).
  TemplateValue with_type(std::shared_ptr<const TemplateType> type) const {
    TemplateValue v = *this;
    v.type_ = std::move(type);
    return v;
  }
  /// The Go type the value was given with with_type(), or nullptr.
  const TemplateType* type() const { return type_.get(); }

  /// Go's truth: false, 0, nil and empty strings, maps and lists are false.
  bool truthy() const;
  /// Prints the value as Go's fmt %v does ("1e+06", "map[a:b]", "<no value>" for nil).
  std::string to_string() const;
  /// The Go type name used in error messages ("float64", "string", "map[string]string").
  std::string type_name() const;

 private:
  std::variant<std::monostate, bool, std::int64_t, double, std::string, std::shared_ptr<const Map>,
               std::shared_ptr<const List>>
      v_;
  std::shared_ptr<const TemplateType> type_;
};

}  // namespace twikit::rules
