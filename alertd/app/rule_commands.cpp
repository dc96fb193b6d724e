#include "alertd/app/rule_commands.h"

#include "alertd/rules/rule_file.h"

// Wired explicitly (not by __has_include) so a change in the rules library's signatures cannot
// silently break this build.
#ifdef TWIKIT_HAVE_RULE_COMMANDS
#include "alertd/rules/commands.h"
#endif

namespace twikit::app {

#ifdef TWIKIT_HAVE_RULE_COMMANDS

int check_rules(const std::vector<std::string>& files, std::ostream& out, std::ostream& err) {
  return rules::check_rules_command(files, out, err);
}

int test_rules(const std::vector<std::string>& files, std::ostream& out, std::ostream& err) {
  return rules::test_rules_command(files, out, err);
}

#else

int check_rules(const std::vector<std::string>& files, std::ostream& out, std::ostream& err) {
  if (files.empty()) {
    err << "usage: alertd check rules FILE...\n";
    return 1;
  }
  int rc = 0;
  for (const auto& file : files) {
    out << "Checking " << file << "\n";
    const rules::RuleFile parsed = rules::load_rule_file(file);
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
  return rc;
}

int test_rules(const std::vector<std::string>&, std::ostream&, std::ostream& err) {
  err << "alertd: test rules is not available in this build\n";
  return 1;
}

#endif

}  // namespace twikit::app
