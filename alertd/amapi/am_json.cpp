#include "alertd/amapi/am_json.h"

#include <algorithm>
#include <cstdio>

#include "common/rfc3339.h"

namespace twikit::amapi {

const char* AlertView::state() const { return silenced_by.empty() && inhibited_by.empty() ? "active" : "suppressed"; }

std::string am_time(TimestampMs t) {
  // Alertmanager always prints three digits of milliseconds; format_rfc3339 trims them.
  std::string text = format_rfc3339(t);
  text.erase(std::min(text.find('.'), text.size() - 1));  // without the fraction and the 'Z'
  const int ms = static_cast<int>(((t % 1000) + 1000) % 1000);
  char frac[8];
  std::snprintf(frac, sizeof frac, ".%03dZ", ms);
  text += frac;
  return text;
}

namespace {

nlohmann::json label_set_json(const Labels& labels) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [name, value] : labels) out[name] = value;
  return out;
}

nlohmann::json strings_json(const std::vector<std::string>& values) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& v : values) out.push_back(v);
  return out;
}

}  // namespace

nlohmann::json matcher_json(const notify::Matcher& m) {
  const bool regex = m.op() == notify::Matcher::Op::regex || m.op() == notify::Matcher::Op::not_regex;
  const bool equal = m.op() == notify::Matcher::Op::equal || m.op() == notify::Matcher::Op::regex;
  return {{"name", m.name()}, {"value", m.value()}, {"isRegex", regex}, {"isEqual", equal}};
}

nlohmann::json gettable_alert_json(const AlertView& a) {
  nlohmann::json receivers = nlohmann::json::array();
  for (const auto& r : a.receivers) receivers.push_back({{"name", r}});
  return {{"annotations", label_set_json(a.annotations)},
          {"endsAt", am_time(a.ends_at)},
          {"fingerprint", notify::fingerprint_hex(a.fingerprint)},
          {"receivers", std::move(receivers)},
          {"startsAt", am_time(a.starts_at)},
          {"status",
           {{"inhibitedBy", strings_json(a.inhibited_by)},
            {"silencedBy", strings_json(a.silenced_by)},
            {"state", a.state()}}},
          {"updatedAt", am_time(a.updated_at)},
          {"generatorURL", a.generator_url},
          {"labels", label_set_json(a.labels)}};
}

nlohmann::json alert_group_json(const AlertGroupView& g) {
  nlohmann::json alerts = nlohmann::json::array();
  for (const auto& a : g.alerts) alerts.push_back(gettable_alert_json(a));
  return {{"labels", label_set_json(g.labels)}, {"receiver", {{"name", g.receiver}}}, {"alerts", std::move(alerts)}};
}

nlohmann::json gettable_silence_json(const silence::Silence& s, TimestampMs now) {
  nlohmann::json matchers = nlohmann::json::array();
  for (const auto& m : s.matchers) matchers.push_back(matcher_json(m));
  return {{"id", s.id},
          {"status", {{"state", silence::silence_state(s, now)}}},
          {"updatedAt", am_time(s.updated_at)},
          {"matchers", std::move(matchers)},
          {"startsAt", am_time(s.starts_at)},
          {"endsAt", am_time(s.ends_at)},
          {"createdBy", s.created_by},
          {"comment", s.comment}};
}

nlohmann::json status_json(const StatusInfo& info, const std::string& config_original) {
  return {{"cluster", {{"status", "disabled"}, {"peers", nlohmann::json::array()}}},
          {"versionInfo",
           {{"version", info.version},
            {"revision", ""},
            {"branch", ""},
            {"buildUser", ""},
            {"buildDate", ""},
            {"goVersion", ""}}},
          {"config", {{"original", config_original}}},
          {"uptime", am_time(info.started_at)}};
}

nlohmann::json receivers_json(const notify::NotificationConfig& config) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : config.receivers) out.push_back({{"name", r.name}});
  return out;
}

