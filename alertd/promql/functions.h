#pragma once
// The PromQL function table: signatures for the parser's type checks and implementations.

#include <string_view>
#include <vector>

#include "alertd/promql/ast.h"

namespace twikit::promql {

class Evaluator;  // evaluator.h
struct EValue;

/// Implementation of a function: the evaluated arguments, the call node and the evaluation time.
using FunctionImpl = EValue (*)(Evaluator& ev, const CallExpr& call, std::vector<EValue>& args,
                                TimestampMs t);

/// One function's signature and implementation.
struct FunctionInfo {
  std::string_view name;             ///< As written in queries.
  std::vector<ValueType> arg_types;  ///< Declared argument types (the last repeats when variadic < 0).
  int variadic = 0;                  ///< 0: exact; n > 0: up to n trailing args optional; -1: unbounded.
  ValueType return_type = ValueType::vector;  ///< Result type.
  FunctionImpl impl = nullptr;       ///< Null when the function is known but not implemented.
};

/// The function called `name`, or null when PromQL has no such function.
const FunctionInfo* find_function(std::string_view name);

}  // namespace twikit::promql
