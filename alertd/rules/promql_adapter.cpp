// Binds the rules layer to alertd's PromQL parser.

#include "alertd/rules/rule_file.h"

#ifdef TWIKIT_HAVE_PROMQL
#include "alertd/promql/parser.h"
#endif

namespace twikit::rules {

ExprChecker promql_expr_checker() {
#ifdef TWIKIT_HAVE_PROMQL
  return [](const std::string& expr) -> std::optional<std::string> {
    try {
      promql::parse(expr);
    } catch (const promql::ParseError& e) {
      return std::string(e.what());
    }
    return std::nullopt;
  };
#else
  return {};
#endif
}

}  // namespace twikit::rules
