#include "alertd/api/monitoring_json.h"

#include <charconv>
#include <cmath>
#include <cstdint>

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
                      // Prometheus' activeAt, as in /api/v1/alerts: when the condition first held (the pending
                      // start); startsAt for rows stored before alertd kept it. firedAt is the firing start.
                      {"activeAt", time_or_null(r.rule_active_at != 0 ? r.rule_active_at : r.active_at)},
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
  // NaN, infinities and times beyond year 9999 would overflow the conversion (and mean nothing).
  constexpr double kMaxSeconds = 253'402'300'799.0;  // 9999-12-31T23:59:59Z
  if (!std::isfinite(seconds) || seconds < -kMaxSeconds || seconds > kMaxSeconds) return false;
  out = static_cast<TimestampMs>(seconds * 1000.0);
  return true;
}

bool is_valid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > text.size()) return false;
    for (std::size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(text[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    static constexpr std::uint32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMinForLength[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

std::optional<std::string> invalid_utf8_param(const WebParams& params) {
  for (const auto& [name, value] : params) {
    if (!is_valid_utf8(name)) return std::string("invalid parameter name: not valid UTF-8");
    if (!is_valid_utf8(value)) return "invalid parameter \"" + name + "\": not valid UTF-8";
  }
  return std::nullopt;
}

}  // namespace twikit::api
