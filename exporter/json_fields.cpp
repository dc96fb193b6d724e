#include "exporter/json_fields.h"

#include <charconv>
#include <cmath>

#include "common/exposition.h"

namespace twikit::exporter {

using nlohmann::json;

std::string child_path(const std::string& parent, std::string_view key) {
  if (parent.empty()) return std::string(key);
  std::string out;
  out.reserve(parent.size() + 1 + key.size());
  out.append(parent).append(".").append(key);
  return out;
}

std::string element_path(const std::string& parent, std::size_t index) {
  return parent + "[" + std::to_string(index) + "]";
}

const json* resolve_path(const json& root, std::string_view path, const std::string& shown, std::string& error) {
  if (path.empty()) return &root;
  const json* node = &root;
  std::size_t start = 0;
  // Where the walk stands, for a message only: `shown` and the keys of `path` before `start`.
  auto at = [&] {
    std::string where = start == 0 ? shown : child_path(shown, path.substr(0, start - 1));
    return where.empty() ? std::string("document root") : where;
  };
  for (;;) {
    const std::size_t dot = path.find('.', start);
    const std::string_view key = path.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (node->is_object()) {
      auto it = node->find(key);
      if (it == node->end()) {
        error = child_path(shown, path) + ": not found";
        return nullptr;
      }
      node = &*it;
    } else if (node->is_array()) {
      std::size_t index = 0;
      const auto [p, ec] = std::from_chars(key.data(), key.data() + key.size(), index);
      if (ec != std::errc() || p != key.data() + key.size()) {
        error = at() + ": expected an object, got array";
        return nullptr;
      }
      if (index >= node->size()) {
        error = child_path(shown, path) + ": not found";
        return nullptr;
      }
      node = &(*node)[index];
    } else {
      error = at() + ": expected an object, got " + node->type_name();
      return nullptr;
    }
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return node;
}

std::optional<double> read_number(const json& value, const std::string& path, std::string& error) {
  double d = 0;
  if (value.is_boolean()) return value.get<bool>() ? 1.0 : 0.0;
  if (value.is_number()) {
    d = value.get<double>();
  } else if (value.is_string()) {
    const auto& s = value.get_ref<const std::string&>();
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
    // "nan" and "inf" parse, but they are not what a service means by a number.
    if (s.empty() || ec != std::errc() || p != s.data() + s.size() || !std::isfinite(d)) {
      error = path + ": expected a number, got string";
      return std::nullopt;
    }
  } else {
    error = path + ": expected a number, got " + value.type_name();
    return std::nullopt;
  }
  if (!std::isfinite(d)) {
    error = path + ": number out of range";
    return std::nullopt;
  }
  return d;
}

std::optional<std::string> read_label_value(const json& value, const std::string& path, std::string& error) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  if (value.is_number()) return format_double(value.get<double>());
  error = path + ": expected a string, got " + value.type_name();
  return std::nullopt;
}

std::string quoted_for_message(std::string_view text) {
  constexpr std::size_t kMax = 64;
  std::size_t cut = text.size();
  if (cut > kMax) {
    cut = kMax;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // not inside a character
  }
  std::string out = "\"";
  out.append(text.substr(0, cut));
  if (cut < text.size()) out += "\xE2\x80\xA6";  // …
  out += '"';
  return out;
}

}  // namespace twikit::exporter