namespace {

BodyError unparsable(const std::string& why) {
  return {400, {{"code", 400}, {"message", "parsing silence body from \"\" failed, because " + why}}};
}

BodyError required(const std::string& path) { return {422, {{"code", 602}, {"message", path + " in body is required"}}}; }

// Thrown inside parse_postable_silence() and turned into its result there.
struct Refusal {
  BodyError error;
};

// A required property: present and not null, else 422.
const nlohmann::json& need(const nlohmann::json& j, const char* name, const std::string& prefix) {
  if (!j.contains(name) || j[name].is_null()) throw Refusal{required(prefix + name)};
  return j[name];
}

std::string need_string(const nlohmann::json& j, const char* name, const std::string& prefix) {
  const auto& v = need(j, name, prefix);
  if (!v.is_string()) {
    throw Refusal{unparsable(std::string("json: cannot unmarshal ") + v.type_name() + " into field " + prefix + name +
                             " of type string")};
  }
  return v.get<std::string>();
}

bool optional_bool(const nlohmann::json& j, const char* name, const std::string& prefix, bool fallback) {
  if (!j.contains(name) || j[name].is_null()) return fallback;
  if (!j[name].is_boolean()) {
    throw Refusal{unparsable(std::string("json: cannot unmarshal ") + j[name].type_name() + " into field " + prefix +
                             name + " of type bool")};
  }
  return j[name].get<bool>();
}

TimestampMs need_time(const nlohmann::json& j, const char* name) {
  const std::string text = need_string(j, name, "");
  TimestampMs t = 0;
  if (!parse_rfc3339(text, t)) throw Refusal{unparsable("parsing time \"" + text + "\" as RFC 3339 failed")};
  return t;
}

}  // namespace

std::variant<silence::Silence, BodyError> parse_postable_silence(const std::string& body) {
  try {
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(body);
    } catch (const nlohmann::json::exception& e) {
      return unparsable(e.what());
    }
    if (!j.is_object()) return unparsable(std::string("json: cannot unmarshal ") + j.type_name() + " into a silence");
    silence::Silence s;
    if (j.contains("id") && !j["id"].is_null()) s.id = need_string(j, "id", "");
    const auto& matchers = need(j, "matchers", "");
    if (!matchers.is_array()) return unparsable(std::string("json: cannot unmarshal ") + matchers.type_name() + " into field matchers");
    if (matchers.empty()) return BodyError{422, {{"code", 612}, {"message", "matchers in body should have at least 1 items"}}};
    if (matchers.size() > silence::kMaxMatchers) {  // before building 500,000 of them
      return BodyError{400, nlohmann::json("silence invalid: a silence has at most " +
                                           std::to_string(silence::kMaxMatchers) + " matchers")};
    }
    for (std::size_t i = 0; i < matchers.size(); ++i) {
      const auto& m = matchers[i];
      const std::string prefix = "matchers." + std::to_string(i) + ".";
      if (!m.is_object()) return unparsable(std::string("json: cannot unmarshal ") + m.type_name() + " into a matcher");
      const std::string name = need_string(m, "name", prefix);
      const std::string value = need_string(m, "value", prefix);
      need(m, "isRegex", prefix);
      const bool regex = optional_bool(m, "isRegex", prefix, false);
      const bool equal = optional_bool(m, "isEqual", prefix, true);
      const auto op = regex ? (equal ? notify::Matcher::Op::regex : notify::Matcher::Op::not_regex)
                            : (equal ? notify::Matcher::Op::equal : notify::Matcher::Op::not_equal);
      try {
        s.matchers.emplace_back(name, op, value);
      } catch (const std::invalid_argument& e) {
        return BodyError{400, nlohmann::json("silence invalid: invalid label matcher " + std::to_string(i) + ": " + e.what())};
      }
    }
    s.starts_at = need_time(j, "startsAt");
    s.ends_at = need_time(j, "endsAt");
    s.created_by = need_string(j, "createdBy", "");
    s.comment = need_string(j, "comment", "");
    return s;
  } catch (const Refusal& r) {
    return r.error;
  }
}

}  // namespace twikit::amapi
