#include <cstdlib>
#include <filesystem>

#include "alertd/config/config.h"

namespace twikit::config {

std::string default_config_yaml(const std::string& rules_dir) {
  return "# alertd's embedded default: scrape the local twikit-exporter, evaluate the shipped rules,\n"
         "# log every notification.\n"
         "global:\n"
         "  scrape_interval: 15s\n"
         "  scrape_timeout: 10s\n"
         "  evaluation_interval: 15s\n"
         "scrape_configs:\n"
         "  - job_name: twikit\n"
         "    static_configs:\n"
         "      - targets: ['127.0.0.1:9877']\n"
         "rule_files:\n"
         "  - '" + rules_dir + "/*.yml'\n"
         "receivers:\n"
         "  - name: system-log\n"
         "    system_log_configs:\n"
         "      - send_resolved: true\n"
         "route:\n"
         "  receiver: system-log\n"
         "  group_by: [alertname, service]\n"
         "  group_wait: 10s\n"
         "  group_interval: 1m\n"
         "  repeat_interval: 4h\n";
}

std::string shipped_rules_dir() {
  if (const char* env = std::getenv("TWIKIT_RULES_DIR"); env && *env) return env;
#ifdef TWIKIT_INSTALL_RULES_DIR
  if (std::filesystem::is_directory(TWIKIT_INSTALL_RULES_DIR)) return TWIKIT_INSTALL_RULES_DIR;
#endif
#ifdef TWIKIT_SOURCE_RULES_DIR
  return TWIKIT_SOURCE_RULES_DIR;
#else
  return "rules";
#endif
}

std::vector<scrape::ScrapeTarget> scrape_targets(const AlertdConfig& config) {
  std::vector<scrape::ScrapeTarget> out;
  for (const auto& sc : config.scrape_configs) {
    for (const auto& st : sc.static_configs) {
      for (const auto& address : st.targets) {
        scrape::ScrapeTarget t;
        t.job = sc.job_name;
        t.url = sc.scheme + "://" + address + sc.metrics_path;
        t.labels = st.labels;
        set_label(t.labels, "job", sc.job_name);
        set_label(t.labels, "instance", address);
        t.interval_ms = sc.scrape_interval_ms;
        t.timeout_ms = sc.scrape_timeout_ms;
        t.body_size_limit = sc.body_size_limit;
        out.push_back(std::move(t));
      }
    }
  }
  return out;
}

}  // namespace twikit::config
