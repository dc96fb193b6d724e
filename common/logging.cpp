#include "common/logging.h"

#include <mutex>

#include <spdlog/sinks/stdout_sinks.h>

namespace twikit {
namespace {

std::mutex g_mu;
spdlog::sink_ptr g_sink;
std::string g_pattern = "ts=%Y-%m-%dT%H:%M:%S.%eZ level=%l component=%n %v";
spdlog::level::level_enum g_level = spdlog::level::info;

spdlog::sink_ptr sink_locked() {
  if (!g_sink) g_sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  return g_sink;
}

}  // namespace

std::string setup_logging(const std::string& level, const std::string& format) {
  spdlog::level::level_enum lvl;
  if (level == "debug") lvl = spdlog::level::debug;
  else if (level == "info") lvl = spdlog::level::info;
  else if (level == "warn") lvl = spdlog::level::warn;
  else if (level == "error") lvl = spdlog::level::err;
  else return "unrecognized log level '" + level + "' (debug, info, warn, error)";
  std::string pattern;
  if (format == "logfmt") {
    pattern = "ts=%Y-%m-%dT%H:%M:%S.%eZ level=%l component=%n %v";
  } else if (format == "json") {
    // Messages are constant strings with key=value fields; JSON keeps them whole under "msg".
    pattern = R"({"ts":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","component":"%n","msg":"%v"})";
  } else {
    return "unrecognized log format '" + format + "' (logfmt, json)";
  }
  std::lock_guard lock(g_mu);
  g_level = lvl;
  g_pattern = pattern;
  spdlog::apply_all([&](const std::shared_ptr<spdlog::logger>& l) {
    l->set_level(lvl);
    l->set_pattern(pattern, spdlog::pattern_time_type::utc);
  });
  return {};
}

std::shared_ptr<spdlog::logger> logger(const std::string& name) {
  std::lock_guard lock(g_mu);
  if (auto existing = spdlog::get(name)) return existing;
  auto l = std::make_shared<spdlog::logger>(name, sink_locked());
  l->set_level(g_level);
  l->set_pattern(g_pattern, spdlog::pattern_time_type::utc);
  spdlog::register_logger(l);
  return l;
}

std::string logfmt_value(const std::string& value) {
  if (!value.empty() && value.find_first_of(" \"=\t\n") == std::string::npos) return value;
  std::string out = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

}  // namespace twikit
