#include "alertd/notify/matcher.h"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace twikit::notify {

const char* op_string(Matcher::Op op) {
  switch (op) {
    case Matcher::Op::equal: return "=";
    case Matcher::Op::not_equal: return "!=";
    case Matcher::Op::regex: return "=~";
    case Matcher::Op::not_regex: return "!~";
  }
  return "=";
}

Matcher::Matcher(std::string name, Op op, std::string value)
    : name_(std::move(name)), op_(op), value_(std::move(value)) {
  // Alertmanager's matcher syntax allows ':' in names ([a-zA-Z_:][a-zA-Z0-9_:]*), as metric names do.
  const bool valid = !name_.empty() && std::isdigit(static_cast<unsigned char>(name_[0])) == 0 &&
                     std::all_of(name_.begin(), name_.end(), [](char c) {
                       return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == ':';
                     });
  if (!valid) throw std::invalid_argument("invalid label name \"" + name_ + "\"");
  if (op_ == Op::regex || op_ == Op::not_regex) {
    try {
      regex_ = Regex::compile(value_, RegexAnchor::alertmanager);
    } catch (const RegexError& e) {
      throw std::invalid_argument("invalid regular expression \"" + value_ + "\": " + e.what());
    }
  }
}

bool Matcher::matches_value(const std::string& value) const {
  switch (op_) {
    case Op::equal: return value == value_;
    case Op::not_equal: return value != value_;
    case Op::regex: return regex_->full_match(value);
    case Op::not_regex: return !regex_->full_match(value);
  }
  return false;
}

bool Matcher::matches(const Labels& labels) const { return matches_value(label_value(labels, name_)); }

std::string Matcher::to_string() const {
  std::string out = name_ + op_string(op_) + "\"";
  for (const char c : value_) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Reads one matcher from `text` starting at `pos`; stops before a ',' or '}' outside quotes.
Matcher read_matcher(const std::string& text, std::size_t& pos) {
  while (pos < text.size() && is_space(text[pos])) ++pos;
  const std::size_t name_start = pos;
  while (pos < text.size() &&
         (std::isalnum(static_cast<unsigned char>(text[pos])) || text[pos] == '_' || text[pos] == ':')) {
    ++pos;
  }
  const std::string name = text.substr(name_start, pos - name_start);
  if (name.empty()) throw std::invalid_argument("matcher \"" + text + "\": missing label name");
  while (pos < text.size() && is_space(text[pos])) ++pos;
  Matcher::Op op{};
  if (text.compare(pos, 2, "=~") == 0) {
    op = Matcher::Op::regex;
    pos += 2;
  } else if (text.compare(pos, 2, "!~") == 0) {
    op = Matcher::Op::not_regex;
    pos += 2;
  } else if (text.compare(pos, 2, "!=") == 0) {
    op = Matcher::Op::not_equal;
    pos += 2;
  } else if (text.compare(pos, 1, "=") == 0) {
    op = Matcher::Op::equal;
    pos += 1;
  } else {
    throw std::invalid_argument("matcher \"" + text + "\": expected one of =, !=, =~, !~ after \"" + name +
                                "\"");
  }
  while (pos < text.size() && is_space(text[pos])) ++pos;
  std::string value;
  if (pos < text.size() && text[pos] == '"') {
    ++pos;
    bool closed = false;
    while (pos < text.size()) {
      const char c = text[pos++];
      if (c == '\\' && pos < text.size()) {
        const char e = text[pos++];
        value += e == 'n' ? '\n' : e;
      } else if (c == '"') {
        closed = true;
        break;
      } else {
        value += c;
      }
    }
    if (!closed) throw std::invalid_argument("matcher \"" + text + "\": unterminated quoted value");
  } else {
    const std::size_t start = pos;
    while (pos < text.size() && text[pos] != ',' && text[pos] != '}') ++pos;
    value = text.substr(start, pos - start);
    while (!value.empty() && is_space(value.back())) value.pop_back();
    if (value.find('"') != std::string::npos) {
      throw std::invalid_argument("matcher \"" + text + "\": stray quote in unquoted value");
    }
  }
  while (pos < text.size() && is_space(text[pos])) ++pos;
  return Matcher(name, op, value);
}

}  // namespace

Matcher parse_matcher(const std::string& text) {
  std::size_t pos = 0;
  Matcher m = read_matcher(text, pos);
  if (pos != text.size()) {
    throw std::invalid_argument("matcher \"" + text + "\": unexpected \"" + text.substr(pos) + "\"");
  }
  return m;
}

Matchers parse_matchers(const std::string& text) {
  std::size_t pos = 0;
  while (pos < text.size() && is_space(text[pos])) ++pos;
  const bool braced = pos < text.size() && text[pos] == '{';
  if (braced) ++pos;
  Matchers out;
  while (true) {
    while (pos < text.size() && is_space(text[pos])) ++pos;
    if (pos >= text.size() || text[pos] == '}') break;
    out.push_back(read_matcher(text, pos));
    if (pos < text.size() && text[pos] == ',') ++pos;
    else break;
  }
  if (braced) {
    if (pos >= text.size() || text[pos] != '}') throw std::invalid_argument("matchers \"" + text + "\": missing '}'");
    ++pos;
  }
  while (pos < text.size() && is_space(text[pos])) ++pos;
  if (pos != text.size()) throw std::invalid_argument("matchers \"" + text + "\": unexpected trailing text");
  return out;
}

bool matches_all(const Matchers& matchers, const Labels& labels) {
  for (const auto& m : matchers) {
    if (!m.matches(labels)) return false;
  }
  return true;
}

}  // namespace twikit::notify
