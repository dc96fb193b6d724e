#include "alertd/storage/label_matcher.h"

namespace twikit::storage {

LabelMatcher::LabelMatcher(MatchType type, std::string name, std::string value)
    : type_(type), name_(std::move(name)), value_(std::move(value)) {
  if (type_ == MatchType::re || type_ == MatchType::nre) regex_ = Regex::compile(value_, RegexAnchor::promql);
  matches_empty_ = matches("");
}

LabelMatcher::LabelMatcher(const LabelMatcher&) = default;
LabelMatcher::LabelMatcher(LabelMatcher&&) noexcept = default;
LabelMatcher& LabelMatcher::operator=(const LabelMatcher&) = default;
LabelMatcher& LabelMatcher::operator=(LabelMatcher&&) noexcept = default;
LabelMatcher::~LabelMatcher() = default;

bool LabelMatcher::matches(std::string_view value) const {
  switch (type_) {
    case MatchType::eq:
      return value == value_;
    case MatchType::neq:
      return value != value_;
    case MatchType::re:
      return regex_->full_match(value);
    case MatchType::nre:
      return !regex_->full_match(value);
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
