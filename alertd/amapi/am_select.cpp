#include "alertd/amapi/am_select.h"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace twikit::amapi {

std::variant<notify::Matchers, std::string> parse_filter(const WebParams& params) {
  notify::Matchers out;
  for (const auto& [name, value] : params) {
    if (name != "filter") continue;
    try {
      out.push_back(notify::parse_matcher(value));
    } catch (const std::invalid_argument& e) {
      // Alertmanager's words for a syntax error; a bad regex says what is wrong with it.
      const std::string what = e.what();
      if (what.starts_with("invalid regular expression")) return what;
      return "bad matcher format: " + value;
    }
  }
  return out;
}

namespace {

// go-openapi's swag.ConvertBool, with its error wording.
std::optional<std::string> read_bool(const WebParams& params, const char* name, bool& out) {
  for (const auto& [k, v] : params) {
    if (k != name) continue;
    std::string lower = v;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (lower == "true" || lower == "1" || lower == "yes" || lower == "y" || lower == "on" || lower == "ok" ||
        lower == "checked" || lower == "selected" || lower == "enabled") {
      out = true;
    } else if (lower == "false" || lower == "0" || lower == "no" || lower == "n" || lower == "off" || lower.empty() ||
               lower == "unchecked" || lower == "unselected" || lower == "disabled") {
      out = false;
    } else {
      return std::string(name) + " in query must be of type boolean: \"" + v + "\"";
    }
    break;  // go-swagger reads the first value of a non-array parameter
  }
  return std::nullopt;
}

}  // namespace

std::variant<AlertFilter, std::string> parse_alert_filter(const WebParams& params) {
  AlertFilter f;
  auto matchers = parse_filter(params);
  if (auto* error = std::get_if<std::string>(&matchers)) return *error;
  f.matchers = std::move(std::get<notify::Matchers>(matchers));
  for (const auto& [name, target] : {std::pair<const char*, bool*>{"active", &f.active},
                                     {"silenced", &f.silenced},
                                     {"inhibited", &f.inhibited},
                                     {"unprocessed", &f.unprocessed}}) {
    if (auto error = read_bool(params, name, *target)) return *error;
  }
  for (const auto& [k, v] : params) {
    if (k != "receiver") continue;
    try {
      f.receiver = Regex::compile(v, RegexAnchor::alertmanager);
    } catch (const RegexError& e) {
      return std::string("failed to parse receiver param: ") + e.what();
    }
    break;
  }
  return f;
}

bool filter_matches(const notify::Matchers& filter, const Labels& labels) {
  for (const auto& m : filter) {
    const auto it = std::find_if(labels.begin(), labels.end(), [&](const Label& l) { return l.first == m.name(); });
    const bool present = it != labels.end();
    const bool negative = m.op() == notify::Matcher::Op::not_equal || m.op() == notify::Matcher::Op::not_regex;
    if (m.value().empty() && present == negative) continue;
    if (!m.matches_value(present ? it->second : std::string())) return false;
  }
  return true;
}

bool alert_selected(const AlertFilter& filter, const AlertView& alert) {
  const bool suppressed = !alert.silenced_by.empty() || !alert.inhibited_by.empty();
  if (!filter.active && !suppressed) return false;
  if (!filter.silenced && !alert.silenced_by.empty()) return false;
  if (!filter.inhibited && !alert.inhibited_by.empty()) return false;
  return filter_matches(filter.matchers, alert.labels);
}

bool receiver_selected(const AlertFilter& filter, const std::vector<std::string>& receivers) {
  if (!filter.receiver) return true;
  return std::any_of(receivers.begin(), receivers.end(), [&](const std::string& r) { return filter.receiver->full_match(r); });
}

bool silence_selected(const notify::Matchers& filter, const silence::Silence& s) {
  return std::all_of(filter.begin(), filter.end(), [&](const notify::Matcher& f) {
    return std::any_of(s.matchers.begin(), s.matchers.end(), [&](const notify::Matcher& m) {
      return m.name() == f.name() && m.op() == f.op() && m.value() == f.value();
    });
  });
}

void sort_silences(std::vector<silence::Silence>& silences, TimestampMs now) {
  const auto rank = [now](const silence::Silence& s) {
    const std::string state = silence::silence_state(s, now);
    return state == "active" ? 1 : state == "pending" ? 2 : 3;
  };
  std::stable_sort(silences.begin(), silences.end(), [&](const silence::Silence& a, const silence::Silence& b) {
    const int ra = rank(a), rb = rank(b);
    if (ra != rb) return ra < rb;
    if (ra == 1) return a.ends_at < b.ends_at;
    if (ra == 2) return a.starts_at < b.starts_at;
    return a.ends_at > b.ends_at;
  });
}

}  // namespace twikit::amapi
