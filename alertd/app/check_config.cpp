#include "alertd/app/check_config.h"

#include "alertd/config/config.h"
#include "alertd/rules/rule_file.h"

namespace twikit::app {

int check_config_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  config::LoadOptions options;
  std::vector<std::string> files;
  for (const auto& arg : args) {
    if (arg == "--config.allow-empty") {
      options.allow_empty = true;
    } else if (arg.rfind("--", 0) == 0) {
      err << "alertd check config: unknown flag \"" << arg << "\"\n";
      return 1;
    } else {
      files.push_back(arg);
    }
  }
  if (files.empty()) {
    err << "usage: alertd check config [--config.allow-empty] FILE...\n";
    return 1;
  }
  int rc = 0;
  for (const auto& file : files) {
    out << "Checking " << file << "\n";
    config::AlertdConfig cfg;
    try {
      cfg = config::load_config_file(file, options);
    } catch (const std::exception& e) {
      err << "  FAILED: " << e.what() << "\n\n";
      rc = 1;
      continue;
    }
    for (const auto& warning : cfg.notification.warnings) err << "  WARNING: " << warning << "\n";
    out << "  SUCCESS: " << cfg.rule_files.size() << " rule files found\n";
    out << " SUCCESS: " << file << " is valid alertd config file syntax\n\n";
    for (const auto& rule_file : cfg.rule_files) {
      out << "Checking " << rule_file << "\n";
      const rules::RuleFile parsed = rules::load_rule_file(rule_file);
      if (parsed.errors.empty()) {
        std::size_t n = 0;
        for (const auto& g : parsed.groups) n += g.rules.size();
        out << "  SUCCESS: " << n << " rules found\n\n";
        continue;
      }
      err << "  FAILED:\n";
      for (const auto& e : parsed.errors) err << e.to_string() << "\n";
      err << "\n";
      rc = 1;
    }
  }
  return rc;
}

}  // namespace twikit::app
