// Binds the rules layer to alertd's PromQL parser.

#include "alertd/promql/parser.h"
#include "alertd/rules/rule_file.h"

namespace twikit::rules {

ExprChecker promql_expr_checker() {
  return [](const std::string& expr) -> std::optional<std::string> {
    try {
      promql::parse(expr);
    } catch (const promql::ParseError& e) {
      return std::string(e.what());
    }
    return std::nullopt;
  };
}

}  // namespace twikit::rules
