#include "alertd/storage/label_matcher.h"

#include <mutex>
#include <unordered_map>

namespace twikit::storage {

std::shared_ptr<const std::regex> compile_anchored_regex(const std::string& pattern) {
  // Rules re-parse the same expressions every cycle; compiling std::regex is costly, so cache it.
  static std::mutex mu;
  static std::unordered_map<std::string, std::shared_ptr<const std::regex>> cache;
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = cache.find(pattern);
    if (it != cache.end()) return it->second;
  }
  auto re = std::make_shared<const std::regex>("^(?:" + pattern + ")$", std::regex::ECMAScript);
  std::lock_guard<std::mutex> lock(mu);
  if (cache.size() > 10000) cache.clear();
  cache.emplace(pattern, re);
  return re;
}

LabelMatcher::LabelMatcher(MatchType type, std::string name, std::string value)
    : type_(type), name_(std::move(name)), value_(std::move(value)) {
  if (type_ == MatchType::re || type_ == MatchType::nre) regex_ = compile_anchored_regex(value_);
  matches_empty_ = matches("");
}

bool LabelMatcher::matches(std::string_view value) const {
  switch (type_) {
    case MatchType::eq:
      return value == value_;
    case MatchType::neq:
      return value != value_;
    case MatchType::re:
      return std::regex_match(value.begin(), value.end(), *regex_);
    case MatchType::nre:
      return !std::regex_match(value.begin(), value.end(), *regex_);
  }
  return false;
}

std::string LabelMatcher::to_string() const {
  static const char* const ops[] = {"=", "!=", "=~", "!~"};
  std::string out = name_;
  out += ops[static_cast<int>(type_)];
  out += '"';
  for (char c : value_) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace twikit::storage
