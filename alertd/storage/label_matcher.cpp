#include "alertd/storage/label_matcher.h"

#include <mutex>
#include <vector>
#include <unordered_map>

namespace twikit::storage {

namespace {

bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
char flip_case(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : static_cast<char>(c + 32); }

}  // namespace

std::string re2_to_ecmascript(const std::string& re) {
  std::string out;
  std::vector<bool> ci_stack{false};  // case-insensitivity per open group
  bool in_class = false;
  for (std::size_t i = 0; i < re.size(); ++i) {
    const char c = re[i];
    const bool ci = ci_stack.back();
    if (c == '\\' && i + 1 < re.size()) {
      out += c;
      out += re[++i];
      continue;
    }
    if (in_class) {
      if (c == ']') {
        in_class = false;
        out += c;
      } else if (ci && is_letter(c) && i + 2 < re.size() && re[i + 1] == '-' && is_letter(re[i + 2])) {
        out += std::string{c, '-', re[i + 2], flip_case(c), '-', flip_case(re[i + 2])};
        i += 2;
      } else if (ci && is_letter(c)) {
        out += std::string{c, flip_case(c)};
      } else {
        out += c;
      }
      continue;
    }
    if (c == '[') {
      in_class = true;
      out += c;
      if (i + 1 < re.size() && re[i + 1] == '^') out += re[++i];
      if (i + 1 < re.size() && re[i + 1] == ']') out += re[++i];
      continue;
    }
    if (c == '(') {
      if (re.compare(i, 3, "(?i") == 0 || re.compare(i, 3, "(?s") == 0 || re.compare(i, 3, "(?m") == 0 ||
          re.compare(i, 3, "(?U") == 0) {
        // Go flag groups: (?flags) applies to the rest of the group, (?flags:...) opens a group.
        std::size_t j = i + 2;
        bool set_ci = ci;
        while (j < re.size() && re[j] != ')' && re[j] != ':') {
          if (re[j] == 'i') set_ci = true;
          if (re[j] == '-') set_ci = false;
          ++j;
        }
        if (j < re.size() && re[j] == ')') {
          ci_stack.back() = set_ci;
        } else {
          ci_stack.push_back(set_ci);
          out += "(?:";
        }
        i = j;
        continue;
      }
      if (re.compare(i, 4, "(?P<") == 0) {
        const std::size_t close = re.find('>', i);
        if (close != std::string::npos) {
          ci_stack.push_back(ci);
          out += '(';
          i = close;
          continue;
        }
      }
      ci_stack.push_back(ci);
      out += c;
      continue;
    }
    if (c == ')') {
      if (ci_stack.size() > 1) ci_stack.pop_back();
      out += c;
      continue;
    }
    if (c == '.') {
      out += "[\\s\\S]";  // Prometheus compiles with (?s): '.' matches newlines too
      continue;
    }
    if (ci && is_letter(c)) {
      out += std::string{'[', c, flip_case(c), ']'};
      continue;
    }
    out += c;
  }
  return out;
}

std::shared_ptr<const std::regex> compile_anchored_regex(const std::string& pattern) {
  // Rules re-parse the same expressions every cycle; compiling std::regex is costly, so cache it.
  static std::mutex mu;
  static std::unordered_map<std::string, std::shared_ptr<const std::regex>> cache;
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = cache.find(pattern);
    if (it != cache.end()) return it->second;
  }
  auto re = std::make_shared<const std::regex>("^(?:" + re2_to_ecmascript(pattern) + ")$", std::regex::ECMAScript);
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
