#include "common/labels.h"

#include <algorithm>

namespace twikit {

Labels make_labels(std::vector<Label> labels) {
  std::stable_sort(labels.begin(), labels.end(),
                   [](const Label& a, const Label& b) { return a.first < b.first; });
  Labels out;
  out.reserve(labels.size());
  for (auto& l : labels) {
    if (!out.empty() && out.back().first == l.first) {
      out.back().second = std::move(l.second);
    } else {
      out.push_back(std::move(l));
    }
  }
  return out;
}

const std::string& label_value(const Labels& labels, const std::string& name) {
  static const std::string empty;
  auto it = std::lower_bound(labels.begin(), labels.end(), name,
                             [](const Label& l, const std::string& n) { return l.first < n; });
  return (it != labels.end() && it->first == name) ? it->second : empty;
}

void set_label(Labels& labels, const std::string& name, std::string value) {
  auto it = std::lower_bound(labels.begin(), labels.end(), name,
                             [](const Label& l, const std::string& n) { return l.first < n; });
  const bool present = it != labels.end() && it->first == name;
  if (value.empty()) {
    if (present) labels.erase(it);
  } else if (present) {
    it->second = std::move(value);
  } else {
    labels.insert(it, Label{name, std::move(value)});
  }
}

namespace {
bool is_alpha_(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
}  // namespace

bool is_valid_metric_name(std::string_view name) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (!(is_alpha_(c) || c == ':' || (i > 0 && is_digit(c)))) return false;
  }
  return true;
}

bool is_valid_label_name(std::string_view name) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (!(is_alpha_(c) || (i > 0 && is_digit(c)))) return false;
  }
  return true;
}

std::string labels_to_string(const Labels& labels) {
  std::string out = "{";
  bool first = true;
  for (const auto& [name, value] : labels) {
    if (!first) out += ", ";
    first = false;
    out += name;
    out += "=\"";
    for (char c : value) {
      if (c == '\\') out += "\\\\";
      else if (c == '"') out += "\\\"";
      else if (c == '\n') out += "\\n";
      else out += c;
    }
    out += '"';
  }
  out += '}';
  return out;
}

}  // namespace twikit
