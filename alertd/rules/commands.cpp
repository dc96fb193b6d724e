#include "alertd/rules/commands.h"

#include "alertd/rules/rule_file.h"

namespace twikit::rules {

int check_rules_command(const std::vector<std::string>& files, std::ostream& out, std::ostream& err) {
  bool failed = false;
  for (const auto& file : files) {
    out << "Checking " << file << "\n";
    const RuleFile f = load_rule_file(file);
    if (!f.errors.empty()) {
      err << "  FAILED:\n";
      for (const auto& e : f.errors) err << e.to_string() << "\n";
      failed = true;
    } else {
      const auto duplicates = lint_duplicate_rules(f);
      if (!duplicates.empty()) {
        // A lint finding, not an error: promtool prints it and still exits 0.
        err << "  FAILED:\n";
        err << "lint error " << duplicates.size() << " duplicate rule(s) found.\n";
        for (const auto& d : duplicates) err << d;
        err << "Might cause inconsistency while recording expressions\n";
      } else {
        std::size_t n = 0;
        for (const auto& g : f.groups) n += g.rules.size();
        out << "  SUCCESS: " << n << " rules found\n";
      }
    }
    out << "\n";
  }
  return failed ? 1 : 0;
}

int test_rules_command(const std::vector<std::string>& files, std::ostream& out, std::ostream& err,
                       const UnitTestOptions& options) {
  bool failed = false;
  for (const auto& file : files) {
    out << "Unit Testing:  " << file << "\n";
    const auto errors = run_unit_test_file(file, options);
    if (errors.empty()) {
      out << "  SUCCESS\n";
    } else {
      err << "  FAILED:\n";
      for (const auto& e : errors) {
        err << e << "\n";
        out << "\n";
      }
      failed = true;
    }
    out << "\n";
  }
  out.flush();
  err.flush();
  return failed ? 1 : 0;
}

int run_rules_tool(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (args.size() < 2 || args[1] != "rules" || (args[0] != "check" && args[0] != "test")) {
    err << "usage: alertd check rules FILE... | alertd test rules [--run=REGEX] [--ignore-unknown-fields] FILE...\n";
    return 2;
  }
  std::vector<std::string> files;
  UnitTestOptions options;
  for (std::size_t i = 2; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.rfind("--run=", 0) == 0) {
      options.run.push_back(a.substr(6));
    } else if (a == "--run" && i + 1 < args.size()) {
      options.run.push_back(args[++i]);
    } else if (a == "--ignore-unknown-fields") {
      options.ignore_unknown_fields = true;
    } else if (a.rfind("--", 0) == 0) {
      err << "unknown flag " << a << "\n";
      return 2;
    } else {
      files.push_back(a);
    }
  }
  if (files.empty()) {
    err << "no rule files given\n";
    return 2;
  }
  return args[0] == "check" ? check_rules_command(files, out, err) : test_rules_command(files, out, err, options);
}

}  // namespace twikit::rules
