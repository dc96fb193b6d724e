#include "alertd/api/monitoring_json.h"

#include <charconv>

#include "alertd/notify/notification_json.h"

namespace twikit::api {

namespace {
nlohmann::json time_or_null(TimestampMs t) { return t == 0 ? nlohmann::json(nullptr) : nlohmann::json(notify::format_rfc3339(t)); }
}  // namespace

nlohmann::json alert_json(const persistence::AlertRecord& r) {
  const std::string id = notify::fingerprint_hex(r.fingerprint);
  nlohmann::json j = {{"id", id},
                      {"fingerprint", id},
                      {"labels", notify::labels_to_json(r.labels)},
                      {"annotations", notify::labels_to_json(r.annotations)},
                      {"state", r.state},
                      {"activeAt", time_or_null(r.active_at)},
                      {"firedAt", time_or_null(r.fired_at)},
                      {"resolvedAt", time_or_null(r.resolved_at)},
                      {"updatedAt", time_or_null(r.updated_at)},
                      {"generatorURL", r.generator_url},
                      {"acknowledged", r.ack.has_value()},
                      {"acknowledgement", nullptr}};
  if (r.ack) {
    j["acknowledgement"] = {{"by", r.ack->by}, {"comment", r.ack->comment}, {"at", notify::format_rfc3339(r.ack->at)}};
  }
  return j;
}

nlohmann::json history_json(const persistence::HistoryEvent& e) {
  return {{"event", e.event}, {"at", notify::format_rfc3339(e.at)}, {"detail", e.detail}};
}

nlohmann::json silence_json(const silence::Silence& s, TimestampMs now) {
  nlohmann::json matchers = nlohmann::json::array();
  for (const auto& m : s.matchers) {
    const bool regex = m.op() == notify::Matcher::Op::regex || m.op() == notify::Matcher::Op::not_regex;
    const bool equal = m.op() == notify::Matcher::Op::equal || m.op() == notify::Matcher::Op::regex;
    matchers.push_back({{"name", m.name()}, {"value", m.value()}, {"isRegex", regex}, {"isEqual", equal}});
  }
  return {{"id", s.id},
          {"matchers", matchers},
          {"startsAt", notify::format_rfc3339(s.starts_at)},
          {"endsAt", notify::format_rfc3339(s.ends_at)},
          {"updatedAt", notify::format_rfc3339(s.updated_at)},
          {"createdBy", s.created_by},
          {"comment", s.comment},
          {"status", {{"state", silence::silence_state(s, now)}}}};
}

bool parse_api_time(const std::string& text, TimestampMs& out) {
  if (notify::parse_rfc3339(text, out)) return true;
  double seconds = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (ec != std::errc() || ptr != text.data() + text.size() || text.empty()) return false;
  out = static_cast<TimestampMs>(seconds * 1000.0);
  return true;
}

}  // namespace twikit::api
