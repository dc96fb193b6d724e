#include "alertd/amapi/am_config_yaml.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdio>

#include "common/duration.h"

namespace twikit::amapi {
namespace {

constexpr const char* kSecret = "<secret>";
// Alertmanager 0.25 writes a webhook URL in clear and reads it back as a URL (no "<secret>"); alertd treats it
// as a secret (url_file), so it writes an address that parses and can never resolve (RFC 6761).
constexpr const char* kRedactedUrl = "https://redacted.invalid/";

void emit_strings(YAML::Emitter& out, const char* key, const std::vector<std::string>& values) {
  out << YAML::Key << key << YAML::Value << YAML::Flow << YAML::BeginSeq;
  for (const auto& v : values) out << v;
  out << YAML::EndSeq;
}

void emit_matchers(YAML::Emitter& out, const char* key, const notify::Matchers& matchers) {
  std::vector<std::string> texts;
  for (const auto& m : matchers) texts.push_back(m.to_string());
  emit_strings(out, key, texts);
}

std::vector<std::string> group_by(const notify::RouteConfig& r) {
  return r.group_by_all ? std::vector<std::string>{"..."} : r.group_by;
}

// Deeper route trees than this are cut off (yaml-cpp's parser already refuses far shallower documents).
constexpr int kMaxRouteDepth = 256;

void emit_route(YAML::Emitter& out, const notify::RouteConfig& r, const notify::RouteConfig* parent, int depth) {
  out << YAML::BeginMap;
  if (!parent || r.receiver != parent->receiver) out << YAML::Key << "receiver" << YAML::Value << r.receiver;
  if (!parent || group_by(r) != group_by(*parent)) emit_strings(out, "group_by", group_by(r));
  if (!r.matchers.empty()) emit_matchers(out, "matchers", r.matchers);
  if (r.continue_matching) out << YAML::Key << "continue" << YAML::Value << true;
  if (!r.mute_time_intervals.empty()) emit_strings(out, "mute_time_intervals", r.mute_time_intervals);
  if (!r.active_time_intervals.empty()) emit_strings(out, "active_time_intervals", r.active_time_intervals);
  const std::pair<const char*, std::int64_t notify::FlushTiming::*> timings[] = {
      {"group_wait", &notify::FlushTiming::group_wait_ms},
      {"group_interval", &notify::FlushTiming::group_interval_ms},
      {"repeat_interval", &notify::FlushTiming::repeat_interval_ms}};
  for (const auto& [key, field] : timings) {
    if (!parent || r.timing.*field != parent->timing.*field) {
      out << YAML::Key << key << YAML::Value << format_duration_ms(r.timing.*field);
    }
  }
  if (!r.routes.empty() && depth < kMaxRouteDepth) {
    out << YAML::Key << "routes" << YAML::Value << YAML::BeginSeq;
    for (const auto& child : r.routes) emit_route(out, child, &r, depth + 1);
    out << YAML::EndSeq;
  }
  out << YAML::EndMap;
}

std::string range_text(const notify::InclusiveRange& r, const char* const* names) {
  const auto one = [names](int v) { return names ? std::string(names[v]) : std::to_string(v); };
  return r.begin == r.end ? one(r.begin) : one(r.begin) + ":" + one(r.end);
}

void emit_ranges(YAML::Emitter& out, const char* key, const std::vector<notify::InclusiveRange>& ranges,
                 const char* const* names = nullptr) {
  if (ranges.empty()) return;
  std::vector<std::string> texts;
  for (const auto& r : ranges) texts.push_back(range_text(r, names));
  emit_strings(out, key, texts);
}

std::string time_of_day(int minute) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d:%02d", minute / 60 % 100, minute % 60);
  return buf;
}

// Times of day are quoted: YAML 1.1 would read 22:00 as the base-60 number 1320.
void emit_time_interval(YAML::Emitter& out, const notify::TimeInterval& t) {
  static const char* const kWeekdays[] = {"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"};
  out << YAML::BeginMap;
  if (!t.times.empty()) {
    out << YAML::Key << "times" << YAML::Value << YAML::BeginSeq;
    for (const auto& m : t.times) {
      out << YAML::Flow << YAML::BeginMap << YAML::Key << "start_time" << YAML::Value << YAML::DoubleQuoted
          << time_of_day(m.start_minute) << YAML::Key << "end_time" << YAML::Value << YAML::DoubleQuoted
          << time_of_day(m.end_minute) << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }
  const bool weekdays_valid = std::all_of(t.weekdays.begin(), t.weekdays.end(), [](const notify::InclusiveRange& r) {
    return r.begin >= 0 && r.begin <= 6 && r.end >= 0 && r.end <= 6;
  });
  emit_ranges(out, "weekdays", t.weekdays, weekdays_valid ? kWeekdays : nullptr);
  emit_ranges(out, "days_of_month", t.days_of_month);
  emit_ranges(out, "months", t.months);
  emit_ranges(out, "years", t.years);
  if (t.location.name() != "UTC") out << YAML::Key << "location" << YAML::Value << t.location.name();
  out << YAML::EndMap;
}

void emit_receiver(YAML::Emitter& out, const notify::ReceiverConfig& r) {
  out << YAML::BeginMap << YAML::Key << "name" << YAML::Value << r.name;
  if (!r.webhooks.empty()) {
    out << YAML::Key << "webhook_configs" << YAML::Value << YAML::BeginSeq;
    for (const auto& w : r.webhooks) {
      out << YAML::BeginMap << YAML::Key << "send_resolved" << YAML::Value << w.send_resolved;
      if (w.auth.scheme != notify::HttpAuth::Scheme::none) {
        out << YAML::Key << "http_config" << YAML::Value << YAML::BeginMap << YAML::Key << "authorization"
            << YAML::Value << YAML::BeginMap << YAML::Key << "credentials" << YAML::Value << kSecret << YAML::EndMap
            << YAML::EndMap;
      }
      out << YAML::Key << "url" << YAML::Value << kRedactedUrl << YAML::Key << "max_alerts" << YAML::Value << w.max_alerts
          << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }
  if (!r.emails.empty()) {
    out << YAML::Key << "email_configs" << YAML::Value << YAML::BeginSeq;
    for (const auto& e : r.emails) {
      std::string to;
      for (const auto& addr : e.to) to += (to.empty() ? "" : ", ") + addr;
      out << YAML::BeginMap << YAML::Key << "send_resolved" << YAML::Value << e.send_resolved << YAML::Key << "to"
          << YAML::Value << to << YAML::Key << "from" << YAML::Value << e.from << YAML::Key << "hello" << YAML::Value
          << e.hello << YAML::Key << "smarthost" << YAML::Value << e.smarthost;
      if (!e.auth_username.empty()) out << YAML::Key << "auth_username" << YAML::Value << e.auth_username;
      if (!e.auth_password.empty()) out << YAML::Key << "auth_password" << YAML::Value << kSecret;
      out << YAML::Key << "require_tls" << YAML::Value << e.require_tls << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }
  if (!r.slacks.empty()) {
    out << YAML::Key << "slack_configs" << YAML::Value << YAML::BeginSeq;
    for (const auto& s : r.slacks) {
      out << YAML::BeginMap << YAML::Key << "send_resolved" << YAML::Value << s.send_resolved << YAML::Key
          << "api_url" << YAML::Value << kSecret;
      if (!s.channel.empty()) out << YAML::Key << "channel" << YAML::Value << s.channel;
      if (!s.username.empty()) out << YAML::Key << "username" << YAML::Value << s.username;
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }
  out << YAML::EndMap;
}

}  // namespace

std::string alertmanager_config_yaml(const notify::NotificationConfig& config) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "route" << YAML::Value;
  emit_route(out, config.route, nullptr, 0);
  if (!config.inhibit_rules.empty()) {
    out << YAML::Key << "inhibit_rules" << YAML::Value << YAML::BeginSeq;
    for (const auto& rule : config.inhibit_rules) {
      out << YAML::BeginMap;
      emit_matchers(out, "source_matchers", rule.source_matchers);
      emit_matchers(out, "target_matchers", rule.target_matchers);
      if (!rule.equal.empty()) emit_strings(out, "equal", rule.equal);
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }
  if (!config.time_intervals.empty()) {
    out << YAML::Key << "time_intervals" << YAML::Value << YAML::BeginSeq;
    for (const auto& [name, intervals] : config.time_intervals) {
      out << YAML::BeginMap << YAML::Key << "name" << YAML::Value << name << YAML::Key << "time_intervals" << YAML::Value
          << YAML::BeginSeq;
      for (const auto& t : intervals) emit_time_interval(out, t);
      out << YAML::EndSeq << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }
  out << YAML::Key << "receivers" << YAML::Value << YAML::BeginSeq;
  for (const auto& r : config.receivers) emit_receiver(out, r);
  out << YAML::EndSeq;
  out << YAML::Key << "templates" << YAML::Value << YAML::Flow << YAML::BeginSeq << YAML::EndSeq;
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace twikit::amapi
